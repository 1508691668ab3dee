"""The fake Bot API's description methods are as strict as Telegram's (issue 10)."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest

from devtools.fake_telegram import FakeBotApi


async def test_descriptions_per_language_with_telegrams_limits() -> None:
    async with FakeBotApi() as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            assert await bot.set_my_description("Hej", language_code="sv")
            assert await bot.set_my_description("Default")
            assert (await bot.get_my_description(language_code="sv")).description == "Hej"
            assert (await bot.get_my_description()).description == "Default"
            assert (await bot.get_my_description(language_code="fi")).description == ""
            assert await bot.set_my_description("x" * 512, language_code="fi")
            with pytest.raises(BadRequest, match="too long"):
                await bot.set_my_description("x" * 513, language_code="fi")
            with pytest.raises(BadRequest, match="too long"):
                await bot.set_my_description("😀" * 257)  # UTF-16: an emoji counts two
            with pytest.raises(BadRequest, match="language code"):
                await bot.set_my_description("Sastipe", language_code="rom")  # not ISO 639-1
            assert await bot.set_my_short_description("x" * 120, language_code="sv")
            with pytest.raises(BadRequest, match="too long"):
                await bot.set_my_short_description("x" * 121, language_code="sv")
            assert await bot.set_my_description("", language_code="sv")  # removes it
            assert (await bot.get_my_description(language_code="sv")).description == ""
        api.rejected.clear()


async def test_delete_message_follows_telegrams_rules() -> None:
    async with FakeBotApi() as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            person = api.new_user()
            api.send_text(person, "hej")
            [(chat, typed)] = [key for key in api._user_messages if key[0] == person.chat_id]
            sent = await bot.send_message(person.chat_id, "svar")
            old = await bot.send_message(person.chat_id, "gammalt")
            api.age_message(person.chat_id, old.message_id, 48 * 3600)
            api.age_message(chat, typed, 47 * 3600)
            assert await bot.delete_message(chat, typed)  # theirs, in a private chat, < 48 h
            assert await bot.delete_message(person.chat_id, sent.message_id)
            with pytest.raises(BadRequest, match="can't be deleted"):
                await bot.delete_message(person.chat_id, old.message_id)  # 48 hours old
            with pytest.raises(BadRequest, match="not found"):
                await bot.delete_message(person.chat_id, sent.message_id)  # already gone
            for admin in (False, True):
                group = api.groups.new_group(bot_admin=admin)
                api.groups.say(person, group, "i gruppen")
                [(gid, mid)] = [k for k in api._user_messages if k[0] == group.chat_id]
                if admin:
                    assert await bot.delete_message(gid, mid)
                else:
                    with pytest.raises(BadRequest, match="can't be deleted"):
                        await bot.delete_message(gid, mid)  # someone else's, no rights
                own = await bot.send_message(group.chat_id, "botens")
                assert await bot.delete_message(group.chat_id, own.message_id)
        api.rejected.clear()
