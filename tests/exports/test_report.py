"""The HTML report: self-contained, escaped, suppressed, and sensible for edge cases."""

from __future__ import annotations

import dataclasses
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

from bot.exports.data import ExportData, QuestionCount, build_export
from bot.exports.report import (
    RATING_COLOURS,
    WEEK_COLOUR,
    render_report,
    stacked_bar,
    week_chart,
    write_report_html,
)
from bot.exports.suppression import SuppressedTable
from bot.storage.database import Database

from .conftest import TODAY, insert_feedback

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "section", "div",
    "b", "span", "svg", "defs", "pattern", "rect", "line", "text", "details", "summary", "table",
    "thead", "tbody", "tr", "th", "td", "footer",
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
    assert re.findall(r"url\(([^)]*)\)", document) == [
        "#hatch-weeks" for _ in re.findall(r"url\(", document)
    ]
    assert "default-src 'none'" in document


def test_sections_and_figures(export_data: ExportData) -> None:
    document = render_report(export_data)
    for heading in (
        "Submissions by week",
        "Ratings by service",
        "Treated with respect",
        "Top unanswered questions",
    ):
        assert f"<h2>{heading}</h2>" in document
    assert document.count('<svg class="chart"') == 1
    assert document.count('<svg class="bar"') >= 10
    assert WEEK_COLOUR in document
    assert all(colour in document for colour in RATING_COLOURS[2:])
    assert f"<b>{len(export_data.submissions)}</b>Submissions" in document
    cards = document.split('<section class="cards">')[1].split("</section>")[0]
    # No total of unanswered questions: with each question's count it would undo the "<5"s.
    assert re.findall(r"</b>([^<]+)</div>", cards) == ["Submissions", "With a comment"]
    assert "Hur söker jag bostad?" in document


def test_text_is_escaped(export_data: ExportData) -> None:
    document = render_report(export_data)
    assert "<b>fet</b>" not in document
    assert "=1+1 &lt;b&gt;fet&lt;/b&gt;" in document
    assert "<script" not in document.lower()


def test_comments_are_not_in_the_report(export_data: ExportData) -> None:
    document = render_report(export_data)
    for submission in export_data.submissions:
        if submission.comment and len(submission.comment) > 6:
            assert submission.comment not in document


def test_no_small_count_is_shown(export_data: ExportData) -> None:
    parsed = parse(render_report(export_data))
    cells = [t.strip() for t in parsed.text if t.strip()]
    numbers = [int(t) for t in cells if t.isdigit()]
    assert numbers
    # Week labels are drawn as W31..; tick labels are multiples of the axis step.
    small = [n for n in numbers if 0 < n < 5]
    assert small == [4] * len(small), small  # only the axis tick "4" may be under 5
    assert "<5" in cells


def test_week_chart_draws_hidden_weeks_as_outlines() -> None:
    svg = week_chart(["2026-W01", "2026-W02", "2026-W03"], [12, "<5", 0], 5)
    assert svg.count(f'fill="{WEEK_COLOUR}"') == 2  # 12 and the zero-height 0
    assert svg.count('fill="url(#hatch-weeks)"') == 1
    assert ">&lt;5</text>" in svg
    assert "W01" in svg and "W03" in svg


def test_stacked_bar_shows_the_hidden_part_as_one_block() -> None:
    bar = stacked_bar("Health care", [10, "<5", "<5", 6, 0], 20, RATING_COLOURS, "12345")
    assert "hidden: 4 of 20" in bar  # 20 - 10 - 6, which the reader can work out anyway
    assert bar.count("<rect") == 4  # background, 10, 6, hidden block
    assert "n = 20" in bar


def test_stacked_bar_without_a_visible_total_draws_nothing() -> None:
    bar = stacked_bar("Housing", ["<5", "<5"], "<5", RATING_COLOURS[:2], "12")
    assert "<svg" not in bar
    assert "Too few answers" in bar


async def test_empty_database_report(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        data = await build_export(db, today=TODAY)
    finally:
        await db.close()
    document = render_report(data)
    assert document.count("No data for these weeks.") == 3  # weeks, services, respect
    assert "No unanswered questions" in document
    assert not parse(document).open


async def test_withheld_table_is_not_drawn(export_data: ExportData) -> None:
    values = export_data.service_rating.values
    withheld = dataclasses.replace(
        export_data,
        service_rating=dataclasses.replace(
            export_data.service_rating,
            values=SuppressedTable(
                cells=tuple(("x",) * len(row) for row in values.cells),
                row_totals=("x",) * len(values.cells),
                column_totals=("x",) * len(values.cells[0]),
                grand_total="x",
                withheld=True,
            ),
        ),
    )
    document = render_report(withheld)
    section = document.split("<h2>Ratings by service</h2>")[1].split("<h2>")[0]
    assert "Too few answers to show this safely." in section
    assert "<svg" not in section


async def test_three_identical_answers_are_withheld(tmp_path: Path) -> None:
    # The number of submissions is known, and all three are in one cell: nothing can hide it.
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await insert_feedback(db, [("2026-W40", "fi", "health", 4, "yes", None, None, None)] * 3)
        data = await build_export(db, today=TODAY)
    finally:
        await db.close()
    document = render_report(data)
    assert "<b>&lt;5</b>Submissions" in document
    assert data.service_rating.values.withheld and data.respect.values.withheld
    assert document.count("Too few answers to show this safely.") == 3
    assert '<svg class="bar"' not in document


def test_many_questions_are_cut(export_data: ExportData) -> None:
    many = tuple(QuestionCount(f"Fråga {i:02d}", ("sv",), "<5") for i in range(30))
    document = render_report(dataclasses.replace(export_data, top_unanswered=many))
    assert "Fråga 19" in document and "Fråga 20" not in document
    assert "10 more in the export" in document


async def test_write_report_html(export_data: ExportData, tmp_path: Path) -> None:
    path = write_report_html(export_data, tmp_path / "out" / "report.html")
    assert path.read_text(encoding="utf-8") == render_report(export_data)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
