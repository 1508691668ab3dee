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
