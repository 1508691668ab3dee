"""/reload for staff: check the content files and swap them in, or say why not.

Only user ids in BOT_STAFF_IDS, only in a private chat. Anyone else gets exactly what an unknown
command gets (the menu), so the command does not reveal that it exists.
"""

from __future__ import annotations

from telegram import Update

from bot.handlers.navigation import menu_command
from bot.handlers.staff import is_staff
from bot.i18n import Translator
from bot.plumbing.context import BotContext
from bot.reload import ReloadResult, reload_content_async
from bot.ui.render import MESSAGE_LIMIT, bold, escape, visible_len

#: Room left for "... and N more" under the message limit.
_TAIL_ROOM = 100
#: One error line at most this long (a message must hold several).
_LINE_MAX = 400


async def reload_command(update: Update, context: BotContext) -> None:
    if not is_staff(update, context):
        await menu_command(update, context)
        return
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    result = await reload_content_async(services)
    # The reply uses the new catalogs when the reload went through.
    t = await context.translator(update)
    await context.bot.send_message(chat.id, format_result(t, result))


def format_result(t: Translator, result: ReloadResult, limit: int = MESSAGE_LIMIT) -> str:
    """The reply: a one-line summary, or the checker's errors trimmed to fit one message."""
    if result.ok:
        return (
            bold(t._("Content reloaded."))
            + "\n"
            + escape(
                t._("{topics} topics, {places} places, {warnings} warnings.").format(
                    topics=result.topics, places=result.places, warnings=result.warnings
                )
            )
        )
    head = bold(t._("Content NOT reloaded: the bot keeps the previous content.")) + "\n"
    head += escape(
        t._("{count} errors. Fix them and send /reload again.").format(count=len(result.errors))
    )
    lines = [head, ""]
    used = visible_len("\n".join(lines))
    shown = 0
    for error in result.errors:
        if len(error) > _LINE_MAX:
            error = error[: _LINE_MAX - 1] + "…"
        line = "• " + escape(error)
        cost = visible_len(line) + 1
        if used + cost > limit - _TAIL_ROOM:
            break
        lines.append(line)
        used += cost
        shown += 1
    if shown < len(result.errors):
        lines.append(escape(t._("… and {count} more.").format(count=len(result.errors) - shown)))
    return "\n".join(lines)
