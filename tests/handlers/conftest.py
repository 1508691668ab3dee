"""End-to-end harness: the real Application, polling the strict fake Bot API (in process for
journeys, over HTTP on 127.0.0.1 where HTTP is the subject)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import running_bot
from bot.config import BridgeBuilder, Settings
from bot.content import Library
from bot.content.model import Lang
from bot.i18n import Translator
from bot.plumbing.context import BotApplication
from bot.search.engine import SearchEngine
from bot.services import Services
from devtools.fake_telegram import FakeBotApi, FakeUser, InProcessRequest, SentMessage
from devtools.fake_telegram.groups import FakeGroup

STAFF_ID = 4242


@dataclass
class Harness:
    api: FakeBotApi
    app: BotApplication
    settings: Settings

    @property
    def services(self) -> Services:
        services = self.app.bot_data["services"]
        assert isinstance(services, Services)
        return services

    async def say(self, user: FakeUser, text: str) -> SentMessage:
        """Send text as `user` and return the bot's next message (new or edited) to them."""
        mark = self.api.mark()
        self.api.send_text(user, text)
        return await self.api.wait_for_message(user.chat_id, after=mark)

    async def tap(self, user: FakeUser, message: SentMessage, label: str) -> SentMessage:
        """Press the button whose text contains `label`; return the next message to the user."""
        texts = message.button_texts
        matches = [i for i, text in enumerate(texts) if label in text]
        assert matches, f"no button {label!r} in {texts}"
        mark = self.api.mark()
        self.api.press(user, message, matches[0])
        return await self.api.wait_for_message(user.chat_id, after=mark)

    async def settle(self) -> None:
        await self.api.wait_until_idle()


@contextlib.asynccontextmanager
async def bot_on_fake(
    data_dir: Path,
    library: Library,
    translators: dict[Lang, Translator],
    search_engine: SearchEngine,
    *,
    over_http: bool = False,
    **api_options: Any,
) -> AsyncIterator[Harness]:
    """A fresh bot and database on the session's content, catalogs and search engine, talking
    to a fresh fake Bot API: in process (devtools/fake_telegram/transport.py) unless HTTP is
    what the test is about."""
    async with FakeBotApi(**api_options) as api:
        settings = Settings(
            token=api.token,
            api_base_url=api.base_url,
            data_dir=data_dir,
            staff_ids=frozenset({STAFF_ID}),
        )
        async with running_bot(
            settings,
            poll_timeout=1,
            library=library,
            translators=translators,
            search=search_engine,
            transport=None if over_http else (lambda: InProcessRequest(api)),
        ) as app:
            yield Harness(api, app, settings)
        assert api.rejected == [], f"Telegram would have rejected: {api.rejected}"


@pytest.fixture
async def harness(
    tmp_path: Path,
    library: Library,
    translators: dict[Lang, Translator],
    search_engine: SearchEngine,
) -> AsyncIterator[Harness]:
    async with bot_on_fake(tmp_path / "data", library, translators, search_engine) as h:
        yield h


@pytest.fixture
async def http_harness(
    tmp_path: Path,
    library: Library,
    translators: dict[Lang, Translator],
    search_engine: SearchEngine,
) -> AsyncIterator[Harness]:
    """Like `harness`, over HTTP to the fake (httpx's connection pool as deployed)."""
    async with bot_on_fake(
        tmp_path / "data", library, translators, search_engine, over_http=True
    ) as h:
        yield h


# --- bridge-builders (tests/handlers/test_bridge_e2e.py, test_cases_e2e.py) ----------------------

BRIDGE_BUILDER_ID = 5001
OTHER_BUILDER_ID = 5002


@dataclass
class BridgeHarness(Harness):
    builder: FakeUser
    other_builder: FakeUser
    #: Haninge's group is a forum supergroup (one topic per case); Huddinge's a plain group.
    haninge: FakeGroup
    huddinge: FakeGroup
    caplog: pytest.LogCaptureFixture


@pytest.fixture
async def bridge_harness(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    library: Library,
    translators: dict[Lang, Translator],
    search_engine: SearchEngine,
) -> AsyncIterator[BridgeHarness]:
    """Two bridge-builders (Haninge, Huddinge) and their groups, known to the fake."""
    # As in production (bot/cli.py guard_library_logs): the bot's own lines at any level,
    # libraries at INFO and above.
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    async with FakeBotApi() as api:
        builder = api.new_user("Brobyggare", "sv", user_id=BRIDGE_BUILDER_ID, username="bb_hn")
        other = api.new_user("Annan", "sv", user_id=OTHER_BUILDER_ID)
        haninge = api.groups.new_group("Brobyggare Haninge", forum=True)
        huddinge = api.groups.new_group("Brobyggare Huddinge")
        settings = Settings(
            token=api.token,
            api_base_url=api.base_url,
            data_dir=tmp_path / "data",
            staff_ids=frozenset({STAFF_ID}),
            bridge_builders=(
                BridgeBuilder(BRIDGE_BUILDER_ID, "haninge", "Brobyggare Haninge"),
                BridgeBuilder(OTHER_BUILDER_ID, "huddinge"),
            ),
            bridge_builder_chats={"haninge": haninge.chat_id, "huddinge": huddinge.chat_id},
        )
        async with running_bot(
            settings,
            poll_timeout=1,
            library=library,
            translators=translators,
            search=search_engine,
            transport=lambda: InProcessRequest(api),
        ) as app:
            yield BridgeHarness(api, app, settings, builder, other, haninge, huddinge, caplog)
        assert api.rejected == [], f"Telegram would have rejected: {api.rejected}"
