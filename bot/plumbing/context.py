"""python-telegram-bot's context and application types for this bot, typed.

`BotContext` is built by python-telegram-bot once per update and shared by every handler group
that handles it, so what it resolves (the visitor: the HMAC key and the stored preference) is
resolved once per update. `UserData` is the typed `context.user_data`: one person's state between
updates, in this process's memory only (no persistence is configured), forgotten on restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot

from bot.content.model import LANGUAGES, Lang
from bot.feedback.survey import SurveySession
from bot.i18n import Translator
from bot.services import Services
from bot.storage.database import Preference


@dataclass(frozen=True, slots=True)
class Visitor:
    """The person behind an update, as far as the bot may know them."""

    key: str
    preference: Preference

    @property
    def lang(self) -> Lang | None:
        lang = self.preference.lang
        return lang if lang in LANGUAGES else None


@dataclass(frozen=True, slots=True)
class PendingQuestion:
    """The last unanswered question, until the person chooses to send it to the editors; the
    token ties it to the button that offered it."""

    token: str
    text: str
    #: The message the person typed it in, deleted from the chat once the question is sent.
    message_id: int | None = None


#: Message ids kept per chat for /forget's "clear this chat" (memory only, never on disk).
RECENT_MESSAGES = 200
#: Telegram lets bots delete messages in private chats for 48 hours.
DELETE_WINDOW_SECONDS = 48 * 3600


@dataclass(slots=True)
class CaseDraft:
    """A question to bridge-builders being written (bot/handlers/cases.py); text in memory only."""

    municipality: str | None = None
    text: str | None = None


@dataclass(slots=True)
class LinksDraft:
    """A bridge-builder's /links choices so far (bot/handlers/bridge.py)."""

    target: str | None = None
    langs: list[Lang] = field(default_factory=list)
    await_tag: bool = False


@dataclass(slots=True)
class UserData:
    """One person's in-memory state (python-telegram-bot's `user_data`, never persisted)."""

    #: The feedback survey in progress (bot/handlers/feedback.py).
    survey: SurveySession | None = None
    #: The question the search could not answer (bot/handlers/questions.py).
    pending_question: PendingQuestion | None = None
    #: The message the survey comment was typed in, deleted once the feedback is sent.
    comment_message_id: int | None = None
    #: (message id, unix time) of recent messages in the private chat, both sides, so that
    #: /forget can offer to clear them (bot/handlers/info.py). Memory only.
    recent: list[tuple[int, float]] = field(default_factory=list)
    #: A question to bridge-builders being written, and the case being answered.
    case_draft: CaseDraft | None = None
    case_reply: int | None = None
    #: A bridge-builder's /links in progress.
    links: LinksDraft | None = None

    def clear(self) -> None:
        self.survey = None
        self.pending_question = None
        self.comment_message_id = None
        self.recent.clear()
        self.case_draft = None
        self.case_reply = None
        self.links = None

    def note_message(self, message_id: int, when: float) -> None:
        """Remember a message in this person's chat (bounded; the oldest go first)."""
        self.recent.append((message_id, when))
        if len(self.recent) > RECENT_MESSAGES:
            del self.recent[: len(self.recent) - RECENT_MESSAGES]

    def deletable(self, now: float) -> list[int]:
        """Ids of the remembered messages still inside Telegram's deletion window."""
        return sorted({mid for mid, at in self.recent if now - at < DELETE_WINDOW_SECONDS - 60})


class BotContext(CallbackContext[ExtBot[None], UserData, dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with typed access to the shared services and the visitor."""

    def __init__(
        self,
        application: BotApplication,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self._visitor: Visitor | None = None
        self._resolved = False
        #: Set by /forget: nothing more about this person is kept in memory in this update.
        self.forgotten = False

    @property
    def services(self) -> Services:
        services = self.application.bot_data["services"]
        assert isinstance(services, Services)
        return services

    async def visitor(self, update: Update) -> Visitor | None:
        """Who sent the update (None without a user), looked up on first use in this update."""
        if not self._resolved:
            user = update.effective_user
            if user is not None:
                services = self.services
                key = services.keys.key(user.id)
                preference = await services.db.get_preference(key, services.today())
                self._visitor = Visitor(key, preference)
            self._resolved = True
        return self._visitor

    def note_message(self, message: Message) -> None:
        """Remember a message of a private chat for /forget's "clear this chat" (memory only)."""
        if self.forgotten or message.chat.type != ChatType.PRIVATE:
            return
        data = self.user_data
        if data is not None:
            data.note_message(message.message_id, message.date.timestamp())

    def remember(self, preference: Preference) -> None:
        """The visitor's preference changed during this update (language, municipality, forget):
        later handlers of the same update see the new one."""
        if self._visitor is not None:
            self._visitor = Visitor(self._visitor.key, preference)

    async def translator(self, update: Update) -> Translator:
        """The visitor's language, Swedish before a choice. Looked up in the services at each
        call (a dict lookup), so a reply after /reload uses the new catalogs."""
        who = await self.visitor(update)
        lang = who.lang if who is not None else None
        return self.services.translators[lang or "sv"]


BotApplication = Application[
    ExtBot[None], BotContext, UserData, dict[Any, Any], dict[Any, Any], Any
]
