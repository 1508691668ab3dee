"""The HTML report: self-contained, escaped, suppressed, and sensible for edge cases."""

from __future__ import annotations

import dataclasses
import html
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

from bot.exports.data import Comment, ExportData, QuestionCount
from bot.exports.report import RATING_COLOURS, WEEK_COLOUR, render_report, write_report_html
from bot.storage.database import Database

from .conftest import build, insert_feedback

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "section", "div",
    "b", "span", "svg", "defs", "pattern", "rect", "line", "text", "details", "summary", "table",
    "thead", "tbody", "tr", "th", "td", "footer", "h3", "caption", "figure", "figcaption",
    "blockquote",
}  # fmt: skip


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        if tag not in {"meta", "line", "rect"}:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_endtag(self, tag: str) -> None:
        if tag in {"line", "rect"} and (not self.open or self.open[-1] != tag):
            return
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(document: str) -> Collector:
    collector = Collector()
    collector.feed(document)
    collector.close()
    return collector


def test_self_contained(export_data: ExportData) -> None:
    document = render_report(export_data)
    parsed = parse(document)
    assert set(parsed.tags) <= ALLOWED_TAGS, set(parsed.tags) - ALLOWED_TAGS
    assert not parsed.open, "every element is closed"
    names = {name for name, _ in parsed.attributes}
    assert not names & {"src", "href", "srcset", "action", "formaction", "background"}
    assert not any(name.startswith("on") for name in names)
    assert "http://" not in document and "https://" not in document
    assert "@import" not in document
    assert re.findall(r"url\(([^)]*)\)", document) == []
    assert "default-src 'none'" in document


def test_swedish_sections_and_figures(export_data: ExportData) -> None:
    document = render_report(export_data)
    assert document.startswith('<!DOCTYPE html>\n<html lang="sv">')
    for heading in (
        "Betyg per verksamhet",
        "Bemötande med respekt, per verksamhet",
        "Utveckling per månad",
        "Betyg per verksamhet och kommun",
        "Åldersgrupper",
        "Svar per vecka",
        "Invånarnas röster",
        "Vanligaste obesvarade frågor",
        "Användning av boten",
    ):
        assert f"<h2>{heading}</h2>" in document, heading
    assert document.count('<svg class="chart"') == 1
    assert document.count('<svg class="bar"') >= 10
    assert WEEK_COLOUR in document
    assert all(colour in document for colour in RATING_COLOURS)
    assert f"<b>{export_data.submissions}</b>Svar" in document
    assert "Hur söker jag bostad?" in document
    assert "Submissions" not in document and "Ratings" not in document  # no English left


def test_numbers_are_text_and_print_on_a4(export_data: ExportData) -> None:
    document = render_report(export_data)
    assert "@media print" in document and "size: A4" in document
    assert "break-inside: avoid" in document
    assert "<details" not in document  # nothing folded away: printed, every number is there
    # Each bar says its numbers in words next to it.
    assert re.search(r"n = \d+: Bra \(4–5\) (\d+|&lt;5|x), Varken eller", document)


def test_text_is_escaped(export_data: ExportData) -> None:
    # The report lists only questions asked at least five times (review F5): make the hostile
    # one that common, so that its escaping is what is tested.
    common = tuple(
        dataclasses.replace(q, count=7) if "fet" in q.question else q
        for q in export_data.top_unanswered
    )
    document = render_report(dataclasses.replace(export_data, top_unanswered=common))
    assert "<b>fet</b>" not in document
    assert "=1+1 &lt;b&gt;fet&lt;/b&gt;" in document
    assert "<script" not in document.lower()


def test_rare_questions_stay_out_of_the_shareable_report(export_data: ExportData) -> None:
    """Review F5: a question asked fewer than five times can be one person's words."""
    rare = [q for q in export_data.top_unanswered if q.count == "<5"]
    assert rare
    document = render_report(export_data)
    for question in rare:
        assert html.escape(question.question, quote=False) not in document, question
    assert "Hur söker jag bostad?" in document  # asked six times: listed


def test_comments_are_not_in_the_report_unless_approved(export_data: ExportData) -> None:
    document = render_report(export_data)
    for comment in export_data.comments:
        if len(comment.text) > 8:
            assert comment.text not in document.replace("&amp;", "&")
    assert "Ingen kommentar har godkänts för citat under perioden." in document
    chosen = export_data.comments[0]
    approved = dataclasses.replace(chosen, text="Mötesplatsen hjälpte oss mycket", quotable=True)
    with_quote = dataclasses.replace(export_data, comments=(approved, *export_data.comments[1:]))
    document = render_report(with_quote)
    assert "<blockquote" in document and "Mötesplatsen hjälpte oss mycket" in document
    assert document.count("<blockquote") == 1


def test_no_small_count_is_shown(export_data: ExportData) -> None:
    document = render_report(export_data)
    cells = re.findall(r'<td class="n">([^<]*)</td>', document)
    numbers = [int(c) for c in cells if c.isdigit()]
    assert numbers
    assert not [n for n in numbers if 0 < n < 5]
    assert "&lt;5" in cells


async def test_empty_database_report(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        data = await build(db, "2026-03")
    finally:
        await db.close()
    document = render_report(data)
    assert not parse(document).open
    assert "Inga obesvarade frågor under perioden." in document
    assert '<svg class="bar"' not in document


async def test_three_identical_answers_show_no_bar(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await insert_feedback(db, [("2026-W40", "sv", "social", 2, "no", None, None, None)] * 3)
        data = await build(db, "2026-10")  # week 40's Thursday is 1 October
    finally:
        await db.close()
    document = render_report(data)
    assert "<b>&lt;5</b>Svar" in document
    assert re.search(r"Färre än 5 svar: [^<]*Socialtjänsten", document)
    assert '<svg class="bar"' not in document


def test_many_questions_are_cut(export_data: ExportData) -> None:
    many = tuple(QuestionCount(f"Fråga {i}", ("sv",), 9) for i in range(30))
    document = render_report(dataclasses.replace(export_data, top_unanswered=many))
    assert "Fråga 19" in document and "Fråga 20" not in document


def test_a_scoped_report_has_no_questions_and_its_name(export_data: ExportData) -> None:
    scoped = dataclasses.replace(export_data, scope=("haninge",), top_unanswered=())
    document = render_report(scoped)
    assert "Vanligaste obesvarade frågor" not in document
    assert "<title>Återkoppling från invånare: Haninge, 2026</title>" in document


async def test_write_report_html(export_data: ExportData, tmp_path: Path) -> None:
    path = write_report_html(export_data, tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == render_report(export_data)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_comment_fields() -> None:
    assert "text" in {f.name for f in dataclasses.fields(Comment)}
