"""Bridge-builders' links: every topic's deep link per language, as CSV, QR codes and A4 posters.

Telegram-free. `python -m bot links` is the front end. A poster carries one QR code per language,
each opening the same topic in that language; an optional source tag (e.g. `haninge1`) is added
to every payload so the staff export can show how many people one poster reached, never who.
"""

from __future__ import annotations

import csv
import itertools
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import segno

from bot.content.model import LANGUAGES, REFERENCE_LANGUAGE, Lang, Library, Topic
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.links.deeplinks import MAX_PAYLOAD, DeepLink, build_payload, deep_link_url, parse_payload

#: Telegram usernames: 5-32 characters, letters, digits and underscores, starting with a letter.
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
_TAG = re.compile(r"[A-Za-z0-9_-]+")

#: Error correction Q (25 %): a printed poster survives a crease, a pin hole or a bit of dirt.
QR_ERROR = "q"
#: The quiet zone the QR standard asks for (4 modules); scanners fail more often with less.
QR_BORDER = 4
#: PNG pixels per module: a version 7-9 code is 1-1.2 k pixels wide, 8-10 cm at 300 dpi.
PNG_SCALE = 20
PNG_DPI = 300

#: The one-line description on a poster: the summary's first sentence(s), at most this long.
DESCRIPTION_MAX = 150
_DESCRIPTION_MIN = 45
_SENTENCE_BREAK = re.compile(r"[.?!]\s+")


class LinkError(ValueError):
    """A bad username or source tag; the message is one line meant for the operator."""


@dataclass(frozen=True, slots=True)
class LinkRow:
    topic_id: str
    lang: Lang
    title: str
    payload: str
    url: str


# --- validation and rows ------------------------------------------------------------------------


def check_username(username: str) -> str:
    """The bot's username without a leading @; LinkError if Telegram would not accept it."""
    name = username.strip().removeprefix("@")
    if not _USERNAME.fullmatch(name):
        raise LinkError(
            f"invalid bot username {username!r}: use 5-32 letters, digits or underscores, "
            "starting with a letter (as shown by BotFather, without t.me/)"
        )
    if not name.lower().endswith("bot"):
        raise LinkError(f"invalid bot username {username!r}: Telegram bot usernames end in 'bot'")
    return name


def check_source(library: Library, source: str | None) -> str | None:
    """The source tag if every payload stays valid and within 64 characters; else LinkError."""
    if source is None:
        return None
    if not source or not _TAG.fullmatch(source):
        raise LinkError(
            f"invalid source tag {source!r}: use only letters A-Z a-z, digits, '_' and '-'"
        )
    longest = max(len(f"{lang}-{tid}") for tid in library.topic_ids for lang in LANGUAGES)
    room = MAX_PAYLOAD - longest - 1
    too_long = sorted(
        f"{lang}-{tid} ({len(lang) + len(tid) + len(source) + 2})"
        for tid in library.topic_ids
        for lang in LANGUAGES
        if len(lang) + len(tid) + len(source) + 2 > MAX_PAYLOAD
    )
    if too_long:
        raise LinkError(
            f"source tag {source!r} ({len(source)} characters) makes {len(too_long)} payload(s) "
            f"longer than {MAX_PAYLOAD} characters: {', '.join(too_long)}; "
            f"use at most {room} characters"
        )
    broken = [
        f"{lang}-{tid}"
        for tid in library.topic_ids
        for lang in LANGUAGES
        if parse_payload(f"{lang}-{tid}_{source}") != DeepLink(lang, tid, source)
    ]
    if broken:
        raise LinkError(
            f"source tag {source!r} does not make valid deep links for: {', '.join(broken)}"
        )
    return source


def all_links(library: Library, username: str, source: str | None = None) -> list[LinkRow]:
    """One row per topic and language, in menu order; LinkError for a bad username or tag."""
    name = check_username(username)
    tag = check_source(library, source)
    rows: list[LinkRow] = []
    for topic_id in library.topic_ids:
        for lang in LANGUAGES:
            link = DeepLink(lang, topic_id, tag)
            rows.append(
                LinkRow(
                    topic_id=topic_id,
                    lang=lang,
                    title=library.topic(lang, topic_id).title,
                    payload=build_payload(link),
                    url=deep_link_url(name, link),
                )
            )
    return rows


def format_table(rows: Sequence[LinkRow]) -> str:
    """A plain-text table for the terminal: topic, language, URL."""
    width = max((len(row.topic_id) for row in rows), default=5)
    lines = [f"{'topic':<{width}}  lang  url"]
    lines += [f"{row.topic_id:<{width}}  {row.lang:<4}  {row.url}" for row in rows]
    return "\n".join(lines)


# --- CSV ----------------------------------------------------------------------------------------


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas (OWASP): a cell must not start with = + - @ tab or CR."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(rows: Iterable[LinkRow], path: Path) -> Path:
    """UTF-8 with BOM so that Excel shows č, š, ž, å, ä, ö correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["topic_id", "lang", "title", "payload", "url"])
        for row in rows:
            writer.writerow(
                [_cell(row.topic_id), row.lang, _cell(row.title), _cell(row.payload), row.url]
            )
    return path


# --- QR codes -----------------------------------------------------------------------------------


def make_qr(url: str) -> segno.QRCode:
    # boost_error keeps at least Q but raises it when the same symbol size allows more.
    return segno.make_qr(url, error=QR_ERROR)


def write_qr(rows: Iterable[LinkRow], directory: Path) -> list[Path]:
    """`<payload>.svg` and `<payload>.png` per link, with a white quiet zone of 4 modules."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for row in rows:
        qr = make_qr(row.url)
        svg = directory / f"{row.payload}.svg"
        png = directory / f"{row.payload}.png"
        qr.save(
            str(svg),
            kind="svg",
            scale=10,
            border=QR_BORDER,
            dark="#000",
            light="#fff",
            title=row.title,
            desc=row.url,
        )
        qr.save(str(png), kind="png", scale=PNG_SCALE, border=QR_BORDER, dpi=PNG_DPI)
        written += [svg, png]
    return written


def qr_svg_inline(url: str, title: str) -> str:
    """The QR code as an inline SVG sized by CSS: a white square and one filled path.

    Runs of dark modules as filled unit rectangles in a single path (segno's own SVG strokes
    each row), so no renderer can leave hairlines between rows at odd scales.
    """
    qr = make_qr(url)
    size = qr.symbol_size(border=QR_BORDER)[0]
    runs: list[str] = []
    for y, row in enumerate(qr.matrix_iter(scale=1, border=QR_BORDER)):
        x = 0
        for dark, group in itertools.groupby(row):
            width = len(list(group))
            if dark:
                runs.append(f"M{x} {y}h{width}v1h-{width}z")
            x += width
    return (
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(title)}">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


# --- posters ------------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Split at . ? ! followed by a space and a capital letter, or by a digit unless a digit
    came before the dot: "Ring 112. Vill du", "november. 8 april" split; "8. huhtikuuta" does not.
    """
    text = " ".join(text.split())
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if after.isupper() or (after.isdigit() and not before.isdigit()):
            parts.append(text[start : match.start() + 1])
            start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part]


def one_line(summary: str, max_len: int = DESCRIPTION_MAX) -> str:
    """The summary's first sentence, with the next ones while it is very short or a question
    waits for its answer ("Är du i fara? Ring 112."); cut at a word with … when still too long.
    """
    parts = sentences(summary)
    if not parts:
        return ""
    chosen = [parts[0]]
    for part in parts[1:]:
        text = " ".join(chosen)
        wanted = len(text) < _DESCRIPTION_MIN or text.endswith("?")
        if not wanted or len(text) + 1 + len(part) > max_len:
            break
        chosen.append(part)
    while len(chosen) > 1 and chosen[-1].endswith("?"):
        chosen.pop()  # a question whose answer did not fit
    text = " ".join(chosen)
    if len(text) > max_len:
        cut = text[: max_len - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
        text = cut + "…"
    return text


@dataclass(frozen=True, slots=True)
class Poster:
    topic_id: str
    path: Path
    titles: dict[Lang, str]


def _poster_name(topic_id: str, source: str | None) -> str:
    return f"{topic_id}_{source}.html" if source else f"{topic_id}.html"


def _lang_block(topic: Topic, row: LinkRow, t: Translator) -> str:
    draft = ""
    if topic.lang != REFERENCE_LANGUAGE and topic.review != "reviewed" and not topic.is_fallback:
        draft = (
            '<p class="draft">'
            + escape(t._("This translation has not yet been checked by a native speaker."))
            + "</p>"
        )
    # Break the printed URL only before "?" and "_" or after "-", never inside a word.
    display_url = (
        escape(row.url.removeprefix("https://")).replace("?", "<wbr>?").replace("_", "<wbr>_")
    )
    scan = t._("Scan the code with your phone's camera. The bot opens in Telegram.")
    return f"""<section class="lang" lang="{row.lang}">
  <div class="code">{qr_svg_inline(row.url, row.title)}
    <p class="url">{display_url}</p></div>
  <div class="text">
    <p class="language">{escape(LANGUAGE_NAMES[row.lang])}</p>
    <h2>{escape(topic.title)}</h2>
    <p class="desc">{escape(one_line(topic.summary))}</p>
    <p class="scan">{escape(scan)}</p>
    {draft}
  </div>
</section>"""


_POSTER_CSS = """
@page { size: A4 portrait; margin: 11mm 13mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #fff; color: #000; }
body {
  font-family: "Atkinson Hyperlegible", Verdana, "DejaVu Sans", "Liberation Sans", Arial,
    sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.page { width: 184mm; height: 274mm; margin: 0 auto; display: flex; flex-direction: column; }
.lang {
  display: flex; gap: 8mm; align-items: center; flex: 1 1 0;
  border-bottom: 0.6mm solid #555; padding: 3mm 0;
}
.code { flex: 0 0 56mm; text-align: center; }
svg.qr { width: 56mm; height: 56mm; display: block; }
.url { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.5pt;
  margin: 0.5mm 0 0; overflow-wrap: anywhere; color: #222; }
.text { flex: 1 1 auto; }
.language { font-size: 13pt; font-weight: bold; letter-spacing: 0.05em; margin: 0 0 1.5mm;
  text-transform: uppercase; color: #333; }
h2 { font-size: 22pt; line-height: 1.15; margin: 0 0 2.5mm; }
.desc { font-size: 15pt; line-height: 1.3; margin: 0 0 2.5mm; }
.scan { font-size: 12pt; line-height: 1.3; margin: 0; }
.draft { font-size: 10pt; font-style: italic; margin: 1.5mm 0 0; color: #333; }
footer { flex: 0 0 auto; padding-top: 3mm; }
footer p { font-size: 11pt; line-height: 1.3; margin: 0 0 1.5mm; }
footer .bot { font-size: 12pt; font-weight: bold; }
@media screen {
  body { background: #ddd; padding: 8mm 0; }
  .page { background: #fff; padding: 11mm 13mm; width: 210mm; height: 297mm;
    box-shadow: 0 0 3mm #888; }
}
"""


def _privacy_line(t: Translator) -> str:
    return t._(
        "The bot is anonymous. It never saves your name, phone number or Telegram id. It "
        "remembers your language and municipality under a code and counts visits without "
        "knowing who you are."
    )


def poster_html(
    library: Library,
    topic_id: str,
    rows: Mapping[Lang, LinkRow],
    username: str,
    translators: Mapping[Lang, Translator],
) -> str:
    """One self-contained A4 page: per language a QR code, title and one line; privacy below."""
    topics = {lang: library.topic(lang, topic_id) for lang in LANGUAGES}
    blocks = "\n".join(
        _lang_block(topics[lang], rows[lang], translators[lang]) for lang in LANGUAGES
    )
    privacy = "\n".join(
        f'<p lang="{lang}">{escape(_privacy_line(translators[lang]))}</p>' for lang in LANGUAGES
    )
    title = " · ".join(topics[lang].title for lang in LANGUAGES)
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_POSTER_CSS}</style>
</head>
<body>
<main class="page">
{blocks}
<footer>
<p class="bot">Telegram: @{escape(username)}</p>
{privacy}
</footer>
</main>
</body>
</html>
"""


def _index_html(posters: Sequence[Poster], source: str | None) -> str:
    items = "\n".join(
        f'<li><a href="{escape(poster.path.name)}">'
        + " · ".join(escape(poster.titles[lang]) for lang in LANGUAGES)
        + f"</a> <small>({escape(poster.topic_id)})</small></li>"
        for poster in posters
    )
    heading = "Affischer" + (f" – källa {escape(source)}" if source else "")
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>{heading}</title>
<style>
body {{ font-family: Verdana, "DejaVu Sans", Arial, sans-serif; font-size: 14pt;
  max-width: 60rem; margin: 2rem auto; line-height: 1.5; padding: 0 1rem; }}
li {{ margin-bottom: 0.4rem; }}
small {{ color: #555; }}
</style>
</head>
<body>
<h1>{heading}</h1>
<p>En A4-sida per ämne, med QR-koder på svenska, romani chib och finska.
Öppna en sida och skriv ut den i 100 % storlek.</p>
<ol>
{items}
</ol>
</body>
</html>
"""


def write_posters(
    library: Library,
    username: str,
    source: str | None,
    directory: Path,
    *,
    translators: Mapping[Lang, Translator] | None = None,
) -> list[Poster]:
    """One printable A4 HTML page per topic, plus `index.html` listing them."""
    if translators is None:
        from bot.config import REPO_ROOT
        from bot.i18n import load_translators

        translators = load_translators(REPO_ROOT / "locale")
    name = check_username(username)
    rows = all_links(library, name, source)
    by_topic: dict[str, dict[Lang, LinkRow]] = {}
    for row in rows:
        by_topic.setdefault(row.topic_id, {})[row.lang] = row
    directory.mkdir(parents=True, exist_ok=True)
    posters: list[Poster] = []
    for topic_id, topic_rows in by_topic.items():
        path = directory / _poster_name(topic_id, source)
        path.write_text(
            poster_html(library, topic_id, topic_rows, name, translators), encoding="utf-8"
        )
        titles = {lang: row.title for lang, row in topic_rows.items()}
        posters.append(Poster(topic_id, path, titles))
    (directory / "index.html").write_text(_index_html(posters, source), encoding="utf-8")
    return posters


# --- PDF (optional) -----------------------------------------------------------------------------

_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    return next((path for name in _CHROMIUM_NAMES if (path := shutil.which(name))), None)


def chromium_command(browser: str, profile: Path, html: Path, output_flag: str) -> list[str]:
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        output_flag,
        html.resolve().as_uri(),
    ]


def write_pdfs(
    html_files: Iterable[Path], browser: str | None = None, timeout: float = 120.0
) -> list[Path]:
    """A PDF beside each HTML poster via headless Chromium; [] when no Chromium is installed."""
    browser = browser or find_chromium()
    if browser is None:
        return []
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="bot-links-chromium-") as profile:
        for html in html_files:
            pdf = html.with_suffix(".pdf")
            command = chromium_command(browser, Path(profile), html, f"--print-to-pdf={pdf}")
            subprocess.run(command, check=True, capture_output=True, timeout=timeout)
            if not pdf.exists() or pdf.stat().st_size == 0:
                raise RuntimeError(f"Chromium wrote no PDF for {html.name}")
            written.append(pdf)
    return written
