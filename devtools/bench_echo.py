"""A bare python-telegram-bot echo bot: the baseline that `python -m devtools bench` compares with.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=http://127.0.0.1:PORT/bot \
        python -m devtools.bench_echo

It is started and measured exactly like `python -m bot run` (a subprocess polling the fake Bot
API with the same poll settings), so the difference between the two is the bot's own work.
`BENCH_ECHO_CONCURRENT_UPDATES=N` handles N updates at once; unset or 0 keeps PTB's default
(one at a time). Nothing is stored and nothing is logged but PTB's own start and stop lines.
"""

from __future__ import annotations

import logging
import os
import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes, MessageHandler, filters

#: Same long-poll timeout as `python -m bot run` (bot.cli._serve).
POLL_TIMEOUT = 30


async def hello(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None:
        await update.message.reply_text("Hello! Send me any text.")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


def main() -> int:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s", level="INFO")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its URLs contain the token
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    base_url = os.environ.get("TELEGRAM_API_BASE_URL", "")
    if not token or not base_url:
        print("error: set TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL", file=sys.stderr)
        return 2
    concurrency = int(os.environ.get("BENCH_ECHO_CONCURRENT_UPDATES") or 0)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_url.replace("/bot", "/file/bot"))
    )
    if concurrency > 0:
        builder = builder.concurrent_updates(concurrency)
    application = builder.build()
    application.add_handler(CommandHandler("start", hello))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.run_polling(
        poll_interval=0.0, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
