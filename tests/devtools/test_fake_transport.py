"""The in-process transport: python-telegram-bot's calls reach the fake without HTTP and meet
the same checks, errors and records as over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter

from devtools.fake_telegram import FakeBotApi, InProcessRequest


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


def _bot(api: FakeBotApi, token: str | None = None) -> Bot:
    return Bot(
        token or api.token,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=InProcessRequest(api),
        get_updates_request=InProcessRequest(api),
    )


async def test_updates_messages_and_edits_go_through_the_same_checks(api: FakeBotApi) -> None:
    user = api.new_user()
    api.send_text(user, "/start")
    async with _bot(api) as bot:
        [update] = await bot.get_updates(timeout=0)
        assert update.message is not None and update.message.text == "/start"
        sent = await bot.send_message(user.id, "<b>Hej</b> &amp; välkommen", parse_mode="HTML")
        assert api.sent[-1].plain == "Hej & välkommen"
        assert api.requests[-1].method == "sendMessage"
        assert api.requests[-1].params["chat_id"] == user.id  # decoded like a form field
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(user.id, "<b>Hej", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(user.id, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)not modified"):
            await bot.edit_message_text(
                "<b>Hej</b> &amp; välkommen", user.id, sent.message_id, parse_mode="HTML"
            )
        assert [r.method for r in api.rejected] == ["sendMessage"] * 2 + ["editMessageText"]


async def test_long_polling_waits_for_the_next_update(api: FakeBotApi) -> None:
    user = api.new_user()
    async with _bot(api) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0.05)
        assert not poll.done()
        api.send_text(user, "hej")
        [update] = await poll
        assert update.message is not None and update.message.text == "hej"


async def test_files_upload_and_download(api: FakeBotApi) -> None:
    user = api.new_user()
    api.send_text(user, "/start")
    async with _bot(api) as bot:
        message = await bot.send_document(
            user.id, document=b"a;b\n1;2\n", filename="export.csv", caption="Export"
        )
        recorded = api.sent[-1]
        assert recorded.kind == "document" and recorded.filename == "export.csv"
        assert recorded.file == b"a;b\n1;2\n" and recorded.plain == "Export"
        assert message.document is not None
        file = await bot.get_file(message.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"a;b\n1;2\n"


async def test_telegram_errors_arrive_as_python_telegram_bot_exceptions(api: FakeBotApi) -> None:
    user = api.new_user()
    api.send_text(user, "/start")
    async with _bot(api) as bot:
        api.fail_next("sendMessage", retry_after=3)
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(user.id, "hej")
        assert raised.value.retry_after == 3
        api.block_bot(user)
        with pytest.raises(Forbidden, match=r"(?i)blocked"):
            await bot.send_message(user.id, "hej")
    with pytest.raises(InvalidToken):
        async with _bot(api, token="999:WRONG"):
            pass
