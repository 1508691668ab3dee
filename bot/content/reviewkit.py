"""Review kit: printable side-by-side sheets for reviewers who do not use git, and review records.

`python -m bot review-kit --lang rom [--topic ID ...] --out DIR` writes one HTML sheet per topic
(and a PDF beside it when a headless Chromium is installed): the Swedish reference on the left,
the Romani or Finnish text on the right, paragraph by paragraph, a box for corrections and a
signature line. Staff-facing, so the sheet's own words are Swedish.

`python -m bot review record --lang rom --topic ID --role "..." --date YYYY-MM-DD` records, once
the corrections are typed in, that this version was reviewed: the topic file's `review:` becomes a
mapping with the role, the date and the hash of the text. A later edit changes the hash, and the
loader then treats the text as a draft again (`check` says "outdated").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from bot.content.model import REFERENCE_LANGUAGE, Lang, Library, Topic

LANGUAGE_LABELS: dict[str, str] = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}


@dataclass(frozen=True, slots=True)
class Paragraph:
    key: str
    label: str
    reference: str
    text: str


def _units(topic: Topic) -> Iterator[tuple[str, str, str]]:
    """(key, Swedish label, text) for every reader-visible unit, in reading order."""
    yield "title", "Rubrik", topic.title
    for n, part in enumerate(_split(topic.summary)):
        yield f"summary.{n}", "Sammanfattning", part
    for i, block in enumerate(topic.sections):
        yield f"s{i}.heading", f"Avsnitt {i + 1}: rubrik", block.heading
        for n, part in enumerate(_split(block.text or "")):
            yield f"s{i}.text.{n}", f"Avsnitt {i + 1}: stycke {n + 1}", part
        for n, step in enumerate(block.steps):
            yield f"s{i}.step.{n}", f"Avsnitt {i + 1}: steg {n + 1}", step
        for n, bullet in enumerate(block.bullets):
            yield f"s{i}.bullet.{n}", f"Avsnitt {i + 1}: punkt {n + 1}", bullet
    for n, step in enumerate(topic.next_steps):
        yield f"next.{n}", f"Gör så här: {n + 1}", step
    for n, contact in enumerate(topic.contacts):
        if contact.note:
            yield f"contact.{n}", f"Kontakt: {contact.name}", contact.note


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def paragraphs(reference: Topic, translation: Topic) -> list[Paragraph]:
    """The two texts side by side, matched by position in the structure, not by guesswork.

    A unit only one side has (a translation with one bullet fewer) gets an empty cell, which a
    reviewer will notice.
    """
    ref = {key: (label, text) for key, label, text in _units(reference)}
    other = {key: (label, text) for key, label, text in _units(translation)}
    keys = list(ref) + [key for key in other if key not in ref]
    return [
        Paragraph(
            key,
            (ref.get(key) or other[key])[0],
            ref.get(key, ("", ""))[1],
            other.get(key, ("", ""))[1],
        )
        for key in keys
    ]


_SHEET = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<title>Granskning: {{ topic.id }} ({{ lang_label }})</title>
<style>
@page { size: A4; margin: 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 4pt; }
.meta { font-size: 9pt; color: #333; margin-bottom: 8pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #888; padding: 4pt 5pt; vertical-align: top; }
th { background: #eee; text-align: left; }
td.label { width: 13%; font-size: 8.5pt; color: #444; }
td.fix { width: 24%; }
tr { page-break-inside: avoid; }
.sign { margin-top: 16pt; page-break-inside: avoid; }
.sign p { margin: 14pt 0 0; border-top: 1px solid #000; width: 70%;
  padding-top: 2pt; font-size: 9pt; }
</style></head><body>
<h1>{{ topic.title }}</h1>
<div class="meta">Ämne: <b>{{ topic.id }}</b> · Språk: <b>{{ lang_label }}</b> ·
Version: <code>{{ version }}</code> · Utskriven {{ today }} · Status: {{ status }}<br>
Läs texten till höger mot den svenska förlagan. Skriv rättelser i rutan till höger.
Stryk inget i förlagan. Fakta granskas mot de källor som står sist i ämnet i boten.</div>
<table>
<tr><th style="width:13%">Del</th><th>Svenska (förlaga)</th><th>{{ lang_label }}</th>
<th style="width:24%">Rättelse</th></tr>
{% for p in paragraphs %}<tr><td class="label">{{ p.label }}</td><td>{{ p.reference }}</td>
<td>{{ p.text }}</td><td class="fix"></td></tr>
{% endfor %}</table>
<div class="sign">
<p>Granskarens roll (till exempel modersmålstalare, socialsekreterare, lärare)</p>
<p>Datum</p>
<p>Underskrift</p>
</div>
</body></html>
"""

_INDEX = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Granskningsblad</title></head><body>
<h1>Granskningsblad: {{ lang_label }}</h1>
<ul>{% for name, title in sheets %}<li><a href="{{ name }}">{{ title }}</a></li>{% endfor %}</ul>
</body></html>
"""


def _environment() -> Environment:
    # Texts come from editors and may contain < or &: autoescape every value.
    return Environment(autoescape=True, keep_trailing_newline=True)


def sheet_html(library: Library, topic_id: str, lang: Lang, today: dt.date) -> str:
    reference = library.topic(REFERENCE_LANGUAGE, topic_id)
    topic = library.topic(lang, topic_id)
    status = "granskad" if topic.review == "reviewed" else "utkast"
    if topic.review_outdated:
        status = "utkast (ändrad efter granskning)"
    return (
        _environment()
        .from_string(_SHEET)
        .render(
            topic=topic,
            lang_label=LANGUAGE_LABELS[lang],
            version=topic.content_hash()[:19],
            today=today.isoformat(),
            status=status,
            paragraphs=paragraphs(reference, topic),
        )
    )


def write_review_kit(
    library: Library,
    lang: Lang,
    out: Path,
    topic_ids: Sequence[str] = (),
    *,
    today: dt.date | None = None,
    pdf: bool = True,
) -> list[Path]:
    """HTML sheets (and PDFs when Chromium is present) for `topic_ids`, default all topics."""
    today = today or dt.date.today()
    out.mkdir(parents=True, exist_ok=True)
    ids = list(topic_ids) or list(library.topic_ids)
    unknown = [tid for tid in ids if library.resolve_id(tid) is None]
    if unknown:
        raise ValueError(f"unknown topic(s): {', '.join(unknown)}")
    written = []
    for topic_id in ids:
        path = out / f"{lang}-{topic_id}.html"
        path.write_text(sheet_html(library, topic_id, lang, today), encoding="utf-8")
        written.append(path)
    index = out / f"index-{lang}.html"
    sheets = [(p.name, library.topic(lang, tid).title) for p, tid in zip(written, ids, strict=True)]
    index.write_text(
        _environment().from_string(_INDEX).render(lang_label=LANGUAGE_LABELS[lang], sheets=sheets),
        encoding="utf-8",
    )
    if pdf:
        from bot.links.pdf import write_pdfs

        written.extend(write_pdfs(written))
    return [*written, index]


def record_review(
    path: Path, topic: Topic, *, role: str, date: dt.date, by: str | None = None
) -> str:
    """Rewrite the file's top-level `review:` as a record of this version; returns the hash."""
    if not role.strip():
        raise ValueError("a review records the reviewer's role")
    digest = topic.content_hash()
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"review:", line)), None)
    if start is None:
        raise ValueError(f"{path}: no top-level 'review:' key")
    end = start + 1
    while end < len(lines) and (lines[end].startswith(" ") or not lines[end].strip()):
        end += 1
    record = [
        "review:",
        "  status: reviewed",
        f"  role: {_quote(role)}",
        f"  date: {date.isoformat()}",
        f"  hash: {digest}",
    ]
    if by:
        record.append(f"  by: {_quote(by)}")
    lines[start:end] = record
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return digest


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
