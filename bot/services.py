"""Everything the handlers need, built once at start-up and shared by all updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.cases.groups import BridgeGroups
from bot.cases.seal import CaseSeal
from bot.config import Settings
from bot.content.model import Lang, Library
from bot.i18n import Translator
from bot.links.reach import WeeklyPeople
from bot.privacy.keys import UserKeys
from bot.search.engine import SearchEngine
from bot.storage.database import Database


@dataclass
class Services:
    settings: Settings
    library: Library
    translators: dict[Lang, Translator]
    db: Database
    keys: UserKeys
    search: SearchEngine
    #: Injected so tests can move time; never the exact time of an update in storage.
    today: Callable[[], dt.date] = field(default=dt.date.today)
    #: Bridge-builder groups the bot can post in (checked at start-up and in housekeeping).
    bridge: BridgeGroups = field(default_factory=BridgeGroups)
    #: Seals the case records' chat link (key outside the data dir, or in memory only).
    case_seal: CaseSeal = field(default_factory=lambda: CaseSeal(None))
    #: Who was counted this week per source tag: keyed hashes in memory only.
    reach_people: WeeklyPeople = field(default_factory=WeeklyPeople)
    #: The clock for case times (hours to first answer); injected like `today`.
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    #: Later capabilities (search index, feedback limits) hang their state here.
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        known = tuple(m.id for m in self.library.municipalities)
        if not self.settings.municipalities:
            return known
        return tuple(m for m in self.settings.municipalities if m in known)
