"""The commands in the menu of Telegram clients; descriptions are translated per client language.

Staff chats get these plus the staff commands (bot/ui/staff.py), set per chat.
"""

from __future__ import annotations

from bot.i18n import N_

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and choose language")),
    ("menu", N_("Main menu")),
    ("feedback", N_("Give anonymous feedback")),
    ("language", N_("Change language")),
    ("privacy", N_("What is stored about you")),
    ("forget", N_("Delete your data")),
    ("help", N_("Help")),
)
