"""Flood control and /reload, end to end through the real Application and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import running_bot
from bot.config import Settings
from bot.content.model import Lang
from bot.i18n import Translator
from bot.plumbing.flood import FloodControl, FloodPolicy
from devtools.fake_telegram import FakeBotApi, InProcessRequest

from .conftest import STAFF_ID, Harness

SLOW_DOWN_SV = "Du skickar meddelanden väldigt snabbt"
SLOW_DOWN_FI = "Lähetät viestejä hyvin nopeasti"


@pytest.fixture
async def ops(
    tmp_path: Path, content_copy: Path, translators: dict[Lang, Translator]
) -> AsyncIterator[Harness]:
    """Like the journeys' harness, on a writable copy of the content."""
    async with FakeBotApi() as api:
        settings = Settings(
            token=api.token,
            api_base_url=api.base_url,
            data_dir=tmp_path / "data",
            content_dir=content_copy,
            staff_ids=frozenset({STAFF_ID}),
        )
        # The library is this test's own copy: /reload changes it. Translators are shared.
        async with running_bot(
            settings,
            poll_timeout=1,
            translators=translators,
            transport=lambda: InProcessRequest(api),
        ) as app:
            yield Harness(api, app, settings)
        assert api.rejected == [], f"Telegram would have rejected: {api.rejected}"


def _small_bucket(h: Harness, burst: int) -> None:
    """A small bucket keeps the test short; the policy's numbers are unit-tested."""
    h.services.flood = FloodControl(FloodPolicy(burst=burst, rate=0.01, penalty=60.0))


async def test_a_flood_of_messages_gets_one_slow_down_and_others_are_served(ops: Harness) -> None:
    api = ops.api
    flooder = api.new_user(language_code="fi")
    greeting = await ops.say(flooder, "/start")
    await ops.tap(flooder, greeting, "Suomi")
    _small_bucket(ops, burst=3)
    mark = api.mark()
    for i in range(40):
        api.send_text(flooder, f"/menu {i}")
    neighbour = api.new_user()
    api.send_text(neighbour, "/start")
    served = await api.wait_for_message(neighbour.chat_id, after=mark, timeout=30)
    assert served.button_texts == ["Svenska", "Romani chib", "Suomi"]
    await api.wait_until_idle(timeout=30)
    to_flooder = [e.message for e in api.events_since(mark) if e.message.chat_id == flooder.id]
    slow_downs = [m for m in to_flooder if SLOW_DOWN_FI in m.plain]
    assert len(slow_downs) == 1  # one polite message, in the person's language
    assert len(to_flooder) == 3 + 1  # the three the bucket held, then silence
    # Still ignored a moment later: the penalty lasts.
    before = api.mark()
    api.send_text(flooder, "/menu")
    await api.wait_until_idle()
    assert api.events_since(before) == []


async def test_a_flood_of_button_presses_is_answered_every_time(ops: Harness) -> None:
    api = ops.api
    presser = api.new_user()
    greeting = await ops.say(presser, "/start")
    _small_bucket(ops, burst=1)
    mark = api.mark()
    for _ in range(25):
        api.press(presser, greeting, 0)
    await api.wait_until_idle(timeout=30)
    assert len(api.callback_answers) == 25  # no spinner left hanging
    texts = [a.text for a in api.callback_answers]
    assert sum(1 for t in texts if t and SLOW_DOWN_SV in t) == 1
    edits = [e for e in api.events_since(mark) if e.message.chat_id == presser.id]
    assert len(edits) == 1  # only the one press the bucket held did anything


async def test_reload_by_staff_swaps_valid_content(ops: Harness) -> None:
    api = ops.api
    staff = api.new_user(user_id=STAFF_ID)
    path = ops.settings.content_dir / "sv" / "housing.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = "title: Bostad (omladdad)"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reply = await ops.say(staff, "/reload")
    assert "Innehållet har laddats om" in reply.plain
    assert f"{len(ops.services.library.topic_ids)} ämnen" in reply.plain
    reader = api.new_user()
    topic = await ops.say(reader, "/start sv-housing")
    assert "Bostad (omladdad)" in topic.plain


async def test_reload_refuses_broken_content_and_keeps_serving(ops: Harness) -> None:
    api = ops.api
    staff = api.new_user(user_id=STAFF_ID)
    (ops.settings.content_dir / "fi" / "housing.yaml").unlink()
    reply = await ops.say(staff, "/reload")
    assert "Innehållet laddades INTE om" in reply.plain
    assert "housing" in reply.plain and "missing" in reply.plain
    reader = api.new_user(language_code="fi")
    topic = await ops.say(reader, "/start fi-housing")
    assert ops.services.library.topic("fi", "housing").title in topic.plain


async def test_reload_is_an_unknown_command_for_everyone_else(ops: Harness) -> None:
    api = ops.api
    person = api.new_user()
    greeting = await ops.say(person, "/start")
    await ops.tap(person, greeting, "Svenska")
    library_before = ops.services.library
    reply = await ops.say(person, "/reload")
    assert "Huvudmeny" in reply.plain  # what any unknown command gets
    unknown = await ops.say(person, "/doesnotexist")
    assert unknown.plain == reply.plain
    assert ops.services.library is library_before
    # Staff in a group: no answer at all (the bot serves private chats only).
    staff = api.new_user(user_id=STAFF_ID)
    before = api.mark()
    api.send_text(staff, "/reload", chat_type="group")
    await api.wait_until_idle()
    assert api.events_since(before) == []
