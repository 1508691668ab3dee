from __future__ import annotations

import io
import logging
import stat
from pathlib import Path

from bot.privacy.keys import SECRET_FILE, UserKeys, load_or_create_secret
from bot.privacy.logs import configure_logging


def test_secret_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path)
    mode = stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode)
    assert mode == 0o600
    assert load_or_create_secret(tmp_path) == first
    assert load_or_create_secret(tmp_path, b"configured-secret-123") == b"configured-secret-123"


def test_user_keys_are_keyed_and_do_not_contain_the_id() -> None:
    a, b = UserKeys(b"a" * 32), UserKeys(b"b" * 32)
    assert a.key(123456789) == a.key(123456789)
    assert a.key(123456789) != b.key(123456789)
    assert a.key(123456789) != a.key(123456780)
    assert "123456789" not in a.key(123456789)


def test_token_never_reaches_the_log() -> None:
    token = "123456789:AAH-secret_token-value-abcdefghijklmn"
    stream = io.StringIO()
    configure_logging("DEBUG", token, stream)
    log = logging.getLogger("test")
    log.info("calling https://api.telegram.org/bot%s/getUpdates", token)
    other = "987654321:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
    try:
        raise RuntimeError(f"failed for {other}")
    except RuntimeError:
        log.exception("boom")
    logging.getLogger("httpx").info("HTTP Request: POST https://x/bot%s/sendMessage", token)
    output = stream.getvalue()
    assert token not in output and other not in output
    assert output.count("[token]") >= 2
    assert "HTTP Request" not in output  # httpx is held at WARNING
    assert all(line.startswith("ts=") for line in output.splitlines() if "level=" in line)


def test_library_debug_logs_stay_off_even_at_debug_level() -> None:
    # python-telegram-bot logs conversation keys (chat and user ids) at DEBUG.
    configure_logging("DEBUG", None, io.StringIO())
    assert not logging.getLogger("telegram.ext.ConversationHandler").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("bot").isEnabledFor(logging.DEBUG)
