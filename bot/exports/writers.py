"""Writing an `ExportData` as an XLSX workbook, CSV files or JSON. Blocking file I/O.

No exported cell may become a spreadsheet formula (OWASP ASVS 1.2.10, "CSV injection"): a
resident's comment such as ``=HYPERLINK("http://evil","click")`` must stay text.

* XLSX: every string is stored as a plain string cell (``data_type "s"``; openpyxl would make
  any string starting with ``=`` a formula), and cells whose text starts with a dangerous
  character also get Excel's quote prefix, so that editing the cell keeps it text. The text
  itself is unchanged.
* CSV: a value starting with a dangerous character gets a leading ``'`` (`neutralise`), which
  spreadsheet programs show but do not evaluate. CSV files are UTF-8 with a byte order mark and
  semicolon-separated, which is what Excel with Swedish or Finnish settings opens directly.
* JSON is for programs, not spreadsheets: text is written as it is.

Files are written with mode 0600 (they hold residents' comments) and renamed into place only
when complete. Call these from a bot handler with `asyncio.to_thread`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.exports.data import Comment, ExportData, Table
from bot.exports.files import write_private
from bot.exports.suppression import HIDDEN, Shown, small_marker

#: A cell starting with one of these is a formula (or DDE call) to some spreadsheet program.
#: The full-width forms are read as formulas by some East Asian versions of Excel.
DANGEROUS_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
#: Excel's limit for one cell.
MAX_CELL_CHARS = 32767
CSV_DELIMITER = ";"


def is_dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_PREFIXES)


def neutralise(text: str) -> str:
    """Text that no spreadsheet evaluates: a leading ``'`` before a dangerous first character."""
    return "'" + text if is_dangerous(text) else text


# --- rows shared by every format ----------------------------------------------------------------

Row = tuple[str | int, ...]


def comment_header(data: ExportData) -> tuple[str, ...]:
    _ = data.labels._
    return (
        _("Reference"),
        _("Theme"),
        _("Service"),
        _("Municipality"),
        _("Month"),
        _("Language"),
        _("Needs translation"),
        _("Rating (1–5)"),
        _("Rating"),
        _("Rating group"),
        _("Treated with respect"),
        _("Handled"),
        _("Approved for quoting"),
        _("Comment"),
    )


def comment_rows(data: ExportData) -> list[Row]:
    """One row per comment and theme, grouped by theme, then service (the needs inventory)."""
    labels = data.labels
    yes, no = labels._("Yes"), ""
    rows: list[tuple[tuple[object, ...], Row]] = []
    for c in data.comments:
        for theme in c.themes:
            row: Row = (
                c.ref,
                labels.theme(theme),
                labels.service(c.service),
                labels.municipality(c.municipality),
                c.month if not data.period.is_week else c.week,
                labels.language(c.lang),
                yes if c.needs_translation else no,
                "" if c.rating is None else c.rating,
                labels.rating(c.rating),
                labels.rating_group(c.rating_group),
                labels.respect(c.respect),
                yes if c.handled else no,
                yes if c.quotable else no,
                c.text,
            )
            rows.append(((_theme_order(theme), row[2], row[3], c.text, c.ref), row))
    return [row for _, row in sorted(rows, key=lambda item: tuple(map(str, item[0])))]


def _theme_order(theme: str) -> str:
    order = ("education", "work", "culture", "trust", "influence", "other")
    return f"{order.index(theme) if theme in order else 9}"


def question_rows(data: ExportData) -> list[Row]:
    return [
        (q.question, ", ".join(data.labels.language(code) for code in q.langs), q.count)
        for q in data.top_unanswered
    ]


def trend_rows(data: ExportData) -> tuple[tuple[str, ...], list[Row]]:
    trend = data.trend
    _ = data.labels._
    if trend is None:
        return (), []
    header = (
        _("Service"),
        *(_("Good %(month)s") % {"month": m} for m in trend.month_labels),
        *(_("Respect %(month)s") % {"month": m} for m in trend.month_labels),
        data.labels.period(data.period),
        data.labels.period(data.previous),
        _("Change (percentage points)"),
    )
    rows: list[Row] = [
        (r.service, *r.good, *r.respect, r.now, r.before, r.change) for r in trend.rows
    ]
    return header, rows


def about_rows(data: ExportData) -> list[Row]:
    _ = data.labels._
    rows: list[Row] = [
        (_("Export"), _("Anonymous feedback and usage counts")),
        (_("Period"), f"{data.period_words} ({data.period})"),
        (_("Municipalities"), data.scope_words),
        (_("Generated on"), data.generated_on.isoformat()),
        (_("Submissions"), data.submission_count),
        (_("Comments"), len(data.comments)),
        (_("Small counts"), data.legend),
        (
            _("Privacy"),
            _(
                "No names, accounts, days or times are stored. Comments had personal data "
                "removed before they were saved. A comment never shows the age band; age bands "
                "are only in tables per tertial and municipality."
            ),
        ),
    ]
    for table in data.tables:
        state = (
            " " + _("Withheld: too few answers to show safely.") if table.values.withheld else ""
        )
        rows.append((table.title, f"{table.note}{state}".strip()))
    return rows


@dataclass(frozen=True, slots=True)
class Sheet:
    """One XLSX sheet or CSV file."""

    key: str
    title: str
    header: Sequence[str]
    rows: list[Row]
    #: Free text in the last column (comments, questions): wide and wrapped in XLSX.
    text_column: bool = False
    #: An aggregate table: its "<5" and "x" markers are right-aligned like the numbers.
    counts: bool = False


def sheets(data: ExportData) -> list[Sheet]:
    """Every sheet or CSV file, in order."""
    _ = data.labels._
    out = [
        Sheet("about", _("About"), (_("Item"), _("Value")), about_rows(data), text_column=True),
        Sheet("comments", _("Comments"), comment_header(data), comment_rows(data), True),
    ]
    header, rows = trend_rows(data)
    if header:
        out.append(Sheet("trend", _("Trend by month"), header, rows))
    out += [Sheet(t.key, t.title, t.header, _table_rows(t), counts=True) for t in data.tables]
    if data.scope is None:
        out.append(
            Sheet(
                "unanswered_questions",
                _("Unanswered questions"),
                (_("Question"), _("Language"), _("Times asked")),
                question_rows(data),
            )
        )
    return out


def _table_rows(table: Table) -> list[Row]:
    return list(table.rows())


# --- XLSX -----------------------------------------------------------------------------------------


def write_xlsx(data: ExportData, path: Path) -> Path:
    """One workbook, one sheet per table, header row frozen; every string a plain string."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    markers = {HIDDEN, small_marker(data.threshold)}
    for spec in sheets(data):
        _fill_sheet(workbook.create_sheet(_sheet_title(spec.title)), spec, markers)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_private(path, buffer.getvalue())
    return path


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and allows 31 characters ("Var detta till hjälp?")."""
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return " ".join(title.split())[:31]


def _fill_sheet(sheet: Any, spec: Sheet, markers: set[str]) -> None:
    bold = Font(bold=True)
    right = Alignment(horizontal="right")
    wrapped = Alignment(wrap_text=True, vertical="top")
    width = len(spec.header)
    for j, name in enumerate(spec.header, start=1):
        cell = sheet.cell(row=1, column=j)
        _set(cell, name)
        cell.font = bold
    for i, row in enumerate(spec.rows, start=2):
        for j, value in enumerate(row, start=1):
            cell = sheet.cell(row=i, column=j)
            _set(cell, value)
            if spec.counts and isinstance(value, str) and value in markers:
                cell.alignment = right
            elif spec.text_column and j == width:
                cell.alignment = wrapped
    sheet.freeze_panes = "A2"
    if spec.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{len(spec.rows) + 1}"
    for j in range(1, width + 1):
        texts = [str(spec.header[j - 1])] + [str(row[j - 1]) for row in spec.rows]
        longest = max(len(line) for text in texts for line in text.split("\n"))
        limit = 80 if spec.text_column and j == width else 40
        sheet.column_dimensions[get_column_letter(j)].width = min(max(longest + 2, 8), limit)


def _set(cell: Any, value: Shown) -> None:
    if isinstance(value, int):
        cell.value = value
        return
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:MAX_CELL_CHARS]
    cell.value = text
    cell.data_type = "s"  # openpyxl makes any string starting with "=" a formula: undo that
    if is_dangerous(text):
        cell.quotePrefix = True


# --- CSV ------------------------------------------------------------------------------------------


def write_csv(data: ExportData, directory: Path, *, delimiter: str = CSV_DELIMITER) -> list[Path]:
    """One CSV file per sheet in `directory` (created if missing); returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in sheets(data):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow([_csv_value(v) for v in spec.header])
        writer.writerows([[_csv_value(v) for v in row] for row in spec.rows])
        path = directory / f"{spec.key}.csv"
        write_private(path, buffer.getvalue().encode("utf-8-sig"))
        written.append(path)
    return written


def _csv_value(value: Shown) -> str:
    return str(value) if isinstance(value, int) else neutralise(value)


# --- JSON -----------------------------------------------------------------------------------------


def export_dict(data: ExportData) -> dict[str, Any]:
    """Everything in plain JSON types: codes for comments, tables as displayed."""
    return {
        "period": str(data.period),
        "scope": None if data.scope is None else list(data.scope),
        "generated_on": data.generated_on.isoformat(),
        "threshold": data.threshold,
        "legend": data.legend,
        "submissions": data.submission_count,
        "comments": [_comment_dict(c) for c in data.comments],
        "unanswered_questions": [
            {"question": q.question, "langs": list(q.langs), "count": q.count}
            for q in data.top_unanswered
        ],
        "trend": None
        if data.trend is None
        else {
            "months": list(data.trend.months),
            "rows": [
                {
                    "service": r.service,
                    "good": list(r.good),
                    "respect": list(r.respect),
                    "now": r.now,
                    "before": r.before,
                    "change": r.change,
                }
                for r in data.trend.rows
            ],
        },
        "tables": {
            t.key: {
                "title": t.title,
                "note": t.note,
                "withheld": t.values.withheld,
                "header": list(t.header),
                "rows": [list(row) for row in t.rows()],
            }
            for t in data.tables
        },
    }


def _comment_dict(c: Comment) -> dict[str, Any]:
    return {
        "ref": c.ref,
        "month": c.month,
        "week": c.week,
        "lang": c.lang,
        "needs_translation": c.needs_translation,
        "service": c.service,
        "rating": c.rating,
        "rating_group": c.rating_group,
        "respect": c.respect,
        "municipality": c.municipality,
        "themes": list(c.themes),
        "handled": c.handled,
        "quotable": c.quotable,
        "comment": c.text,
    }


def write_json(data: ExportData, path: Path) -> Path:
    text = json.dumps(export_dict(data), ensure_ascii=False, indent=1)
    write_private(path, (text + "\n").encode("utf-8"))
    return path
