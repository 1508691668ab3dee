"""Whether to offer "ask a bridge-builder": only where a bridge-builder group can be reached.

Its own module so that the menu, the topics and the search can offer the button without
importing the case journey (bot/handlers/cases.py), which imports them.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.plumbing.context import Visitor
from bot.services import Services
from bot.storage.database import Preference
from bot.ui import cases as ui
from bot.ui.screens import Keyboard


def can_ask(services: Services, who: Visitor | Preference) -> bool:
    """Whether to offer the button: the person's municipality (or any) has a reachable group."""
    offered = services.bridge.usable_ids(services.municipality_ids)
    preference = who.preference if isinstance(who, Visitor) else who
    municipality = preference.municipality
    return municipality in offered if municipality else bool(offered)


def ask_rows(
    services: Services, who: Visitor | Preference, t: Translator, token: str | None = None
) -> Keyboard:
    """The "ask a bridge-builder" row, or nothing when no group can be reached."""
    return ((ui.ask_button(t, token),),) if can_ask(services, who) else ()
