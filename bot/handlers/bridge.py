"""Bridge-builders in the chat: /links (buttons or one line), /reach, their /help, and the
reach count of a scanned poster. Only user ids in BOT_BRIDGE_BUILDERS reach these commands (the
filters are set in bot/app.py); staff also get /reach for every municipality."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, BotCommand, BotCommandScopeChat, InputFile, Update
from telegram.error import TelegramError

from bot.config import BridgeBuilder
from bot.content.model import LANGUAGES, Lang
from bot.handlers.common import show, translator
from bot.i18n import N_
from bot.links.pdf import write_pdfs
from bot.links.posters import check_target, poster_rows, write_poster
from bot.links.qr import qr_png
from bot.links.rows import LinkError
from bot.links.tags import SourceTag, clean_place, fold_tag, normalise_tag
from bot.plumbing.context import BotContext, LinksDraft, Visitor
from bot.services import Services
from bot.storage import tags as tag_store
from bot.storage.cases import case_months
from bot.storage.database import iso_week
from bot.ui import bridge as ui
from bot.ui import screens as views

log = logging.getLogger(__name__)

#: Weeks shown by /reach: this one and the three before.
REACH_WEEKS = 4
BRIDGE_COMMANDS: tuple[tuple[str, str], ...] = (
    ("links", N_("a link, a QR code and a poster with your tag")),
    ("reach", N_("how many people your tags reached")),
)


def builder_of(update: Update, context: BotContext) -> BridgeBuilder | None:
    user = update.effective_user
    chat = update.effective_chat
    # Only in the bridge-builder's own private chat (finding F11: a forged chat gets nothing).
    if user is None or chat is None or chat.type != "private" or chat.id != user.id:
        return None
    return context.services.settings.bridge_builder(user.id)


# --- reach counting (every resident's /start with a tag) ---------------------------------------


async def count_reach(services: Services, raw_tag: str, user_id: int) -> None:
    """Count a scan of a registered tag, and the person once per tag and week (in memory)."""
    tag = fold_tag(raw_tag)
    static = services.addons.source_tags.lookup(raw_tag) or services.addons.source_tags.lookup(tag)
    if static is None and await tag_store.get_tag(services.db, tag) is None:
        return
    week = iso_week(services.today())
    new = services.reach_people.first_visit(tag, user_id, week)
    await tag_store.count_reach(services.db, tag, services.today(), new_person=new)


async def known_tags(services: Services, municipality: str | None) -> list[SourceTag]:
    """Tags registered in the chat, then those from content/source-tags.yaml (bot/links/
    sourcetags.py) not registered in the chat; one municipality's, or all (staff)."""
    tags = {tag.tag: tag for tag in await tag_store.tags_of(services.db, municipality)}
    static = services.addons.source_tags
    for raw, place in static.tags.items():
        tag = fold_tag(raw)
        if tag not in tags and (municipality is None or place.municipality == municipality):
            tags[tag] = SourceTag(tag, place.municipality, place.place)
    return sorted(tags.values(), key=lambda tag: (tag.municipality, tag.tag))


# --- /help and the command menu -----------------------------------------------------------------


async def help_command(update: Update, context: BotContext) -> None:
    who = await context.visitor(update)
    t = translator(context.services, who.lang if who else None)
    screen = views.help_screen(t)
    text = screen.text + "\n" + "\n".join(ui.help_lines(t))
    await show(update, context, views.Screen((text,), screen.keyboard))


async def set_bridge_commands(
    bot: Bot, services: Services, base: Sequence[tuple[str, str]], languages: Sequence[str]
) -> None:
    """The bridge-builders' own command menu (scope: their private chat), per client language."""
    for builder in services.settings.bridge_builders:
        for lang in (None, *languages):
            t = services.translators["sv" if lang is None else lang]  # type: ignore[index]
            commands = [BotCommand(name, t._(text)) for name, text in (*base, *BRIDGE_COMMANDS)]
            try:
                await bot.set_my_commands(
                    commands, scope=BotCommandScopeChat(builder.user_id), language_code=lang
                )
            except TelegramError as exc:
                # Telegram knows the chat only once the bridge-builder has started the bot.
                log.warning("bridge-builder command menu not set: %s", type(exc).__name__)
                break


# --- /links -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkRequest:
    target: str
    langs: tuple[Lang, ...]
    tag: str
    place: str | None


def parse_line(args: Sequence[str]) -> LinkRequest | str:
    """`<langs>-<target> <tag> [place words]`; a problem kind ("usage", "unknown", "invalid")."""
    if len(args) < 2:
        return "usage"
    head, tag_text, *place_words = args
    langs_text, _, target = head.lower().partition("-")
    langs = tuple(dict.fromkeys(part for part in langs_text.replace("+", ",").split(",")))
    if not target or not langs or any(lang not in LANGUAGES for lang in langs):
        return "unknown"
    try:
        tag = normalise_tag(tag_text)
        place = clean_place(" ".join(place_words)) if place_words else None
    except LinkError:
        return "invalid"
    chosen: tuple[Lang, ...] = tuple(lang for lang in LANGUAGES if lang in langs)
    return LinkRequest(target, chosen, tag, place)


async def links_command(update: Update, context: BotContext) -> None:
    builder = builder_of(update, context)
    who = await context.visitor(update)
    if builder is None or who is None:
        return
    t = translator(context.services, who.lang)
    if not context.args:
        if context.user_data is not None:
            context.user_data.links = LinksDraft()
        await show(update, context, ui.links_targets(t))
        return
    request = parse_line(context.args)
    if isinstance(request, str):
        screen = (
            ui.links_usage(t)
            if request == "usage"
            else ui.tag_problem(t, request, " ".join(context.args[:2]))
        )
        await show(update, context, screen)
        return
    await deliver(update, context, builder, who, request)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    builder = builder_of(update, context)
    who = await context.visitor(update)
    if builder is None or who is None:
        return
    services = context.services
    t = translator(services, who.lang)
    lang: Lang = who.lang or "sv"
    data = context.user_data
    if data is not None and data.links is None:
        data.links = LinksDraft()
    state = data.links if data is not None and data.links is not None else LinksDraft()
    match ui.decode(query.data, services.library):
        case ui.Section(section_id):
            screen = ui.links_topics(t, services.library, section_id, lang)
            await show(update, context, screen, edit=True)
        case ui.Back():
            await show(update, context, ui.links_targets(t), edit=True)
        case ui.Target(target):
            state.target = target
            await show(update, context, ui.links_languages(t, state.langs), edit=True)
        case ui.ToggleLang(chosen):
            langs = state.langs
            if chosen in langs:
                langs.remove(chosen)
            else:
                langs.append(chosen)
            await show(update, context, ui.links_languages(t, langs), edit=True)
        case ui.Next():
            tags = await tag_store.tags_of(services.db, builder.municipality)
            await show(update, context, ui.links_tags(t, tags), edit=True)
        case ui.NewTag():
            state.await_tag = True
            await show(update, context, ui.new_tag_prompt(t), edit=True)
        case ui.UseTag(tag):
            known = await tag_store.get_tag(services.db, tag)
            chosen_target = state.target
            langs_chosen = tuple(lang for lang in LANGUAGES if lang in state.langs)
            if known is None or known.municipality != builder.municipality or not chosen_target:
                await show(update, context, views.stale_button_screen(t), edit=True)
                return
            request = LinkRequest(str(chosen_target), langs_chosen or LANGUAGES, tag, known.place)
            await deliver(update, context, builder, who, request)
        case _:
            await show(update, context, views.stale_button_screen(t), edit=True)


async def take_text(update: Update, context: BotContext, who: Visitor) -> bool:
    """The new tag and place typed after "New tag"; False when not waiting for one."""
    builder = builder_of(update, context)
    message = update.effective_message
    data = context.user_data
    if builder is None or message is None or not message.text or data is None:
        return False
    state = data.links
    if state is None or not state.await_tag or not state.target:
        return False
    state.await_tag = False
    tag_text, *place_words = message.text.split()
    langs = tuple(lang for lang in LANGUAGES if lang in state.langs) or LANGUAGES
    t = translator(context.services, who.lang)
    try:
        tag = normalise_tag(tag_text)
        place = clean_place(" ".join(place_words)) if place_words else None
    except LinkError:
        await show(update, context, ui.tag_problem(t, "invalid", tag_text))
        return True
    await deliver(update, context, builder, who, LinkRequest(state.target, langs, tag, place))
    return True


async def deliver(
    update: Update,
    context: BotContext,
    builder: BridgeBuilder,
    who: Visitor,
    request: LinkRequest,
) -> None:
    """Register the tag, then send the link, a QR code per language and the A4 poster."""
    services = context.services
    t = translator(services, who.lang)
    chat = update.effective_chat
    if chat is None:
        return
    username = context.bot.username
    try:
        target = check_target(services.library, request.target)
    except LinkError:
        await show(update, context, ui.tag_problem(t, "unknown", request.target))
        return
    try:
        rows = poster_rows(
            services.library, username, target, request.langs, request.tag, services.translators
        )
    except LinkError:  # the tag makes this target's payload longer than 64 characters
        await show(update, context, ui.tag_problem(t, "invalid", request.tag))
        return
    static = services.addons.source_tags.lookup(request.tag)
    if static is not None and static.municipality != builder.municipality:
        await show(update, context, ui.tag_problem(t, "taken", request.tag))
        return
    try:
        registered = await tag_store.register_tag(
            services.db, request.tag, builder.municipality, request.place, services.today()
        )
    except tag_store.TagTaken:
        await show(update, context, ui.tag_problem(t, "taken", request.tag))
        return
    if context.user_data is not None:
        context.user_data.links = None
    place = registered.place
    urls = [(lang, row.url) for lang, row in rows.items()]
    await context.bot.send_message(chat.id, ui.link_message(t, urls, place))
    for row in rows.values():
        png = await asyncio.to_thread(qr_png, row.url)
        await context.bot.send_photo(
            chat.id, InputFile(png, filename=f"{row.payload}.png"), caption=row.url
        )
    name, data, pdf = await asyncio.to_thread(
        _poster_file, services, username, target, request.langs, request.tag, place
    )
    await context.bot.send_document(
        chat.id, InputFile(data, filename=name), caption=ui.poster_caption(t, pdf)
    )


def _poster_file(
    services: Services,
    username: str,
    target: str,
    langs: tuple[Lang, ...],
    tag: str,
    place: str | None,
) -> tuple[str, bytes, bool]:
    """(file name, bytes, is PDF): Chromium's PDF when installed, else the HTML page."""
    with tempfile.TemporaryDirectory(prefix="bot-poster-") as directory:
        poster = write_poster(
            services.library,
            username,
            target,
            Path(directory),
            services.translators,
            langs=langs,
            source=tag,
            place=place,
        )
        try:
            pdfs = write_pdfs([poster.path])
        except Exception as exc:  # a broken Chromium must not cost the bridge-builder the poster
            log.warning("PDF printing failed, sending HTML: %s", type(exc).__name__)
            pdfs = []
        if pdfs:
            return pdfs[0].name, pdfs[0].read_bytes(), True
        return poster.path.name, poster.path.read_bytes(), False


# --- /reach -------------------------------------------------------------------------------------


def recent_weeks(services: Services, count: int = REACH_WEEKS) -> list[str]:
    today = services.today()
    return [iso_week(today - dt.timedelta(weeks=n)) for n in range(count)]


async def reach_command(update: Update, context: BotContext) -> None:
    services = context.services
    who = await context.visitor(update)
    user = update.effective_user
    if who is None or user is None:
        return
    t = translator(services, who.lang)
    weeks = recent_weeks(services)
    chat = update.effective_chat
    own_chat = chat is not None and chat.type == "private" and chat.id == user.id
    if user.id in services.settings.staff_ids and own_chat:
        # Each coordinator sees only the municipalities they are configured for (BOT_STAFF).
        scope = services.settings.staff_scope(user.id)
        tags = [
            t for t in await known_tags(services, None) if scope is None or t.municipality in scope
        ]
        rows = await tag_store.reach(services.db, [tag.tag for tag in tags], weeks)
        months = [
            m for m in await case_months(services.db) if scope is None or m.municipality in scope
        ]
        screen = ui.staff_reach_screen(t, services.library, tags, rows, months)
    else:
        builder = builder_of(update, context)
        if builder is None:
            return
        tags = await known_tags(services, builder.municipality)
        rows = await tag_store.reach(services.db, [tag.tag for tag in tags], weeks)
        screen = ui.reach_screen(t, tags, rows)
    await show(update, context, screen)
