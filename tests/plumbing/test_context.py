"""The per-update context: the visitor is looked up once per update, the user data is typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from telegram import Chat, Message, Update, User

from bot.config import Settings
from bot.feedback.survey import Draft, Step, SurveySession
from bot.plumbing.context import BotContext, PendingQuestion, UserData
from bot.privacy.keys import UserKeys
from bot.services import Services
from bot.storage.database import Preference

TODAY = dt.date(2026, 12, 3)


@dataclass
class _Db:
    preferences: dict[str, Preference] = field(default_factory=dict)
    lookups: int = 0

    async def get_preference(self, key: str, today: dt.date) -> Preference:
        self.lookups += 1
        return self.preferences.get(key, Preference(None, None))


def _context(db: _Db, translators: dict[str, Any]) -> tuple[BotContext, Services]:
    """A context as python-telegram-bot builds it for one update; only what lookups touch."""
    services = Services(
        settings=Settings(token=""),
        library=None,  # type: ignore[arg-type]
        translators=translators,  # type: ignore[arg-type]
        db=db,  # type: ignore[arg-type]
        keys=UserKeys(b"k" * 32),
        search=None,  # type: ignore[arg-type]
        today=lambda: TODAY,
    )
    application = SimpleNamespace(bot_data={"services": services})
    return BotContext(application), services  # type: ignore[arg-type]


def _update(user_id: int | None) -> Update:
    user = User(user_id, "A", is_bot=False) if user_id is not None else None
    chat = Chat(user_id or 1, "private")
    message = Message(1, dt.datetime(2026, 12, 3, tzinfo=dt.UTC), chat, from_user=user, text="hi")
    return Update(1, message=message)


async def test_the_visitor_is_looked_up_once_per_update() -> None:
    db = _Db()
    translators = {"sv": "SV", "fi": "FI", "rom": "ROM"}
    context, services = _context(db, translators)
    key = services.keys.key(77)
    db.preferences[key] = Preference("fi", None)
    update = _update(77)
    first = await context.visitor(update)
    again = await context.visitor(update)
    assert first is again and first is not None
    assert first.key == key and first.lang == "fi"
    assert db.lookups == 1
    assert await context.translator(update) == "FI"
    assert db.lookups == 1
    # A choice made during the update is what the rest of the update sees.
    context.remember(Preference("rom", "m1"))
    who = await context.visitor(update)
    assert who is not None and who.lang == "rom" and who.preference.municipality == "m1"
    assert who.key == key
    # Catalogs swapped by /reload during the update are used by the next lookup.
    services.translators = {"sv": "SV2", "fi": "FI2", "rom": "ROM2"}  # type: ignore[dict-item]
    assert await context.translator(update) == "ROM2"
    assert db.lookups == 1


async def test_no_user_means_no_visitor_and_swedish() -> None:
    db = _Db()
    context, _ = _context(db, {"sv": "SV", "fi": "FI", "rom": "ROM"})
    update = Update(1)
    assert await context.visitor(update) is None
    assert await context.translator(update) == "SV"
    context.remember(Preference("fi", None))  # nobody to remember: no visitor appears
    assert await context.visitor(update) is None
    assert db.lookups == 0


async def test_an_unknown_stored_language_counts_as_no_choice() -> None:
    db = _Db()
    context, services = _context(db, {"sv": "SV", "fi": "FI", "rom": "ROM"})
    db.preferences[services.keys.key(5)] = Preference("de", None)
    who = await context.visitor(_update(5))
    assert who is not None and who.lang is None
    assert await context.translator(_update(5)) == "SV"


def test_user_data_is_typed_and_cleared_whole() -> None:
    data = UserData()
    assert data.survey is None and data.pending_question is None
    data.survey = SurveySession(lang="sv", step=Step.SERVICE, draft=Draft(), started=0.0)
    data.pending_question = PendingQuestion("ab12cd34", "var finns tvättstugan?")
    data.clear()
    assert data == UserData()
