"""`python -m bot links`: deep links, QR codes and A4 posters from the command line (admins).

The same as a bridge-builder's /links in the chat, for every topic at once or for one target:
`--lang` (repeatable) limits the languages, `--place` prints the place, `--survey`/`--menu`
target the feedback survey or the main menu, `--municipality` registers the `--source` tag
(lower-cased) so that its reach is counted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings


def add_links_parser(commands: Any) -> None:
    links = commands.add_parser("links", help="deep links per topic and language: CSV, QR, posters")
    links.add_argument("--username", required=True, help="the bot's Telegram username")
    links.add_argument(
        "--source", metavar="TAG", help="source tag counted per poster, e.g. haninge1"
    )
    links.add_argument("--csv", metavar="PATH", type=Path, default=Path("links.csv"))
    links.add_argument("--qr", metavar="DIR", type=Path, help="write an SVG and a PNG per link")
    links.add_argument("--poster", metavar="DIR", type=Path, help="write an A4 page per topic")
    links.add_argument(
        "--lang",
        action="append",
        choices=["sv", "rom", "fi"],
        help="only this language (repeatable; default: all three on every poster)",
    )
    links.add_argument("--place", help="the place printed on the posters, e.g. Haninge bibliotek")
    target = links.add_mutually_exclusive_group()
    target.add_argument(
        "--survey", action="store_true", help="links and a poster that open the feedback survey"
    )
    target.add_argument("--menu", action="store_true", help="links and a poster for the main menu")
    links.add_argument(
        "--municipality",
        metavar="ID",
        help="register --source (lower-cased) for this municipality, so that its reach counts",
    )
    links.add_argument("--pdf", action="store_true", help="also print posters to PDF (Chromium)")


def run_links(args: argparse.Namespace, settings: Settings) -> int:
    """`python -m bot links`: print the links, write the CSV, QR codes and posters."""
    from bot.content import ContentError, load_library
    from bot.content.model import LANGUAGES
    from bot.i18n import load_translators
    from bot.links.pdf import write_pdfs
    from bot.links.posters import poster_rows, write_posters
    from bot.links.qr import write_qr
    from bot.links.rows import LinkError, all_links, format_table, write_csv
    from bot.links.tags import clean_place, normalise_tag
    from bot.storage.tags import TagTaken

    langs = tuple(lang for lang in LANGUAGES if not args.lang or lang in args.lang)
    targets = ["survey"] if args.survey else ["menu"] if args.menu else None
    translators = load_translators(settings.locale_dir)
    try:
        library = load_library(settings.content_dir)
        source = args.source
        if args.municipality is not None:
            if source is None:
                raise LinkError("--municipality registers a tag: give it with --source")
            source = normalise_tag(source)
        place = clean_place(args.place)
        if targets is None:
            rows = [row for row in all_links(library, args.username, source) if row.lang in langs]
        else:
            rows = [
                row
                for target in targets
                for row in poster_rows(
                    library, args.username, target, langs, source, translators
                ).values()
            ]
    except (ContentError, LinkError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.municipality is not None and source is not None:
        if library.municipality(args.municipality) is None:
            print(f"error: unknown municipality {args.municipality!r}", file=sys.stderr)
            return 2
        try:
            asyncio.run(_register_tag(settings, source, args.municipality, place))
        except TagTaken:
            print(f"error: tag {source!r} belongs to another municipality", file=sys.stderr)
            return 2
        print(f"tag {source} registered for {args.municipality}")
    print(format_table(rows))
    print(f"{len(rows)} links written to {write_csv(rows, args.csv)}")
    if args.qr is not None:
        files = write_qr(rows, args.qr)
        print(f"{len(files)} QR code files written to {args.qr}")
    if args.poster is not None:
        posters = write_posters(
            library,
            args.username,
            source,
            args.poster,
            translators=translators,
            langs=langs,
            place=place,
            targets=targets,
        )
        print(f"{len(posters)} posters and index.html written to {args.poster}")
        if args.pdf:
            pdfs = write_pdfs(poster.path for poster in posters)
            if pdfs:
                print(f"{len(pdfs)} PDF posters written to {args.poster}")
            else:
                print("no Chromium found: PDFs skipped, print the HTML pages instead")
    return 0


async def _register_tag(settings: Settings, tag: str, municipality: str, place: str | None) -> None:
    import datetime as dt

    from bot.storage.database import Database
    from bot.storage.tags import register_tag

    db = await Database.open(settings.database_path)
    try:
        await register_tag(db, tag, municipality, place, dt.date.today())
    finally:
        await db.close()
