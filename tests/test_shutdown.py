"""`python -m bot run` as a process: SIGTERM finishes the update in hand and closes the database
cleanly; SIGHUP reloads content. The bot talks to a fake Bot API started by the test."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from devtools.fake_telegram import FakeBotApi

STARTUP_TIMEOUT = 60.0


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    log_path: Path
    data_dir: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    async def wait_for_log(self, text: str, seconds: float = 30.0) -> None:
        try:
            await _until(lambda: text in self.log, seconds, f"log line {text!r}")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the log so far:\n{self.log}") from None


async def _until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll a file or the fake (neither has an event to wait on) until `condition` holds."""
    try:
        async with asyncio.timeout(seconds):
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"waited {seconds} s in vain for {what}") from None


#: Each test starts the bot as a process (imports, content, catalogs): seconds each.
pytestmark = pytest.mark.slow


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


async def _start(api: FakeBotApi, tmp_path: Path, run_args: str = "", **env: str) -> BotProcess:
    data_dir = tmp_path / "data"
    log_path = tmp_path / "bot.log"
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "BOT_DATA_DIR": str(data_dir),
        "BOT_LOG_LEVEL": "INFO",
        **env,
    }
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *run_args.split(),
            cwd=REPO_ROOT,
            env=environment,
            stdout=log_file,
            stderr=log_file,
        )
    bot = BotProcess(process, log_path, data_dir)
    try:
        await bot.wait_for_log("bot started", seconds=STARTUP_TIMEOUT)
        await _until(
            lambda: api.last_get_updates is not None or bool(api.webhook_url), 10, "first fetch"
        )
    except BaseException:
        process.kill()
        await process.wait()
        raise
    return bot


async def _stop(bot: BotProcess, signum: signal.Signals = signal.SIGTERM) -> int:
    bot.process.send_signal(signum)
    try:
        async with asyncio.timeout(30):
            return await bot.process.wait()
    except TimeoutError:
        bot.process.kill()
        await bot.process.wait()
        raise AssertionError(f"the bot did not stop within 30 s:\n{bot.log}") from None


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_finishes_the_update_in_hand_and_closes_the_database(
    api: FakeBotApi, tmp_path: Path, signum: signal.Signals
) -> None:
    bot = await _start(api, tmp_path)
    person = api.new_user(first_name="Zlatana", username="zlatana_k")
    # A deep link with a source tag: a counter row in a transaction, a buffered topic view,
    # then the reply. Telegram answers the reply with 429 once, so the update is still in hand
    # (waiting to retry) when the signal arrives.
    api.fail_next("sendMessage", retry_after=1)
    api.send_text(person, "/start sv-housing_poster1")
    await _until(
        lambda: any(r.method == "sendMessage" for r in api.requests), 20, "the first sendMessage"
    )
    assert api.messages_in(person.chat_id) == []  # the reply has not gone out yet
    code = await _stop(bot, signum)

    log = bot.log
    assert code == 0, log
    reply = api.last_message(person.chat_id)
    assert reply is not None, f"the update in hand was dropped:\n{log}"
    assert f"{signum.name} received: stopping" in log
    assert "counters flushed, database closed" in log
    assert "stopped cleanly" in log
    assert log.index("counters flushed") < log.index("stopped cleanly")
    assert "Traceback" not in log and "level=ERROR" not in log and "level=CRITICAL" not in log
    for secret in (api.token, "Zlatana", "zlatana_k", str(person.id)):
        assert secret not in log

    with sqlite3.connect(bot.data_dir / "bot.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT tag, count FROM deeplink_counts").fetchall() == [("poster1", 1)]
        # The topic view was buffered in memory: only the clean shutdown wrote it.
        views = db.execute("SELECT topic_id, lang, count FROM topic_views").fetchall()
        assert views == [("housing", "sv", 1)]
    assert not (bot.data_dir / "bot.sqlite3-wal").exists() or (
        (bot.data_dir / "bot.sqlite3-wal").stat().st_size == 0
    )


async def test_every_log_line_is_one_logfmt_event(api: FakeBotApi, tmp_path: Path) -> None:
    bot = await _start(api, tmp_path)
    person = api.new_user()
    api.send_text(person, "/start")
    await api.wait_for_message(person.chat_id, timeout=20)
    assert await _stop(bot) == 0
    lines = [line for line in bot.log.splitlines() if line.strip()]
    assert lines
    for line in lines:
        assert line.startswith("ts=") and " level=" in line and ' msg="' in line, line
    assert not any("HTTP Request" in line for line in lines)  # httpx URLs carry the token


async def test_sighup_reloads_content_and_refuses_a_broken_change(
    api: FakeBotApi, tmp_path: Path, content_copy: Path
) -> None:
    bot = await _start(api, tmp_path, BOT_CONTENT_DIR=str(content_copy))
    bot.process.send_signal(signal.SIGHUP)
    await bot.wait_for_log("content reloaded: topics=")
    (content_copy / "fi" / "housing.yaml").unlink()
    bot.process.send_signal(signal.SIGHUP)
    await bot.wait_for_log("content reload refused, running content kept")
    # Still serving, with the content it had.
    person = api.new_user(language_code="fi")
    api.send_text(person, "/start fi-housing")
    reply = await api.wait_for_message(person.chat_id, timeout=20)
    assert reply.plain
    assert await _stop(bot) == 0


async def test_webhook_mode_as_a_process(api: FakeBotApi, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bot = await _start(
        api,
        tmp_path,
        BOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        BOT_WEBHOOK_PORT=str(port),
        TELEGRAM_WEBHOOK_SECRET="process_secret-1",
        run_args="--webhook",
    )
    assert api.webhook_url == f"http://127.0.0.1:{port}/telegram"
    assert "bot started: webhook on 127.0.0.1:" in bot.log
    assert "process_secret-1" not in bot.log
    person = api.new_user()
    api.send_text(person, "/start")
    greeting = await api.wait_for_message(person.chat_id, timeout=20)
    assert greeting.button_texts == ["Svenska", "Romani chib", "Suomi"]
    assert await _stop(bot) == 0
    assert "stopped cleanly" in bot.log


async def test_webhook_settings_are_checked_before_anything_starts(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "BOT_WEBHOOK_URL": "http://bot.example.org/telegram",
        "TELEGRAM_WEBHOOK_SECRET": "abc",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--webhook",
        cwd=REPO_ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 2
    assert err.decode().strip().splitlines() == [
        "error: BOT_WEBHOOK_URL must start with https:// (Telegram posts only to https), "
        "got http://bot.example.org/telegram"
    ]
    assert not (tmp_path / "data").exists()  # nothing was started or created
