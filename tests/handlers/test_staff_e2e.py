"""Staff commands end to end: files for their municipalities, marks, the log, the staff menu,
and nothing that reveals them to anyone else."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import running_bot
from bot.config import Settings
from bot.feedback.survey import Draft
from bot.privacy.scrubber import MARKER
from bot.storage.feedback import save_feedback
from devtools.fake_telegram import FakeBotApi, FakeUser, SentMessage

from .conftest import STAFF_ID, Harness

LANGUAGE_BUTTON = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}
#: The bot's today in these tests: the last ended month is March 2026.
TODAY = dt.date(2026, 4, 15)
MARCH = dt.date(2026, 3, 11)
HANINGE_STAFF = 5151


async def _choose(h: Harness, user: FakeUser, lang: str = "sv") -> None:
    greeting = await h.say(user, "/start")
    await h.tap(user, greeting, LANGUAGE_BUTTON[lang])


async def _feedback(h: Harness) -> None:
    h.services.today = lambda: TODAY
    for n in range(12):
        draft = Draft(
            service="housing",
            rating=5 - n % 2,
            respect="yes",
            comment=f"bra {n}",
            municipality="haninge" if n % 3 else "malmo",
        )
        await save_feedback(h.services.db, draft, "sv", MARCH)
    draft = Draft(comment="ring 0701234567", rating=1, municipality="malmo")
    await save_feedback(h.services.db, draft, "fi", MARCH)


async def _documents(h: Harness, user: FakeUser, mark: int, count: int) -> list[SentMessage]:
    found: list[SentMessage] = []
    while len(found) < count:
        message = await h.api.wait_for_message(
            user.chat_id, lambda m: m.kind == "document" and m not in found, after=mark
        )
        found.append(message)
    return found


async def _export_json(h: Harness, user: FakeUser, command: str = "/export") -> dict[str, object]:
    mark = h.api.mark()
    h.api.send_text(user, command)
    _, _, data = await _documents(h, user, mark, 3)
    assert data.file is not None
    loaded = json.loads(data.file)
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bot's temporary files go here, so the test can see that they are gone."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


@pytest.fixture
async def scoped(tmp_path: Path) -> AsyncIterator[Harness]:
    """A bot with one staff member for everything and one for Haninge only (BOT_STAFF)."""
    async with FakeBotApi() as api:
        settings = Settings(
            token=api.token,
            api_base_url=api.base_url,
            data_dir=tmp_path / "data",
            staff_ids=frozenset({STAFF_ID}),
            staff_scopes=((HANINGE_STAFF, ("haninge",)),),
        )
        async with running_bot(settings, poll_timeout=1) as app:
            yield Harness(api, app, settings)
        assert api.rejected == [], f"Telegram would have rejected: {api.rejected}"


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
    assert xlsx.filename == "aterkoppling-2026-03-alla.xlsx"
    assert xlsx.caption is not None and "Endast för personal" in xlsx.caption
    assert "mars 2026" in xlsx.caption
    assert archive.filename is not None and archive.filename.endswith("-csv.zip")
    assert data.filename is not None and data.filename.endswith(".json")

    assert xlsx.file is not None and archive.file is not None and data.file is not None
    workbook = load_workbook(io.BytesIO(xlsx.file))
    assert workbook.sheetnames[:2] == ["Om exporten", "Kommentarer"]
    with zipfile.ZipFile(io.BytesIO(archive.file)) as zipped:
        names = zipped.namelist()
        assert names and all(name.endswith(".csv") for name in names)
    exported = json.loads(data.file)
    comments = sorted(str(c["comment"]) for c in exported["comments"])
    assert len(comments) == 13
    assert f"ring {MARKER}" in comments
    assert b"0701234567" not in xlsx.file + archive.file + data.file
    await h.settle()
    assert os.listdir(private_tempdir) == []  # built in a temporary directory, then deleted


async def test_staff_report_sends_a_summary_and_the_html_in_their_language(
    harness: Harness,
) -> None:
    h = harness
    await _feedback(h)
    # Answers without a comment too: with only commented ones, every count is known to staff
    # from the comments sheet and the suppression has little room.
    for n in range(16):
        draft = Draft(service="school" if n % 2 else "housing", rating=3 + n % 3)
        await save_feedback(h.services.db, draft, "sv", MARCH)
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff, "fi")
    mark = h.api.mark()
    h.api.send_text(staff, "/report")
    summary = await h.api.wait_for_message(staff.chat_id, lambda m: m.kind == "text", after=mark)
    assert "Palauteraportti" in summary.plain
    assert "Vastauksia: 29" in summary.plain
    assert "▇" in summary.plain  # the bar chart
    assert "Hyvä (4–5)" in summary.plain  # rating groups in the staff member's language
    [report] = await _documents(h, staff, mark, 1)
    assert report.filename == "aterkoppling-2026-03-alla-rapport.html"
    assert report.file is not None and report.file.startswith(b"<!DOCTYPE html>")
    assert b'<html lang="fi">' in report.file
    assert b"<svg" in report.file
    assert b"bra 1" not in report.file  # comments stay out of the report


async def test_a_romani_speaking_staff_member_reads_swedish(harness: Harness) -> None:
    h = harness
    await _feedback(h)
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff, "rom")
    summary = await h.say(staff, "/report")
    assert summary.plain.startswith("Rapport om synpunkter\nPeriod: mars 2026 (2026-03)")
    assert "Inskickade: 13" in summary.plain


async def test_small_counts_are_not_drawn(harness: Harness) -> None:
    h = harness
    h.services.today = lambda: TODAY
    await save_feedback(h.services.db, Draft(rating=5), "sv", MARCH)
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff)
    summary = await h.say(staff, "/report")
    assert "Inskickade: <5" in summary.plain
    assert "▇" not in summary.plain


async def test_period_arguments(harness: Harness) -> None:
    h = harness
    h.services.today = lambda: TODAY
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff)
    for bad in ("/export yesterday", "/export 2026-04", "/report 2026-01-01", "/export 2026-Q9"):
        usage = await h.say(staff, bad)
        assert "2026-T1" in usage.plain, bad
    mark = h.api.mark()
    h.api.send_text(staff, "/export 2026-Q1")
    [first, *_] = await _documents(h, staff, mark, 3)
    assert first.caption is not None and "kvartal 1 2026" in first.caption


async def test_each_coordinator_gets_only_their_municipality(scoped: Harness) -> None:
    h = scoped
    await _feedback(h)
    coordinator = h.api.new_user(user_id=HANINGE_STAFF)
    await _choose(h, coordinator)
    own = await _export_json(h, coordinator)
    assert own["scope"] == ["haninge"]
    comments = own["comments"]
    assert isinstance(comments, list) and len(comments) == 8
    assert {c["municipality"] for c in comments} == {"haninge"}
    refused = await h.say(coordinator, "/export 2026-03 malmo")
    assert "2026-T1" in refused.plain  # the usage: Malmö is not theirs
    everything = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, everything)
    malmo = await _export_json(h, everything, "/export 2026-03 malmo")
    assert malmo["scope"] == ["malmo"]
    whole = await _export_json(h, everything)
    assert whole["scope"] is None and len(whole["comments"]) == 13  # type: ignore[arg-type]


async def test_handled_and_quoted_comments_are_kept_across_exports(scoped: Harness) -> None:
    h = scoped
    await _feedback(h)
    coordinator = h.api.new_user(user_id=HANINGE_STAFF)
    await _choose(h, coordinator)
    first = await _export_json(h, coordinator)
    comments = first["comments"]
    assert isinstance(comments, list)
    chosen = comments[0]
    reply = await h.say(coordinator, f"/handled {chosen['ref']}")
    assert "Markerad som hanterad" in reply.plain
    reply = await h.say(coordinator, f"/quote {chosen['ref']}")
    assert "Godkänd för citat" in reply.plain
    again = await _export_json(h, coordinator)
    marks = {c["ref"]: (c["handled"], c["quotable"]) for c in again["comments"]}  # type: ignore[union-attr]
    assert marks[chosen["ref"]] == (True, True)
    assert sum(1 for m in marks.values() if m != (False, False)) == 1
    # A Malmö comment is not theirs to mark.
    everything = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, everything)
    whole = await _export_json(h, everything)
    malmo = next(c for c in whole["comments"] if c["municipality"] == "malmo")  # type: ignore[union-attr]
    reply = await h.say(coordinator, f"/handled {malmo['ref']}")
    assert "Ingen av dina kommentarer" in reply.plain
    # The report quotes the approved comment, and only that one.
    mark = h.api.mark()
    h.api.send_text(coordinator, "/report")
    [report] = await _documents(h, coordinator, mark, 1)
    assert report.file is not None
    assert str(chosen["comment"]).encode() in report.file
    assert report.file.count(b"<blockquote") == 1


async def test_the_export_log_records_who_exported_what(scoped: Harness) -> None:
    h = scoped
    await _feedback(h)
    coordinator = h.api.new_user(user_id=HANINGE_STAFF)
    await _choose(h, coordinator)
    await _export_json(h, coordinator)
    everything = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, everything)
    await _export_json(h, everything, "/export 2026-Q1")
    log = await h.say(everything, "/exportlog")
    lines = log.plain.splitlines()
    assert lines[0] == "Exportlogg"
    assert f"2026-04-15 · {STAFF_ID} · export · 2026-Q1 · Alla kommuner" in lines
    assert f"2026-04-15 · {HANINGE_STAFF} · export · 2026-03 · Haninge" in lines
    own = await h.say(coordinator, "/exportlog")
    assert "Alla kommuner" not in own.plain  # a coordinator sees their municipality's exports
    # On disk: the HMAC key of the staff member, never the Telegram id.
    raw = (h.settings.data_dir / "bot.sqlite3").read_bytes()
    raw += (h.settings.data_dir / "bot.sqlite3-wal").read_bytes()
    assert str(HANINGE_STAFF).encode() not in raw and str(STAFF_ID).encode() not in raw


async def test_staff_help_and_command_menu_are_for_staff_only(harness: Harness) -> None:
    h = harness
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff)
    mark = h.api.mark()
    h.api.send_text(staff, "/help")
    staff_help = await h.api.wait_for_message(
        staff.chat_id, lambda m: "För personal" in m.plain, after=mark
    )
    assert "/exportlog" in staff_help.plain and "/handled" in staff_help.plain
    menu = [c for c, _ in h.api.commands[(f"chat:{staff.chat_id}", "")]]
    assert {"export", "report", "handled", "quote", "exportlog", "help"} <= set(menu)
    assert "export" not in [c for c, _ in h.api.commands[("default", "")]]
    resident = h.api.new_user()
    await _choose(h, resident)
    mark = h.api.mark()
    h.api.send_text(resident, "/help")
    await h.settle()
    texts = [m.plain for m in h.api.messages_in(resident.chat_id)[mark:]]
    assert not any("För personal" in text or "/export" in text for text in texts)
    assert (f"chat:{resident.chat_id}", "") not in h.api.commands


@pytest.mark.parametrize(
    "command", ["/export", "/report", "/export 2026-01", "/handled ABCD1234", "/exportlog"]
)
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
    h.services.today = lambda: TODAY
    staff = h.api.new_user(user_id=STAFF_ID)
    await _choose(h, staff)
    await h.say(staff, "/feedback")
    mark = h.api.mark()
    h.api.send_text(staff, "/export")
    await _documents(h, staff, mark, 3)
