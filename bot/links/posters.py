"""Printable A4 posters: one QR code per language, each opening the same target in that
language, with the place name printed and the privacy line kept. Telegram-free.

A target is a topic, the main menu or the feedback survey. The HTML is rendered from the Jinja2
templates in templates/ with autoescape on; `bot.links.pdf` prints it with headless Chromium.
`python -m bot links` and the bridge-builders' /links in the chat are the front ends.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.model import LANGUAGES, REFERENCE_LANGUAGE, Lang, Library
from bot.i18n import LANGUAGE_NAMES, N_, Translator
from bot.links.deeplinks import MENU_TARGET, SURVEY_TARGET
from bot.links.qr import qr_svg_inline
from bot.links.render import render, safe
from bot.links.rows import LinkError, LinkRow, check_source, check_username, link_row
from bot.links.text import one_line

#: Titles and one-liners of the targets that are not topics (translated per poster language).
SPECIAL_TEXTS: dict[str, tuple[str, str]] = {
    MENU_TARGET: (
        N_("Information for Roma residents, in your language"),
        N_("Your rights, school, social services, housing, health care and meeting places."),
    ),
    SURVEY_TARGET: (
        N_("How did a service work for you?"),
        N_("Tell us anonymously in a few taps. It helps the municipality do better."),
    ),
}
_SWEDISH_LANGUAGE_NAMES: dict[Lang, str] = {"sv": "svenska", "rom": "romani chib", "fi": "finska"}
_URL_BREAK = re.compile(r"(?=[?_])")


@dataclass(frozen=True, slots=True)
class Poster:
    topic_id: str
    path: Path
    titles: dict[Lang, str]


@dataclass(frozen=True, slots=True)
class PosterText:
    title: str
    description: str
    draft: str | None


def privacy_line(t: Translator) -> str:
    return t._(
        "The bot is anonymous. It never saves your name or phone number, nor your Telegram id "
        "in readable form. It remembers your language and municipality under a code and counts "
        "visits without knowing who you are."
    )


def target_text(library: Library, target: str, lang: Lang, t: Translator) -> PosterText:
    """Title, one line and the draft notice for a topic, the menu or the survey."""
    if target in SPECIAL_TEXTS:
        title, description = SPECIAL_TEXTS[target]
        return PosterText(t._(title), t._(description), None)
    topic = library.topic(lang, target)
    draft = None
    if topic.lang != REFERENCE_LANGUAGE and topic.review != "reviewed" and not topic.is_fallback:
        draft = t._("This translation has not yet been checked by a native speaker.")
    return PosterText(topic.title, one_line(topic.summary), draft)


def check_target(library: Library, target: str) -> str:
    if target in SPECIAL_TEXTS or library.resolve_id(target) == target:
        return target
    raise LinkError(f"unknown topic {target!r}: use a topic id, 'menu' or 'survey'")


def poster_rows(
    library: Library,
    username: str,
    target: str,
    langs: Sequence[Lang],
    tag: str | None,
    translators: Mapping[Lang, Translator],
) -> dict[Lang, LinkRow]:
    """The link per language, in the fixed language order; LinkError for bad input."""
    name = check_username(username)
    target = check_target(library, target)
    check_source(library, tag, [target])
    chosen = [lang for lang in LANGUAGES if lang in langs]
    if not chosen:
        raise LinkError("choose at least one language: sv, rom or fi")
    return {
        lang: link_row(
            library,
            name,
            target,
            lang,
            tag,
            target_text(library, target, lang, translators[lang]).title,
        )
        for lang in chosen
    }


def poster_html(
    library: Library,
    topic_id: str,
    rows: Mapping[Lang, LinkRow],
    username: str,
    translators: Mapping[Lang, Translator],
    *,
    place: str | None = None,
) -> str:
    """One self-contained A4 page: per language a QR code, title and one line; privacy below."""
    langs = [lang for lang in LANGUAGES if lang in rows]
    blocks: list[dict[str, Any]] = []
    titles: list[str] = []
    for lang in langs:
        t = translators[lang]
        text = target_text(library, topic_id, lang, t)
        row = rows[lang]
        titles.append(text.title)
        blocks.append(
            {
                "lang": lang,
                "qr": safe(qr_svg_inline(row.url, row.title)),
                # Break the printed URL only before "?" and "_", never inside a word.
                "url_parts": _URL_BREAK.split(row.url.removeprefix("https://")),
                "language": LANGUAGE_NAMES[lang],
                # The topic's pictogram, as in the bot's menus: poster and chat look alike.
                "title": library.pictograms.label(library.pictograms.topic(topic_id), text.title),
                "description": text.description,
                "scan": t._("Scan the code with your phone's camera. The bot opens in Telegram."),
                "draft": text.draft,
            }
        )
    return render(
        "poster.html.j2",
        page_lang=langs[0] if len(langs) == 1 else "sv",
        title=" · ".join(titles),
        place=place,
        blocks=blocks,
        username=username,
        privacy=[{"lang": lang, "text": privacy_line(translators[lang])} for lang in langs],
    )


def poster_name(target: str, source: str | None, langs: Sequence[Lang] = LANGUAGES) -> str:
    stem = f"{target}_{source}" if source else target
    if tuple(langs) != LANGUAGES:
        stem += "_" + "-".join(lang for lang in LANGUAGES if lang in langs)
    return f"{stem}.html"


def write_poster(
    library: Library,
    username: str,
    target: str,
    directory: Path,
    translators: Mapping[Lang, Translator],
    *,
    langs: Sequence[Lang] = LANGUAGES,
    source: str | None = None,
    place: str | None = None,
) -> Poster:
    """One poster for one target, in the chosen languages, with the place printed."""
    name = check_username(username)
    rows = poster_rows(library, name, target, langs, source, translators)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / poster_name(target, source, tuple(rows))
    html = poster_html(library, target, rows, name, translators, place=place)
    path.write_text(html, encoding="utf-8")
    return Poster(target, path, {lang: row.title for lang, row in rows.items()})


def write_posters(
    library: Library,
    username: str,
    source: str | None,
    directory: Path,
    *,
    translators: Mapping[Lang, Translator] | None = None,
    langs: Sequence[Lang] = LANGUAGES,
    place: str | None = None,
    targets: Sequence[str] | None = None,
) -> list[Poster]:
    """One printable A4 HTML page per target (default: every topic), plus `index.html`."""
    if translators is None:
        from bot.config import REPO_ROOT
        from bot.i18n import load_translators

        translators = load_translators(REPO_ROOT / "locale")
    name = check_username(username)
    chosen = list(targets) if targets is not None else list(library.topic_ids)
    check_source(library, source, chosen)
    posters = [
        write_poster(
            library, name, target, directory, translators, langs=langs, source=source, place=place
        )
        for target in chosen
    ]
    heading = "Affischer" + (f" – källa {source}" if source else "")
    languages = [_SWEDISH_LANGUAGE_NAMES[lang] for lang in LANGUAGES if lang in langs]
    index = render(
        "index.html.j2",
        heading=heading,
        languages=" och ".join(filter(None, [", ".join(languages[:-1]), languages[-1]])),
        posters=[
            {
                "name": poster.path.name,
                "titles": list(poster.titles.values()),
                "target": poster.topic_id,
            }
            for poster in posters
        ],
    )
    (directory / "index.html").write_text(index, encoding="utf-8")
    return posters
