"""The commands an operator types, run as they would be: in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import REPO_ROOT


def _run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, module: str = "bot"
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**clean, **(env or {})},
        timeout=120,
        check=False,
    )


def test_run_without_token_says_so_in_one_line() -> None:
    result = _run("run")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_chat_transcript_from_the_readme() -> None:
    result = _run("chat", stdin="/start\n2\n1\n", module="devtools")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] Svenska" in out and "[2] Romani chib" in out and "[3] Suomi" in out
    assert "Baro menu" in out  # pressing 2 chose Romani chib and showed its menu
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_shipped_content() -> None:
    result = _run("check")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "content is ready" in result.stdout


def test_the_server_commands_load_no_development_tooling() -> None:
    """`import bot.cli` and building every server command's parser import nothing of devtools,
    and no module of the shipped package imports devtools at all."""
    probe = (
        "import sys, bot.cli, bot.app\n"
        "try:\n    bot.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'devtools'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO_ROOT, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
