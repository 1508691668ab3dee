"""Load, end to end: many people at once against the real Application as deployed (update
workers, flood control and outgoing rate limits all on), polling the strict fake Bot API."""

from __future__ import annotations

import asyncio

import pytest

from devtools.fake_telegram import SentMessage

from .conftest import Harness

pytestmark = pytest.mark.slow


@pytest.fixture
def harness(http_harness: Harness) -> Harness:
    """Over HTTP: the connection pool under load is part of what is measured here."""
    return http_harness


LANGUAGE_BUTTONS = ["Svenska", "Romani chib", "Suomi"]


async def test_two_hundred_people_starting_at_the_same_moment_are_all_answered(
    harness: Harness,
) -> None:
    api = harness.api
    await api.wait_until_idle()
    people = [api.new_user(language_code=("sv", "fi", "en")[i % 3]) for i in range(200)]
    mark = api.mark()
    for person in people:  # all queued before the bot's next getUpdates
        api.send_text(person, "/start")
    # Telegram's ~30 messages a second make this take about six seconds: the limiter spreads
    # the greetings out rather than have Telegram answer 429.
    greetings = await asyncio.gather(
        *(api.wait_for_message(p.chat_id, after=mark, timeout=60) for p in people)
    )
    assert all(g.button_texts[0] in LANGUAGE_BUTTONS for g in greetings)
    assert all(sorted(g.button_texts) == sorted(LANGUAGE_BUTTONS) for g in greetings)
    await api.wait_until_idle(timeout=30)
    # Exactly one greeting each: nobody was dropped, nobody answered twice.
    assert sorted(e.message.chat_id for e in api.events_since(mark)) == sorted(
        p.chat_id for p in people
    )
    assert api.rejected == []
    # And they can go on: a second wave of button presses is served as well.
    mark = api.mark()
    for person, greeting in zip(people[:50], greetings[:50], strict=True):
        api.press(person, greeting, 0)
    menus = await asyncio.gather(
        *(api.wait_for_message(p.chat_id, after=mark, timeout=60) for p in people[:50])
    )
    assert all("Huvudmeny" in m.plain or "Päävalikko" in m.plain for m in menus)
    await api.wait_until_idle(timeout=30)
    assert len(api.callback_answers) == 50


async def test_a_rate_limited_chat_does_not_hold_up_the_others(harness: Harness) -> None:
    api = harness.api
    slow, other = api.new_user(), api.new_user()
    await api.wait_until_idle()
    api.fail_next("sendMessage", retry_after=2)  # Telegram says "wait 2 s" for the first chat
    api.send_text(slow, "/start")
    order: list[int] = []

    async def arrival(person_chat: int) -> SentMessage:
        message = await api.wait_for_message(person_chat, timeout=30, after=0)
        order.append(person_chat)
        return message

    waiting = asyncio.create_task(arrival(slow.chat_id))
    # The slow chat's update is in hand (its reply refused once, retrying later) when the
    # other person writes.
    while not any(r.method == "sendMessage" for r in api.requests):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    api.send_text(other, "/start")
    await arrival(other.chat_id)
    await waiting
    assert order == [other.chat_id, slow.chat_id]
    assert api.rejected == []
