"""Ask a bridge-builder, anonymously: the resident's side (private chat) and the group's side.

The resident's question goes to their municipality's bridge-builder group as a numbered case
(text, language, municipality; nothing that identifies them). A reply to the case message, or a
message in the case's forum topic, goes back to the resident through the bot. The text is never
stored: pending questions live in PTB's in-memory user_data until sent; the case record holds
only the sealed chat link (bot/cases/seal.py, bot/storage/cases.py).
"""

from __future__ import annotations

import logging

from telegram import Bot, Message, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.cases.seal import SealError
from bot.content.model import LANGUAGES, Lang
from bot.feedback.survey import clean_comment
from bot.handlers.common import markup, show, translator
from bot.i18n import Translator
from bot.plumbing.context import BotContext, CaseDraft, UserData, Visitor
from bot.services import Services
from bot.storage import cases as store
from bot.ui import cases as ui
from bot.ui import screens as views
from bot.ui.survey import removed_marker

log = logging.getLogger(__name__)

#: Longest question or answer passed on (Telegram's limit minus room for the header).
MAX_TEXT = 3500


def municipality_name(services: Services, municipality_id: str) -> str:
    found = services.library.municipality(municipality_id)
    return found.name if found else municipality_id


def _scrub(t: Translator, text: str) -> str | None:
    """The question without personal data, the marker in the resident's language."""
    return clean_comment(text, removed_marker(t))


def _lang(value: str | None) -> Lang:
    return next((lang for lang in LANGUAGES if lang == value), "sv")


# --- resident: buttons --------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    await query.answer()
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    who = await context.visitor(update)
    if who is None or who.lang is None:
        return
    services = context.services
    t = translator(services, who.lang)
    action = ui.decode(query.data)
    data = context.user_data if context.user_data is not None else UserData()
    match action:
        case ui.Ask(token):
            text = None
            if token is not None:
                pending, data.pending_question = data.pending_question, None
                text = pending.text if pending and pending.token == token else None
            await _begin(update, context, who, text)
        case ui.ForMunicipality(municipality_id):
            if municipality_id not in services.bridge.usable_ids(services.municipality_ids):
                await show(update, context, ui.unavailable(t), edit=True)
                return
            text = data.case_draft.text if data.case_draft else None
            await _intro(update, context, who, municipality_id, text)
        case ui.Send(scrubbed):
            await _send_case(update, context, who, scrubbed)
        case ui.Cancel():
            data.case_draft = None
            data.case_reply = None
            menu = views.main_menu(t, icons=context.services.library.pictograms)
            await show(update, context, menu, edit=True)
        case ui.Reply(number):
            if await _owned_case(services, number, chat.id) is None:
                await show(update, context, ui.closed(t, number))
                return
            data.case_reply = number
            await show(update, context, ui.write_reply(t, number))
        case ui.Close(number):
            case = await _owned_case(services, number, chat.id)
            if case is not None and await store.close_case(services.db, number):
                await _group_note(context.bot, services, case, "closed_by_person")
            await show(update, context, ui.closed(t, number), edit=True)
        case _:
            await show(update, context, views.stale_button_screen(t), edit=True)


async def _begin(update: Update, context: BotContext, who: Visitor, text: str | None) -> None:
    services = context.services
    t = translator(services, who.lang)
    offered = services.bridge.usable_ids(services.municipality_ids)
    if context.user_data is not None:
        context.user_data.case_draft = CaseDraft(None, text)
    municipality = who.preference.municipality
    if municipality in offered:
        await _intro(update, context, who, municipality, text)
    elif offered:
        screen = ui.choose_municipality(t, services.library, offered)
        await show(update, context, screen, edit=True)
    else:
        await show(update, context, ui.unavailable(t), edit=True)


async def _intro(
    update: Update, context: BotContext, who: Visitor, municipality: str, text: str | None
) -> None:
    services = context.services
    t = translator(services, who.lang)
    if context.user_data is not None:
        context.user_data.case_draft = CaseDraft(municipality, text)
    name = municipality_name(services, municipality)
    days = services.settings.case_inactivity_days
    await show(update, context, ui.intro(t, name, days, has_text=text is not None))
    if text is not None:
        await show(update, context, ui.preview(t, text, _scrub(t, text)))


# --- resident: typed text -----------------------------------------------------------------------


async def take_text(update: Update, context: BotContext, who: Visitor) -> bool:
    """Text for a question being written or an answer to a case; False if it is neither."""
    message = update.effective_message
    data = context.user_data
    if message is None or message.text is None or data is None or who.lang is None:
        return False
    services = context.services
    t = translator(services, who.lang)
    text = message.text.strip()[:MAX_TEXT]
    if data.case_reply is not None:
        number, data.case_reply = data.case_reply, None
        await _follow_up(update, context, who, number, text)
        return True
    draft = data.case_draft
    if draft is not None and draft.municipality and draft.text is None:
        draft.text = text
        await show(update, context, ui.preview(t, text, _scrub(t, text)))
        return True
    return False


async def _send_case(update: Update, context: BotContext, who: Visitor, scrubbed: bool) -> None:
    services = context.services
    t = translator(services, who.lang)
    chat = update.effective_chat
    data = context.user_data
    draft = data.case_draft if data is not None else None
    if data is not None:
        data.case_draft = None
    if chat is None or draft is None or not draft.text or not draft.municipality:
        await show(update, context, views.stale_button_screen(t), edit=True)
        return
    if who.lang is None:
        return
    municipality, text = draft.municipality, draft.text
    if scrubbed:
        cleaned = _scrub(t, text)
        if cleaned is None:  # nothing left: never fall back to what the person chose not to send
            await show(update, context, views.stale_button_screen(t), edit=True)
            return
        text = cleaned
    group = services.bridge.usable(municipality)
    if group is None:
        await show(update, context, ui.unavailable(t), edit=True)
        return
    if not services.case_limiter.try_acquire(who.key, services.today()):
        await show(update, context, ui.too_many(t), edit=True)
        return
    number = await store.open_case(
        services.db,
        municipality,
        who.lang,
        services.now(),
        lambda n: services.case_seal.seal(n, chat.id),
    )
    posted = await _post_case(context.bot, services, number, who.lang, municipality, text)
    if not posted:
        services.case_limiter.release(who.key, services.today())
        await store.close_case(services.db, number)
        await show(update, context, ui.unavailable(t), edit=True)
        return
    await show(update, context, ui.sent(t, number), edit=True)


async def _post_case(
    bot: Bot, services: Services, number: int, lang: Lang, municipality: str, text: str
) -> bool:
    group = services.bridge.usable(municipality)
    if group is None:
        return False
    sv = translator(services, "sv")
    name = municipality_name(services, municipality)
    thread: int | None = None
    try:
        if group.forum:
            try:
                topic = await bot.create_forum_topic(group.chat_id, ui.topic_name(sv, number))
                thread = topic.message_thread_id
            except BadRequest as exc:
                log.warning("no forum topic for a case, posting in the group: %s", _reason(exc))
        sent = await bot.send_message(
            group.chat_id,
            ui.group_post(sv, number, lang, name, text),
            message_thread_id=thread,
        )
    except TelegramError as exc:
        _group_failed(services, municipality, exc)
        return False
    await store.set_case_post(services.db, number, sent.message_id, thread)
    return True


async def _follow_up(
    update: Update, context: BotContext, who: Visitor, number: int, text: str
) -> None:
    services = context.services
    t = translator(services, who.lang)
    chat = update.effective_chat
    case = await _owned_case(services, number, chat.id) if chat else None
    if case is None:
        await show(update, context, ui.closed(t, number))
        return
    group = services.bridge.usable(case.municipality)
    if group is None:
        await show(update, context, ui.unavailable(t))
        return
    sv = translator(services, "sv")
    try:
        sent = await context.bot.send_message(
            group.chat_id,
            ui.group_follow_up(sv, number, text),
            message_thread_id=case.thread,
            reply_parameters=_reply_to(case.group_message),
        )
    except TelegramError as exc:
        _group_failed(services, case.municipality, exc)
        await show(update, context, ui.unavailable(t))
        return
    await store.add_case_message(services.db, number, sent.message_id)
    await store.touch_case(services.db, number, services.today())
    await show(update, context, ui.reply_sent(t, number))


def _group_failed(services: Services, municipality: str, exc: TelegramError) -> None:
    """Removed, deleted or upgraded to a supergroup (a new id for the configuration): the button
    goes until the group answers getChat again. A network error changes nothing. The error's
    type and text only: a migrated group's new id is not logged."""
    if isinstance(exc, Forbidden | BadRequest | ChatMigrated):
        services.bridge.mark(municipality, reachable=False)
    log.warning("bridge-builder group of %s unreachable: %s", municipality, _reason(exc))


def _reason(exc: Exception) -> str:
    """An error for the log: a migrated group's message carries its new chat id, so not that."""
    return type(exc).__name__ if isinstance(exc, ChatMigrated) else str(exc)


def _reply_to(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


async def _owned_case(services: Services, number: int, chat_id: int) -> store.CaseRecord | None:
    """The open case if it belongs to this chat (the seal opens to it), else None."""
    case = await store.get_case(services.db, number)
    if case is None or not case.is_open or case.seal is None:
        return None
    try:
        owner = services.case_seal.open(number, case.seal)
    except SealError:
        return None
    return case if owner == chat_id else None


# --- the bridge-builder group -------------------------------------------------------------------


async def group_message(update: Update, context: BotContext) -> None:
    """A message in a bridge-builder group: a reply to a case, or a message in its topic."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.from_user is None or message.from_user.is_bot:
        return
    services = context.services
    municipality = services.bridge.municipality_of(chat.id)
    if municipality is None:
        return
    case = await _case_of(services, municipality, message)
    if case is None:
        return
    sv = translator(services, "sv")
    target = _resident(services, case)
    if target is None:
        await _answer_in_group(message, ui.group_note(sv, "closed", case.number), case)
        return
    t = translator(services, _lang(case.lang))
    try:
        if message.text:
            screen = ui.answer(t, case.number, message.text[:MAX_TEXT])
            await context.bot.send_message(
                target, screen.text, reply_markup=markup(screen.keyboard)
            )
        else:
            screen = ui.answer(t, case.number, "")
            await context.bot.send_message(target, ui.answer_header(t, case.number))
            await context.bot.copy_message(
                target, chat.id, message.message_id, reply_markup=markup(screen.keyboard)
            )
    except Forbidden:
        await store.close_case(services.db, case.number)
        await _answer_in_group(message, ui.group_note(sv, "gone", case.number), case)
        return
    await store.record_answer(services.db, case.number, services.now())
    await _answer_in_group(message, ui.group_note(sv, "delivered", case.number), case)


async def _case_of(
    services: Services, municipality: str, message: Message
) -> store.CaseRecord | None:
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.is_bot:
        case = await store.case_for_message(services.db, municipality, replied.message_id)
        if case is not None:
            return case
    if message.is_topic_message and message.message_thread_id is not None:
        return await store.case_for_thread(services.db, municipality, message.message_thread_id)
    return None


def _resident(services: Services, case: store.CaseRecord) -> int | None:
    if not case.is_open or case.seal is None:
        return None
    try:
        return services.case_seal.open(case.number, case.seal)
    except SealError:
        return None


async def _answer_in_group(message: Message, text: str, case: store.CaseRecord) -> None:
    try:
        await message.reply_text(text, message_thread_id=case.thread, do_quote=True)
    except TelegramError as exc:
        log.warning("could not confirm in the bridge-builder group: %s", _reason(exc))


async def _group_note(bot: Bot, services: Services, case: store.CaseRecord, kind: str) -> None:
    group = services.bridge.usable(case.municipality)
    if group is None:
        return
    sv = translator(services, "sv")
    days = services.settings.case_inactivity_days
    try:
        await bot.send_message(
            group.chat_id,
            ui.group_note(sv, kind, case.number, days),
            message_thread_id=case.thread,
            reply_parameters=_reply_to(case.group_message),
        )
    except TelegramError as exc:
        log.warning("could not post a case note in the bridge-builder group: %s", _reason(exc))


# --- closing: /forget, inactivity, start-up -----------------------------------------------------


async def forget_cases(bot: Bot, services: Services, chat_id: int) -> int:
    """Close every open case of this chat at once (/forget); returns how many."""
    closed = 0
    for case in await store.open_cases(services.db):
        if _resident(services, case) == chat_id and await store.close_case(
            services.db, case.number
        ):
            closed += 1
            await _group_note(bot, services, case, "closed_by_person")
    return closed


async def close_inactive(bot: Bot, services: Services) -> int:
    """Close cases without a message for the configured days; tell the resident and the group.

    Cases whose seal no longer opens (a new or lost key) are closed too: nobody can be reached.
    """
    days = services.settings.case_inactivity_days
    inactive = {c.number for c in await store.inactive_cases(services.db, services.today(), days)}
    closed = 0
    for case in await store.open_cases(services.db):
        target = _resident(services, case)
        if case.number not in inactive and target is not None:
            continue
        if not await store.close_case(services.db, case.number):
            continue
        closed += 1
        await _group_note(bot, services, case, "expired")
        if target is not None:
            screen = ui.expired(translator(services, _lang(case.lang)), case.number, days)
            try:
                await bot.send_message(target, screen.text, reply_markup=markup(screen.keyboard))
            except TelegramError as exc:
                log.info("could not tell a resident that a case closed: %s", type(exc).__name__)
    return closed


async def check_groups(bot: Bot, services: Services) -> None:
    """getChat for each configured group: reachable or not, forum or not."""
    for group in services.bridge.all():
        try:
            chat = await bot.get_chat(group.chat_id)
        except TelegramError as exc:
            if group.reachable:
                log.warning(
                    "bridge-builder group of %s unreachable: %s", group.municipality, _reason(exc)
                )
            services.bridge.mark(group.municipality, reachable=False)
            continue
        ok = chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
        services.bridge.mark(group.municipality, reachable=ok, forum=bool(chat.is_forum))
