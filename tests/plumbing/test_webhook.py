"""Webhook settings are checked before anything starts, with one clear line per mistake."""

from __future__ import annotations

import dataclasses

import pytest

from bot.config import ConfigError, Settings
from bot.plumbing.webhook import ALLOWED_UPDATES, webhook_config

SECRET = "s3cret_TOKEN-value"


def _settings(**changes: object) -> Settings:
    base = Settings(
        token="1:x", webhook_url="https://bot.example.org/telegram", webhook_secret=SECRET
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_good_configuration() -> None:
    config = webhook_config(_settings())
    assert config.url == "https://bot.example.org/telegram"
    assert config.url_path == "telegram"  # the proxy forwards the same path
    assert (config.listen, config.port) == ("127.0.0.1", 8443)
    assert config.secret == SECRET
    assert SECRET not in repr(config)


def test_loopback_http_is_allowed_for_tests() -> None:
    config = webhook_config(_settings(webhook_url="http://127.0.0.1:50123/hook/"))
    assert config.url_path == "hook"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"webhook_url": None}, "BOT_WEBHOOK_URL is not set"),
        ({"webhook_url": "http://bot.example.org/telegram"}, "must start with https://"),
        ({"webhook_url": "ftp://bot.example.org/"}, "must start with https://"),
        ({"webhook_url": "https://bot.example.org:8080/x"}, "port must be 443, 80, 88 or 8443"),
        ({"webhook_url": "https://bot.example.org/x?a=1"}, "without ?, # or user"),
        ({"webhook_url": "https:///x"}, "no host name"),
        ({"webhook_url": "https://bot.example.org:99999/"}, "not a valid URL"),
        ({"webhook_secret": None}, "TELEGRAM_WEBHOOK_SECRET is not set"),
        ({"webhook_secret": "has space"}, "1-256 characters of A-Z a-z 0-9 _ -"),
        ({"webhook_secret": "x" * 257}, "1-256 characters"),
        ({"webhook_secret": "åäö"}, "1-256 characters"),
        ({"webhook_listen": " "}, "BOT_WEBHOOK_LISTEN is empty"),
        ({"webhook_port": 70000}, "BOT_WEBHOOK_PORT must be 1-65535"),
    ],
)
def test_each_mistake_gets_one_clear_line(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        webhook_config(_settings(**changes))
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_a_bad_secret_is_never_echoed() -> None:
    bad = "secret with spaces that must not be printed"
    with pytest.raises(ConfigError) as caught:
        webhook_config(_settings(webhook_secret=bad))
    assert bad not in str(caught.value)


def test_only_the_update_types_the_bot_handles() -> None:
    assert set(ALLOWED_UPDATES) == {"message", "callback_query"}
