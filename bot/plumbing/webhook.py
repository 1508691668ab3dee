"""Webhook mode settings, checked before anything starts: one clear line per mistake.

Production layout: Telegram posts to BOT_WEBHOOK_URL (https, on port 443, 80, 88 or 8443); a
reverse proxy (nginx, Caddy) terminates TLS and forwards the same path to the bot listening on
BOT_WEBHOOK_LISTEN:BOT_WEBHOOK_PORT (default 127.0.0.1:8443, plain http). Telegram sends
TELEGRAM_WEBHOOK_SECRET in the X-Telegram-Bot-Api-Secret-Token header of every request; a
request without it, or with another value, is refused with 403 and never processed. The
library's server reads a body before it checks the header, so bodies are capped at
`MAX_BODY_BYTES` (`cap_body_size`; review F12), and the proxy should cap them too.

Plain http is accepted only for a loopback URL (tests, a local fake Bot API).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from telegram import Update

from bot.config import ConfigError, Settings

#: The update types the bot handles, in both modes. Telegram does not even send the others.
ALLOWED_UPDATES: tuple[str, ...] = (Update.MESSAGE, Update.CALLBACK_QUERY)

#: Largest webhook body read (Telegram's updates are a few kilobytes; tornado's default is 100 MB).
MAX_BODY_BYTES = 1024 * 1024

#: Ports Telegram posts webhooks to.
TELEGRAM_WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    listen: str
    port: int
    #: The public URL registered with Telegram.
    url: str
    #: The path the local server answers on (the public URL's path; the proxy keeps it).
    url_path: str
    secret: str = ""

    def __repr__(self) -> str:  # never print the secret
        return (
            f"WebhookConfig(listen={self.listen!r}, port={self.port}, url={self.url!r}, "
            f"url_path={self.url_path!r}, secret=[redacted])"
        )


def webhook_config(settings: Settings) -> WebhookConfig:
    """Validate the webhook settings; raise ConfigError with a one-line message."""
    url = (settings.webhook_url or "").strip()
    if not url:
        raise ConfigError(
            "BOT_WEBHOOK_URL is not set: webhook mode needs the public https URL Telegram "
            "posts to, e.g. https://bot.example.org/telegram"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        url_port = parts.port
    except ValueError:
        raise ConfigError(f"BOT_WEBHOOK_URL is not a valid URL: {url}") from None
    host = parts.hostname or ""
    loopback = host in _LOOPBACK
    if not host:
        raise ConfigError(f"BOT_WEBHOOK_URL has no host name: {url}")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ConfigError(
            f"BOT_WEBHOOK_URL must start with https:// (Telegram posts only to https), got {url}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"BOT_WEBHOOK_URL must be a plain URL without ?, # or user: {url}")
    if not loopback and url_port is not None and url_port not in TELEGRAM_WEBHOOK_PORTS:
        raise ConfigError(
            f"BOT_WEBHOOK_URL port must be 443, 80, 88 or 8443 (Telegram's rule), got {url_port}"
        )
    secret = settings.webhook_secret or ""
    if not secret:
        raise ConfigError(
            "TELEGRAM_WEBHOOK_SECRET is not set: webhook mode needs it so that only Telegram "
            f"can post updates; generate one with: {_GENERATE}"
        )
    if not _SECRET.fullmatch(secret):
        raise ConfigError(
            "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ - "
            f"(got {len(secret)} characters); generate one with: {_GENERATE}"
        )
    listen = settings.webhook_listen.strip()
    if not listen:
        raise ConfigError("BOT_WEBHOOK_LISTEN is empty: use 127.0.0.1 behind a reverse proxy")
    if not 0 < settings.webhook_port < 65536:
        raise ConfigError(f"BOT_WEBHOOK_PORT must be 1-65535, got {settings.webhook_port}")
    return WebhookConfig(
        listen=listen,
        port=settings.webhook_port,
        url=url,
        url_path=parts.path.strip("/"),
        secret=secret,
    )


def cap_body_size(updater: object, limit: int = MAX_BODY_BYTES) -> bool:
    """Cap the body size of python-telegram-bot's webhook server (tornado) for new connections.

    The library offers no setting for it, so this reaches into its server object; if that ever
    changes shape, nothing is capped and False is returned (the caller logs it, and the proxy's
    own cap remains the protection).
    """
    server = getattr(getattr(updater, "_httpd", None), "_http_server", None)
    params = getattr(server, "conn_params", None)
    if params is None or not hasattr(params, "max_body_size"):
        return False
    params.max_body_size = limit  # read by every new connection (tornado's HTTP1Connection)
    return True
