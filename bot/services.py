"""Everything the handlers need, built once at start-up and shared by all updates.

Every piece of shared state is a typed field here, built in bot/app.py's `create_services`, so the
wiring shows it; nothing is hung on the services later under a string key.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.cases.groups import BridgeGroups
from bot.cases.seal import CaseSeal
from bot.config import Settings
from bot.content.addons import Addons
from bot.content.model import Lang, Library
from bot.feedback.helpful import HelpfulVotes
from bot.feedback.limits import SubmissionLimiter
from bot.i18n import Translator
from bot.links.reach import WeeklyPeople
from bot.plumbing.flood import FloodControl
from bot.privacy.keys import UserKeys
from bot.privacy.traces import ClearOffers
from bot.privacy.trust import TrustQuestions
from bot.search.engine import SearchEngine
from bot.storage.database import Database

#: What a reload hook returns to commit its new state right after the library is swapped.
Commit = Callable[[], None]
#: Called with the new, checked library before anything is swapped (see bot/reload.py).
ReloadHook = Callable[[Library], Commit | None]


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
    #: New questions to bridge-builders per user key and day (in memory only): at most 3.
    case_limiter: SubmissionLimiter = field(default_factory=SubmissionLimiter)
    #: Who was counted this week per source tag: keyed hashes in memory only.
    reach_people: WeeklyPeople = field(default_factory=WeeklyPeople)
    #: The clock for case times (hours to first answer); injected like `today`.
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    #: Incoming updates per user key (token buckets, in memory only); read by the flood gate
    #: (bot/plumbing/flood_gate.py) for every update.
    flood: FloodControl = field(default_factory=FloodControl)
    #: Feedback submissions per user key and day (in memory only).
    feedback_limiter: SubmissionLimiter = field(default_factory=SubmissionLimiter)
    #: Parts of the bot that derive state from the library (the search index) and rebuild it
    #: on /reload; see bot/reload.py.
    reload_hooks: list[ReloadHook] = field(default_factory=list)
    #: Control words, source tags with their place, recorded audio (reloaded with the library).
    addons: Addons = field(default_factory=Addons)
    #: Telegram's file_id per uploaded recording (by the file's sha256), so each file is
    #: uploaded once. In memory: not personal, and re-uploading after a restart is cheap.
    voice_ids: dict[str, str] = field(default_factory=dict)
    #: "Was this helpful?": one vote per person, topic and day (in memory only).
    helpful_votes: HelpfulVotes = field(default_factory=HelpfulVotes)
    #: Staff chats (HMAC keys, in memory only) whose command menu has the staff commands.
    staff_menus: set[str] = field(default_factory=set)
    #: One /reload or SIGHUP at a time.
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: /forget's "clear this chat" offers: message ids under a random token, no user id.
    clear_offers: ClearOffers = field(default_factory=ClearOffers)
    #: Typed trust questions that open /privacy (content/trust-questions.yaml).
    trust: TrustQuestions = field(default_factory=TrustQuestions)

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        known = tuple(m.id for m in self.library.municipalities)
        if not self.settings.municipalities:
            return known
        return tuple(m for m in self.settings.municipalities if m in known)
