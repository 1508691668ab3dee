"""Everything the handlers need, built once at start-up and shared by all updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.content.model import Lang, Library
from bot.i18n import Translator
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
    #: Later capabilities (search index, feedback limits) hang their state here.
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        known = tuple(m.id for m in self.library.municipalities)
        if not self.settings.municipalities:
            return known
        return tuple(m for m in self.settings.municipalities if m in known)
