"""/feedback and the menu's feedback button: the anonymous survey as a ConversationHandler.

The steps, texts and checks live in bot/feedback/survey.py; this module only moves a person from
screen to screen. The draft is kept in memory (`UserData.survey`, never persisted) until the
person presses Send; only then is anything written, and the thank-you is shown after the commit.

Leaving: /cancel and the Cancel buttons end the survey with "nothing was saved". Any other
command or any other button also ends it, silently, and the update is put back in the queue so
that it does what it would have done outside the survey (e.g. /menu shows the menu).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.feedback import survey
from bot.feedback.survey import Draft, Step, SurveySession
from bot.handlers.common import delete_messages, show, translator
from bot.handlers.language import send_greeting
from bot.handlers.start import SURVEY_LINK, arrive_by_survey_link
from bot.plumbing.context import BotContext
from bot.services import Services
from bot.storage import feedback as store
from bot.ui import privacy as privacy_ui
from bot.ui import survey as survey_ui
from bot.ui.render import escape
from bot.ui.screens import Screen

log = logging.getLogger(__name__)

END = ConversationHandler.END
#: A survey untouched this long is forgotten at the person's next update, so that a question
#: typed days later is not taken for the answer to an old "in your own words".
SESSION_MAX_AGE = 2 * 3600.0
#: Monotonic seconds; replaced in tests.
clock: Callable[[], float] = time.monotonic

PRIVATE_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
TYPED_TEXT = PRIVATE_MESSAGE & filters.TEXT & ~filters.COMMAND


class PatternButton(CallbackQueryHandler[BotContext, object]):
    """A CallbackQueryHandler that applies its pattern to queries without data, too.

    PTB lets a query with no (or empty) data through any pattern, so a forged empty press would
    otherwise start the survey or count as an answer; such a query goes on to the other handlers.
    """

    def check_update(self, update: object) -> bool | object | None:
        query = update.callback_query if isinstance(update, Update) else None
        if query is not None and not query.data:
            return False
        return super().check_update(update)


async def start_from_link(update: Update, context: BotContext) -> object:
    """`/start <lang>-survey_<tag>` from a poster: the survey in the link's language."""
    if await arrive_by_survey_link(update, context) is None:
        await send_greeting(update, context)
        return END
    return await start(update, context)


def conversation() -> ConversationHandler[BotContext]:
    buttons = PatternButton(on_button, pattern=survey_ui.CALLBACK_PATTERN)
    remind = MessageHandler(TYPED_TEXT, use_buttons)
    states: dict[object, list[object]] = {
        step.value: [buttons, remind] for step in Step if step is not Step.COMMENT
    }
    states[Step.COMMENT.value] = [MessageHandler(TYPED_TEXT, on_comment), buttons]
    with warnings.catch_warnings():
        # PTB warns that per_message=False does not track buttons per message. Intended: one
        # survey per person, its buttons parsed against an allow-list in every state.
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("feedback", start, filters=PRIVATE_MESSAGE),
                CommandHandler(
                    "start", start_from_link, filters=PRIVATE_MESSAGE & filters.Regex(SURVEY_LINK)
                ),
                PatternButton(start, pattern=r"^fb$"),
            ],
            states=states,  # type: ignore[arg-type]
            fallbacks=[
                CommandHandler("cancel", cancel_command, filters=PRIVATE_MESSAGE),
                MessageHandler(PRIVATE_MESSAGE & filters.COMMAND, leave),
                CallbackQueryHandler(leave),
            ],
            allow_reentry=True,
        )


# --- helpers ------------------------------------------------------------------------------------


def offered_municipalities(services: Services) -> tuple[tuple[str, str], ...]:
    offered = services.municipality_ids
    names = {m.id: m.name for m in services.library.municipalities}
    return tuple((mid, names[mid]) for mid in offered if mid in names)


def _session(context: BotContext) -> SurveySession | None:
    data = context.user_data
    session = data.survey if data is not None else None
    if session is None or clock() - session.started > SESSION_MAX_AGE:
        return None
    return session


def _forget_session(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.survey = None
        context.user_data.comment_message_id = None


async def _show_step(
    update: Update,
    context: BotContext,
    session: SurveySession,
    *,
    edit: bool,
    hint: str | None = None,
) -> None:
    services = context.services
    t = translator(services, session.lang)
    offered = offered_municipalities(services)
    if session.step is Step.CONFIRM:
        screen = survey_ui.confirm_screen(
            t,
            session.draft,
            lang=session.lang,
            today=services.today(),
            municipality_names=dict(offered),
            hint=hint,
        )
    else:
        screen = survey_ui.question_screen(
            t, session.step, municipalities=offered, hint=hint, service=session.draft.service
        )
    await show(update, context, screen, edit=edit)


# --- entry --------------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> object:
    query = update.callback_query
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        if query is not None:
            await query.answer()
        return END
    services = context.services
    who = await context.visitor(update)
    if query is not None:
        await query.answer()
    if who is None:
        return END
    _forget_session(context)
    edit = query is not None
    if who.lang is None:
        await send_greeting(update, context, edit=edit)
        return END
    t = translator(services, who.lang)
    if services.feedback_limiter.remaining(who.key, services.today()) <= 0:
        await show(update, context, survey_ui.limit_screen(t), edit=edit)
        return END
    session = SurveySession(lang=who.lang, step=Step.SERVICE, draft=Draft(), started=clock())
    if context.user_data is not None:
        context.user_data.survey = session
    await _show_step(update, context, session, edit=edit)
    return session.step.value


# --- steps --------------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> object:
    query = update.callback_query
    assert query is not None
    session = _session(context)
    if session is None:
        return await leave(update, context)
    services = context.services
    t = translator(services, session.lang)
    answer = survey_ui.parse(query.data, frozenset(services.municipality_ids))
    stale = (
        answer is None
        or (
            isinstance(answer, survey_ui.Choose | survey_ui.Skip)
            and answer.step is not session.step
        )
        or (isinstance(answer, survey_ui.Send) and session.step is not Step.CONFIRM)
    )
    if stale:
        log.info("feedback: stale or unknown survey button")
        await query.answer(t._("That button is no longer valid."))
        await _show_step(update, context, session, edit=False)
        return session.step.value
    await query.answer()
    match answer:
        case survey_ui.Cancel():
            _forget_session(context)
            await show(update, context, survey_ui.cancelled_screen(t), edit=True)
            return END
        case survey_ui.Send():
            return await _send(update, context, session)
        case survey_ui.Choose(step, code):
            session.draft = session.draft.answer(step, code)
        case survey_ui.Skip(step):
            session.draft = session.draft.skip(step)
    session.step = survey.next_step(session.step, bool(services.municipality_ids))
    await _show_step(update, context, session, edit=True)
    return session.step.value


async def on_comment(update: Update, context: BotContext) -> object:
    session = _session(context)
    message = update.effective_message
    if session is None:
        return await leave(update, context)
    text = message.text if message is not None else None
    if not text:
        return session.step.value
    t = translator(context.services, session.lang)
    marker = survey_ui.removed_marker(t)
    if survey.comment_too_long(text, marker):
        await _show_step(update, context, session, edit=False, hint=survey_ui.too_long_hint(t))
        return session.step.value
    session.draft = session.draft.with_comment(text, marker)
    if context.user_data is not None and message is not None:
        # Deleted from the chat once the feedback is sent (the person's words leave the phone).
        context.user_data.comment_message_id = message.message_id
    session.step = survey.next_step(session.step, bool(context.services.municipality_ids))
    await _show_step(update, context, session, edit=False)
    return session.step.value


async def use_buttons(update: Update, context: BotContext) -> object:
    """Text typed where a button is expected: ask again, keep the answers so far."""
    session = _session(context)
    if session is None:
        return await leave(update, context)
    t = translator(context.services, session.lang)
    await _show_step(update, context, session, edit=False, hint=survey_ui.use_buttons_hint(t))
    return session.step.value


async def _send(update: Update, context: BotContext, session: SurveySession) -> object:
    services = context.services
    user = update.effective_user
    assert user is not None
    t = translator(services, session.lang)
    key = services.keys.key(user.id)
    today = services.today()
    limits = services.feedback_limiter
    if not limits.try_acquire(key, today):
        _forget_session(context)
        await show(update, context, survey_ui.limit_screen(t), edit=True)
        return END
    try:
        await store.save_feedback(
            services.db,
            session.draft,
            session.lang,
            today,
            municipalities=frozenset(services.municipality_ids),
            marker=survey_ui.removed_marker(t),
        )
    except Exception as exc:
        limits.release(key, today)
        # The type only: an exception message could quote the values being stored.
        log.error("feedback not saved: %s", type(exc).__name__)
        await _show_step(update, context, session, edit=True, hint=survey_ui.save_failed_hint(t))
        return session.step.value
    # Committed (synchronous=FULL): only now is the person told it is saved.
    typed = context.user_data.comment_message_id if context.user_data is not None else None
    _forget_session(context)
    months = services.settings.feedback_retention_months
    thanks = survey_ui.thanks_screen(t, months)
    if typed is None or session.draft.comment is None:
        await show(update, context, thanks, edit=True)
        return END
    # The comment was typed: delete it and the confirmation that repeats it, then thank anew.
    query = update.callback_query
    echo = query.message if query is not None and isinstance(query.message, Message) else None
    ids = [typed] + ([echo.message_id] if echo is not None else [])
    deleted = await delete_messages(context, user.id, ids) == len(ids)
    if deleted:
        note = escape(privacy_ui.feedback_traces_note(t))
        thanks = Screen((thanks.text + "\n" + note,), thanks.keyboard)
    await show(update, context, thanks, edit=not deleted)
    return END


# --- leaving ------------------------------------------------------------------------------------


async def cancel_command(update: Update, context: BotContext) -> object:
    session = _session(context)
    _forget_session(context)
    lang = session.lang if session is not None else None
    if lang is None:
        who = await context.visitor(update)
        lang = who.lang if who is not None else None
    await show(update, context, survey_ui.cancelled_screen(translator(context.services, lang)))
    return END


async def leave(update: Update, context: BotContext) -> object:
    """End the survey without a word and let the update do what it does outside the survey.

    The conversation's state is updated when this returns, so the update, queued again, reaches
    the other handlers (a callback query is answered there, not here).
    """
    _forget_session(context)
    await context.application.update_queue.put(update)
    return END
