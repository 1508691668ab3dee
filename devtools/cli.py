"""Developer commands: `python -m devtools chat|bench|durability|eval|eval-scrubber|i18n|
simulate-feedback|campaign`."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import ConfigError, load_settings

if TYPE_CHECKING:
    from telegram.ext import Application


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chat = commands.add_parser("chat", help="talk to the bot in this terminal, no Telegram needed")
    chat.add_argument("--language-code", default="sv", help="the fake Telegram client's language")
    i18n = commands.add_parser("i18n", help="extract UI strings and update the .po catalogs")
    i18n.add_argument("action", choices=["update", "check"])

    from devtools.bench import add_arguments as add_bench_arguments

    bench = commands.add_parser(
        "bench", help="search latency, throughput against an echo bot, start-up, memory"
    )
    add_bench_arguments(bench)

    from devtools.durability import add_arguments as add_durability_arguments

    durability = commands.add_parser(
        "durability", help="SIGKILL the bot while feedback is sent: is anything acknowledged lost?"
    )
    add_durability_arguments(durability)

    simulate = commands.add_parser(
        "simulate-feedback",
        help="simulated residents answer the survey through the real bot (planted patterns); "
        "writes each municipality's report and workbook",
    )
    simulate.add_argument("--out", type=Path, required=True, help="directory (must be empty)")
    simulate.add_argument("--residents", type=int, default=340)
    simulate.add_argument("--seed", type=int, default=12)

    campaign = commands.add_parser(
        "campaign",
        help="a scripted poster campaign through the real bot: reach per tag and week, true "
        "vs counted vs shown; anonymous questions answered",
    )
    campaign.add_argument("--seed", type=int, default=13)

    # These keep their own options: everything after the command name is passed on unparsed.
    passthrough: dict[str, Callable[[list[str]], int]] = {
        "eval": _search_eval,
        "eval-scrubber": _scrubber_eval,
        "first-screens": _first_screens,
    }
    commands.add_parser("eval", help="search accuracy per language on the evaluation questions")
    commands.add_parser("eval-scrubber", help="recall and precision of the personal-data scrubber")
    commands.add_parser(
        "first-screens", help="length of each topic's first screen per language (median, max)"
    )
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in passthrough:
        return passthrough[arguments[0]](arguments[1:])

    args = parser.parse_args(arguments)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "bench": _bench,
        "durability": _durability,
        "chat": _chat,
        "i18n": _i18n,
        "simulate-feedback": _simulate,
        "campaign": _campaign,
    }
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _campaign(args: argparse.Namespace) -> int:
    from devtools.campaign import run

    for line in run(args.seed):
        print(line)
    return 0


def _search_eval(argv: list[str]) -> int:
    from devtools.search_eval import main as search_eval

    return search_eval(argv)


def _scrubber_eval(argv: list[str]) -> int:
    from devtools.scrubber_eval import main as scrubber_eval

    return scrubber_eval(argv)


def _first_screens(argv: list[str]) -> int:
    from devtools.first_screens import main as first_screens

    return first_screens(argv)


def _bench(args: argparse.Namespace) -> int:
    from devtools.bench import run

    return run(args)


def _durability(args: argparse.Namespace) -> int:
    from devtools.durability import run

    return run(args)


# --- chat ---------------------------------------------------------------------------------------


def _chat(args: argparse.Namespace) -> int:
    from bot.privacy.logs import configure_logging

    configure_logging("WARNING")
    asyncio.run(_chat_session(args.language_code))
    return 0


async def _chat_session(language_code: str) -> None:
    from bot.app import running_bot
    from devtools.chat_terminal import run_terminal, stdin_lines
    from devtools.fake_telegram import FakeBotApi

    base = load_settings(require_token=False)
    with tempfile.TemporaryDirectory(prefix="bot-chat-") as data_dir:
        async with FakeBotApi() as api:
            settings = replace(
                base, token=api.token, api_base_url=api.base_url, data_dir=Path(data_dir)
            )
            async with running_bot(settings, poll_timeout=1) as application:
                user = api.new_user(first_name="You", language_code=language_code)
                print(
                    "Chatting with the bot. Type a message, a number to press a button, "
                    "Ctrl-D to quit.",
                    flush=True,
                )
                await run_terminal(
                    api,
                    user,
                    stdin_lines(),
                    sys.stdout,
                    echo_input=not sys.stdin.isatty(),
                    busy=lambda: bot_busy(application),
                )


def bot_busy(application: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """Updates waiting or in progress (a reply held by the rate limiter is in progress)."""
    processing = application.update_processor.current_concurrent_updates
    return processing > 0 or application.update_queue.qsize() > 0


# --- catalogs -----------------------------------------------------------------------------------


def _i18n(args: argparse.Namespace) -> int:
    """`update` re-extracts the template and merges it into the .po files; `check` fails when the
    committed template is stale or a language lacks a translation."""
    from devtools.catalogs import extract, find_gaps, is_current, update

    settings = load_settings(require_token=False)
    template = extract()
    if args.action == "update":
        update(settings.locale_dir, template)
    elif not is_current(settings.locale_dir, template):
        print("locale/bot.pot is out of date: run `python -m devtools i18n update`")
        return 1
    gaps = find_gaps(settings.locale_dir, template)
    for gap in gaps:
        print(gap)
    print(f"{len(template) - 1} UI strings, {len(gaps)} gap(s)")
    return 1 if gaps else 0


with_line_buffering = getattr(sys.stdout, "reconfigure", None)
if with_line_buffering is not None:  # pragma: no cover - only affects interactive terminals
    with_line_buffering(line_buffering=True)


def _simulate(args: argparse.Namespace) -> int:
    from devtools.simulate_feedback import run

    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        print(f"error: {out} is not empty", file=sys.stderr)
        return 2
    for line in run(out, args.residents, args.seed):
        print(line)
    return 0
