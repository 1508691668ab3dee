"""Review kit sheets, review records, and the content hash that sends a changed text to draft."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import REPO_ROOT
from bot.content import load_library
from bot.content.checker import check
from bot.content.reviewkit import paragraphs, record_review, write_review_kit

LOCALE_DIR = REPO_ROOT / "locale"


def test_sheet_puts_swedish_beside_the_translation_paragraph_by_paragraph(
    content_copy: Path, tmp_path: Path
) -> None:
    library = load_library(content_copy)
    out = tmp_path / "kit"
    written = write_review_kit(
        library, "rom", out, ["housing"], today=dt.date(2026, 12, 3), pdf=False
    )
    sheet = (out / "rom-housing.html").read_text(encoding="utf-8")
    assert {p.name for p in written} == {"rom-housing.html", "index-rom.html"}
    sv, rom = library.topic("sv", "housing"), library.topic("rom", "housing")
    pairs = paragraphs(sv, rom)
    # one table row per unit, plus the header row
    assert sheet.count("<tr>") == len(pairs) + 1
    first_step = next(p for p in pairs if p.key == "s1.step.0")
    assert first_step.reference == sv.sections[1].steps[0]
    assert first_step.text == rom.sections[1].steps[0]
    for needle in ("Svenska (förlaga)", "Romani chib", "Rättelse", "Underskrift", "Datum"):
        assert needle in sheet
    assert rom.content_hash()[:19] in sheet


def test_sheet_escapes_editor_text(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "rom" / "housing.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title: ", 'title: "<b>x</b> & ', 1).replace(
            "(vräkning)\n", '(vräkning)"\n', 1
        ),
        encoding="utf-8",
    )
    library = load_library(content_copy)
    write_review_kit(library, "rom", tmp_path, ["housing"], pdf=False)
    sheet = (tmp_path / "rom-housing.html").read_text(encoding="utf-8")
    assert "<b>x</b>" not in sheet and "&lt;b&gt;x&lt;/b&gt; &amp;" in sheet


def test_unknown_topic_is_refused(content_copy: Path, tmp_path: Path) -> None:
    library = load_library(content_copy)
    with pytest.raises(ValueError, match="unknown topic"):
        write_review_kit(library, "fi", tmp_path, ["no-such-topic"], pdf=False)


def test_recorded_review_holds_until_the_text_changes(content_copy: Path) -> None:
    library = load_library(content_copy)
    path = content_copy / "fi" / "housing.yaml"
    digest = record_review(
        path,
        library.topics[("fi", "housing")],
        role="sosiaalityöntekijä",
        date=dt.date(2026, 12, 3),
    )
    reloaded = load_library(content_copy).topics[("fi", "housing")]
    assert reloaded.review == "reviewed" and not reloaded.review_outdated
    assert reloaded.review_record is not None
    assert reloaded.review_record.content_hash == digest == reloaded.content_hash()
    row = next(r for r in check(content_copy, LOCALE_DIR).topic_rows if r.topic_id == "housing")
    assert row.review["fi"] == "reviewed"

    # Re-wrapping a line is not a change; changing a word is.
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = lines.index("summary: >-") + 1
    head, _, tail = lines[at].rpartition(" ")
    rewrapped = [*lines[:at], head, "  " + tail, *lines[at + 1 :]]
    path.write_text("\n".join(rewrapped) + "\n", encoding="utf-8")
    assert load_library(content_copy).topics[("fi", "housing")].review == "reviewed"
    first_line = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(first_line, first_line + " uusi", 1), encoding="utf-8")
    changed = load_library(content_copy).topics[("fi", "housing")]
    assert changed.review == "draft" and changed.review_outdated
    report = check(content_copy, LOCALE_DIR)
    row = next(r for r in report.topic_rows if r.topic_id == "housing")
    assert row.review["fi"] == "outdated"
    assert any("changed after its review" in str(w) for w in report.warnings)


def test_review_record_needs_role_date_and_a_valid_hash(content_copy: Path) -> None:
    path = content_copy / "sv" / "work.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("review: draft", "review:\n  status: reviewed\n  role: lärare", 1),
        encoding="utf-8",
    )
    report = check(content_copy, LOCALE_DIR)
    assert not report.ok and any("a review records date, hash" in str(e) for e in report.errors)
    path.write_text(
        text.replace(
            "review: draft",
            "review:\n  status: reviewed\n  role: lärare\n  date: 2026-12-01\n  hash: abc",
            1,
        ),
        encoding="utf-8",
    )
    report = check(content_copy, LOCALE_DIR)
    assert any("expected sha256:" in str(e) for e in report.errors)


def test_cli_review_record_and_kit(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CONTENT_DIR", str(content_copy))
    code = main(
        [
            "review",
            "record",
            "--lang",
            "rom",
            "--topic",
            "libraries",
            "--role",
            "modersmålstalare (kelderash)",
            "--date",
            "2026-12-03",
        ]
    )
    assert code == 0
    topic = load_library(content_copy).topics[("rom", "libraries")]
    assert topic.review == "reviewed"
    assert topic.review_record is not None and topic.review_record.role.startswith("modersmål")
    assert (
        main(
            [
                "review-kit",
                "--lang",
                "fi",
                "--topic",
                "libraries",
                "--out",
                str(tmp_path / "k"),
                "--no-pdf",
            ]
        )
        == 0
    )
    assert (tmp_path / "k" / "fi-libraries.html").exists()
    assert (
        main(
            [
                "review",
                "record",
                "--lang",
                "rom",
                "--topic",
                "libraries",
                "--role",
                "x",
                "--date",
                "3 dec",
            ]
        )
        == 2
    )
