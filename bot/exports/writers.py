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

from bot.exports.data import (
    ExportData,
    Table,
    language_label,
    rating_label,
    respect_label,
    service_label,
)
from bot.exports.files import write_private
from bot.exports.suppression import HIDDEN, Shown, small_marker

#: A cell starting with one of these is a formula (or DDE call) to some spreadsheet program.
#: The full-width forms are read as formulas by some East Asian versions of Excel.
DANGEROUS_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
#: Excel's limit for one cell.
MAX_CELL_CHARS = 32767
SUBMISSION_HEADER = ("Week", "Language", "Service", "Rating", "Respect", "Comment")
UNANSWERED_HEADER = ("Week", "Language", "Question")
CSV_DELIMITER = ";"


def is_dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_PREFIXES)


def neutralise(text: str) -> str:
    """Text that no spreadsheet evaluates: a leading ``'`` before a dangerous first character."""
    return "'" + text if is_dangerous(text) else text


# --- rows shared by every format ----------------------------------------------------------------

Row = tuple[str | int, ...]


def submission_rows(data: ExportData) -> list[Row]:
    return [
        (
            s.week,
            language_label(s.lang),
            service_label(s.service),
            rating_label(s.rating),
            respect_label(s.respect),
            s.comment or "",
        )
        for s in data.submissions
    ]


def unanswered_rows(data: ExportData) -> list[Row]:
    return [(q.week, language_label(q.lang), q.question) for q in data.unanswered]


def about_rows(data: ExportData) -> list[Row]:
    rows: list[Row] = [
        ("Export", "Anonymous feedback and usage counts"),
        ("Weeks", data.period),
        ("Generated on", data.generated_on.isoformat()),
        ("Submissions", data.submission_count),
        ("Unanswered questions", len(data.unanswered)),
        ("Small counts", data.legend),
        (
            "Privacy",
            "No names, accounts, days or times are stored. Comments and questions had personal "
            "data removed before they were saved. Age band and municipality are only in the "
            "tables by rating, never next to a comment.",
        ),
    ]
    for table in data.tables:
        state = " Withheld: too few answers to show safely." if table.values.withheld else ""
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
    out = [
        Sheet("about", "About", ("Item", "Value"), about_rows(data), text_column=True),
        Sheet("submissions", "Submissions", SUBMISSION_HEADER, submission_rows(data), True),
    ]
    out += [Sheet(t.key, t.title, t.header, _table_rows(t), counts=True) for t in data.tables]
    out.append(
        Sheet(
            "unanswered_questions",
            "Unanswered questions",
            UNANSWERED_HEADER,
            unanswered_rows(data),
            text_column=True,
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
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]


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
    """Everything in plain JSON types: codes for submissions, tables as displayed."""
    return {
        "since_week": data.since_week,
        "until_week": data.until_week,
        "generated_on": data.generated_on.isoformat(),
        "threshold": data.threshold,
        "legend": data.legend,
        "submissions": [
            {
                "week": s.week,
                "lang": s.lang,
                "service": s.service,
                "rating": s.rating,
                "respect": s.respect,
                "comment": s.comment,
            }
            for s in data.submissions
        ],
        "unanswered_questions": [
            {"week": q.week, "lang": q.lang, "question": q.question} for q in data.unanswered
        ],
        "top_unanswered": [
            {"question": q.question, "langs": list(q.langs), "count": q.count}
            for q in data.top_unanswered
        ],
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


def write_json(data: ExportData, path: Path) -> Path:
    text = json.dumps(export_dict(data), ensure_ascii=False, indent=1)
    write_private(path, (text + "\n").encode("utf-8"))
    return path
