"""/export and /report: files for staff, and nothing that reveals them to anyone else."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.feedback.survey import Draft
from bot.privacy.scrubber import MARKER
from bot.storage.feedback import save_feedback
from devtools.fake_telegram import FakeUser, SentMessage

from .conftest import STAFF_ID, Harness

LANGUAGE_BUTTON = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}


async def _choose(h: Harness, user: FakeUser, lang: str = "sv") -> None:
    greeting = await h.say(user, "/start")
    await h.tap(user, greeting, LANGUAGE_BUTTON[lang])


async def _feedback(h: Harness) -> None:
    today = h.services.today()
    for n in range(12):
        draft = Draft(service="housing", rating=5 - n % 2, respect="yes", comment=f"bra {n}")
        await save_feedback(h.services.db, draft, "sv", today)
    await save_feedback(h.services.db, Draft(comment="ring 0701234567", rating=1), "fi", today)


async def _documents(h: Harness, user: FakeUser, mark: int, count: int) -> list[SentMessage]:
    found: list[SentMessage] = []
    while len(found) < count:
        message = await h.api.wait_for_message(
            user.chat_id, lambda m: m.kind == "document" and m not in found, after=mark
        )
        found.append(message)
    return found


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bot's temporary files go here, so the test can see that they are gone."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


async def test_staff_export_sends_xlsx_csv_and_json(
    harness: Harness, private_tempdir: Path
) -> None:
    h = harness
    await _feedback(h)
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff)
    mark = h.api.mark()
    h.api.send_text(staff, "/export")
    xlsx, archive, data = await _documents(h, staff, mark, 3)
    assert xlsx.filename is not None and xlsx.filename.endswith(".xlsx")
    assert xlsx.caption is not None and "Endast för personal" in xlsx.caption
    assert archive.filename is not None and archive.filename.endswith("-csv.zip")
    assert data.filename is not None and data.filename.endswith(".json")

    assert xlsx.file is not None and archive.file is not None and data.file is not None
    workbook = load_workbook(io.BytesIO(xlsx.file))
    assert len(workbook.sheetnames) >= 2
    with zipfile.ZipFile(io.BytesIO(archive.file)) as zipped:
        names = zipped.namelist()
        assert names and all(name.endswith(".csv") for name in names)
    exported = json.loads(data.file)
    comments = sorted(str(s["comment"]) for s in exported["submissions"])
    assert len(comments) == 13
    assert f"ring {MARKER}" in comments
    assert b"0701234567" not in xlsx.file + archive.file + data.file
    await h.settle()
    assert os.listdir(private_tempdir) == []  # built in a temporary directory, then deleted


async def test_staff_report_sends_a_summary_with_a_chart_and_the_html(harness: Harness) -> None:
    h = harness
    await _feedback(h)
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff, "fi")
    mark = h.api.mark()
    h.api.send_text(staff, "/report")
    summary = await h.api.wait_for_message(staff.chat_id, lambda m: m.kind == "text", after=mark)
    assert "Palauteraportti" in summary.plain
    assert "Vastauksia: 13" in summary.plain
    assert "▇" in summary.plain  # the bar chart
    assert "Erittäin hyvin" in summary.plain  # rating labels in the staff member's language
    [report] = await _documents(h, staff, mark, 1)
    assert report.filename is not None and report.filename.endswith("-report.html")
    assert report.file is not None and report.file.startswith(b"<!DOCTYPE html>")
    assert b"<svg" in report.file
    assert b"bra 1" not in report.file  # comments stay out of the report


async def test_small_counts_are_not_drawn(harness: Harness) -> None:
    h = harness
    await save_feedback(h.services.db, Draft(rating=5), "sv", h.services.today())
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff)
    summary = await h.say(staff, "/report")
    assert "Inskickade: <5" in summary.plain
    assert "▇" not in summary.plain


async def test_period_arguments(harness: Harness) -> None:
    h = harness
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff)
    for bad in ("/export yesterday", "/export 2026-02-30", "/report 2026-05-01 2026-01-01"):
        usage = await h.say(staff, bad)
        assert "2026-01-31" in usage.plain, bad
    mark = h.api.mark()
    h.api.send_text(staff, "/export 2026-01-01 2026-03-31")
    [first, *_] = await _documents(h, staff, mark, 3)
    assert first.caption is not None and "2026-W01 – 2026-W14" in first.caption


@pytest.mark.parametrize("command", ["/export", "/report", "/export 2026-01-01"])
async def test_anyone_else_gets_what_an_unknown_command_gets(
    harness: Harness, command: str
) -> None:
    h = harness
    await _feedback(h)
    user = h.api.new_user()
    await _choose(h, user)
    unknown = await h.say(user, "/nosuchcommand")
    reply = await h.say(user, command)
    assert (reply.text, reply.buttons) == (unknown.text, unknown.buttons)
    await h.settle()
    assert [m for m in h.api.messages_in(user.chat_id) if m.kind == "document"] == []


async def test_staff_in_a_group_get_nothing(harness: Harness) -> None:
    h = harness
    staff = h.api.new_user(user_id=STAFF_ID)
    h.api.send_text(staff, "/export", chat_type="group")
    h.api.send_text(staff, "/report", chat_type="supergroup")
    await h.settle()
    assert [r for r in h.api.requests if r.method.startswith("send")] == []


async def test_export_during_a_survey_leaves_the_survey(harness: Harness) -> None:
    h = harness
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff)
    await h.say(staff, "/feedback")
    mark = h.api.mark()
    h.api.send_text(staff, "/export")
    await _documents(h, staff, mark, 3)
