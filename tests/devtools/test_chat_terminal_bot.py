"""The terminal chat against the real bot: a long piped script loses no reply (issue 11).

The outgoing per-chat limiter (about one message a second after a burst of five) holds replies
inside their handlers; the terminal must wait for them before the next line, and before it ends.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.app import running_bot
from bot.config import Settings
from devtools.chat_terminal import run_terminal
from devtools.cli import bot_busy
from devtools.fake_telegram import FakeBotApi

SCRIPT = [
    "/start",
    "1",  # Svenska
    *["meny", "hjälp"] * 5,
    "/start sv-housing",
    "meny",
]


async def test_a_script_of_fourteen_lines_gets_every_reply_in_order(tmp_path: Path) -> None:
    out = io.StringIO()
    async with FakeBotApi() as api:
        settings = Settings(token=api.token, api_base_url=api.base_url, data_dir=tmp_path)
        async with running_bot(settings, poll_timeout=1) as application:
            user = api.new_user(first_name="You", language_code="sv")
            await run_terminal(
                api, user, SCRIPT, out, echo_input=True, busy=lambda: bot_busy(application)
            )
    transcript = out.getvalue()
    blocks = transcript.split("\n> ")
    assert len(blocks) == len(SCRIPT)
    replies = dict(enumerate(blocks))
    for index, line in enumerate(SCRIPT):
        block = replies[index]
        assert block.lstrip("> ").startswith(line), block
        if line == "meny":
            assert "Huvudmeny" in block, f"line {index + 1} ({line}) lost its reply"
        elif line == "hjälp":
            assert "Så använder du boten" in block, f"line {index + 1} ({line}) lost its reply"
    assert "Bostad" in replies[len(SCRIPT) - 2]
    assert "did not finish" not in transcript


def test_first_screens_command_meets_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    from devtools.cli import main

    assert main(["first-screens"]) == 0
    out = capsys.readouterr().out
    assert "target: at most 700 (met)" in out
    assert [line.split()[0] for line in out.splitlines()[1:4]] == ["sv", "rom", "fi"]
