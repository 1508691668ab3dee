"""Recorded answers as voice notes: each file is uploaded once, then its file_id is reused."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from telegram import Update
from telegram.error import BadRequest

from bot.content.audio import WELCOME, AudioClip
from bot.content.model import Lang
from bot.plumbing.context import BotContext
from bot.ui.render import escape, italic

log = logging.getLogger(__name__)


async def send_clip(update: Update, context: BotContext, clip: AudioClip, caption: str) -> None:
    """Send `clip` as a voice note: by file_id when it was uploaded before, else upload it."""
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    known = services.voice_ids.get(clip.digest)
    if known is not None:
        try:
            await context.bot.send_voice(chat.id, voice=known, caption=caption)
            return
        except BadRequest as exc:  # e.g. a file_id from another bot token: upload again
            log.info("cached voice file_id refused, uploading again: %s", exc)
            services.voice_ids.pop(clip.digest, None)
    data = await asyncio.to_thread(clip.path.read_bytes)
    sent = await context.bot.send_voice(
        chat.id,
        voice=data,
        filename=f"{clip.key}.ogg",
        duration=max(1, round(clip.seconds)),
        caption=caption,
    )
    if sent.voice is not None:
        services.voice_ids[clip.digest] = sent.voice.file_id


def clip_caption(context: BotContext, clip: AudioClip, title: str) -> str:
    """The title, and what a listener should know: a draft or a computer voice."""
    t = context.services.translators[clip.lang]
    lines = [escape(title)]
    if clip.synthetic:
        lines.append(italic(t._("A computer voice reads this text.")))
    elif clip.review != "reviewed":
        lines.append(italic(t._("This recording has not yet been checked.")))
    return "\n".join(lines)


async def send_topic_recording(
    update: Update, context: BotContext, topic_id: str, lang: Lang
) -> None:
    services = context.services
    clip = services.addons.audio.clip(lang, topic_id)
    if clip is None:
        return
    library = services.library
    title = library.pictograms.label(
        library.pictograms.topic(topic_id), library.topic(lang, topic_id).title
    )
    await send_clip(update, context, clip, clip_caption(context, clip, title))


async def send_welcome(update: Update, context: BotContext, langs: Iterable[Lang]) -> None:
    """The spoken welcome in each of `langs` that has one recorded."""
    audio = context.services.addons.audio
    for lang in langs:
        clip = audio.clip(lang, WELCOME)
        if clip is not None:
            t = context.services.translators[lang]
            await send_clip(update, context, clip, clip_caption(context, clip, t._("Welcome!")))
