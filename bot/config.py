"""Settings from the environment, optionally a TOML file (`BOT_CONFIG`); the environment wins."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


@dataclass(frozen=True, slots=True)
class BridgeBuilder:
    """A bridge-builder (brobyggare): a Telegram user id, their municipality, a display name."""

    user_id: int
    municipality: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated settings. The token and both secrets stay out of `repr` (and so out of any log
    line or traceback that prints the settings or the services holding them)."""

    token: str = field(repr=False)
    api_base_url: str = TELEGRAM_API_BASE_URL
    data_dir: Path = Path("data")
    content_dir: Path = REPO_ROOT / "content"
    locale_dir: Path = REPO_ROOT / "locale"
    #: HMAC key for user keys; None means "generate once into `secret_path`".
    secret: bytes | None = field(default=None, repr=False)
    #: Where the generated HMAC key lives; None: `<data dir>-key/secret.key`, outside the data
    #: directory so that copies of it and database backups never carry the key.
    secret_file: Path | None = None
    #: Who runs the bot, as residents should read it (e.g. "Haninge kommun"): shown in the bot's
    #: description, the first greeting card and /privacy.
    operator_name: str = ""
    #: Language and municipality choices are forgotten after this many days without use.
    preference_ttl_days: int = 180
    #: Feedback free text is deleted after this many months; counts stay.
    feedback_retention_months: int = 24
    source_max_age_days: int = 365
    staff_ids: frozenset[int] = field(default_factory=frozenset)
    #: Staff ids with the municipalities whose data they may see; () means all. BOT_STAFF:
    #: "<id>:<municipality>|<municipality>,<id>:all". Ids only in BOT_STAFF_IDS see all.
    staff_scopes: tuple[tuple[int, tuple[str, ...]], ...] = field(default=(), repr=False)
    #: Municipality ids offered to residents; empty means every municipality in the content.
    municipalities: tuple[str, ...] = ()
    log_level: str = "INFO"
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_url: str | None = None
    #: Bridge-builders by Telegram user id (BOT_BRIDGE_BUILDERS=<id>:<municipality>[:<name>],...).
    bridge_builders: tuple[BridgeBuilder, ...] = ()
    #: Each municipality's bridge-builder group (BOT_BRIDGE_BUILDER_CHATS=<municipality>:<chat>).
    bridge_builder_chats: dict[str, int] = field(default_factory=dict)
    #: An anonymous question (case) closes after this many days without a message.
    case_inactivity_days: int = 14
    #: Key for the case records' chat link; None: generated once into `case_key_path`, outside
    #: the data dir like the HMAC key (see bot/cases/seal.py).
    case_key: bytes | None = field(default=None, repr=False)
    webhook_secret: str | None = field(default=None, repr=False)
    #: The built content and search index, by content version; None: the data dir's cache/.
    cache_dir: Path | None = None

    @property
    def content_cache_dir(self) -> Path:
        """Where the built library and search index are kept between starts (bot/prebuilt.py)."""
        return self.cache_dir if self.cache_dir is not None else self.data_dir / "cache"

    def __post_init__(self) -> None:
        mapped = frozenset(staff_id for staff_id, _ in self.staff_scopes)
        object.__setattr__(self, "staff_ids", self.staff_ids | mapped)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "bot.sqlite3"

    def staff_scope(self, user_id: int) -> frozenset[str] | None:
        """The municipalities a staff member may see; None means all. KeyError if not staff."""
        if user_id not in self.staff_ids:
            raise KeyError("not staff")
        for staff_id, municipalities in self.staff_scopes:
            if staff_id == user_id:
                return frozenset(municipalities) if municipalities else None
        return None

    def bridge_builder(self, user_id: int) -> BridgeBuilder | None:
        return next((b for b in self.bridge_builders if b.user_id == user_id), None)

    @property
    def case_key_path(self) -> Path:
        return self.secret_path.with_name("case.key")

    @property
    def secret_path(self) -> Path:
        if self.secret_file is not None:
            return self.secret_file
        return self.data_dir.with_name(self.data_dir.name + "-key") / "secret.key"


_ENV_KEYS: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "token",
    "TELEGRAM_API_BASE_URL": "api_base_url",
    "BOT_DATA_DIR": "data_dir",
    "BOT_CACHE_DIR": "cache_dir",
    "BOT_CONTENT_DIR": "content_dir",
    "BOT_LOCALE_DIR": "locale_dir",
    "BOT_SECRET": "secret",
    "BOT_SECRET_FILE": "secret_file",
    "BOT_OPERATOR_NAME": "operator_name",
    "BOT_PREFERENCE_TTL_DAYS": "preference_ttl_days",
    "BOT_FEEDBACK_RETENTION_MONTHS": "feedback_retention_months",
    "BOT_SOURCE_MAX_AGE_DAYS": "source_max_age_days",
    "BOT_STAFF_IDS": "staff_ids",
    "BOT_STAFF": "staff_scopes",
    "BOT_MUNICIPALITIES": "municipalities",
    "BOT_LOG_LEVEL": "log_level",
    "BOT_WEBHOOK_LISTEN": "webhook_listen",
    "BOT_WEBHOOK_PORT": "webhook_port",
    "BOT_WEBHOOK_URL": "webhook_url",
    "TELEGRAM_WEBHOOK_SECRET": "webhook_secret",
    "BOT_BRIDGE_BUILDERS": "bridge_builders",
    "BOT_BRIDGE_BUILDER_CHATS": "bridge_builder_chats",
    "BOT_CASE_INACTIVITY_DAYS": "case_inactivity_days",
    "BOT_CASE_KEY": "case_key",
}


def load_settings(
    environ: Mapping[str, str] | None = None, *, require_token: bool = True
) -> Settings:
    """Merge the optional TOML file and the environment into validated Settings."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    config_path = env.get("BOT_CONFIG")
    if config_path:
        try:
            with open(config_path, "rb") as handle:
                file_values = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read BOT_CONFIG file {config_path}: {exc}") from None
        known = set(_ENV_KEYS.values())
        unknown = sorted(set(file_values) - known)
        if unknown:
            raise ConfigError(f"unknown setting(s) in {config_path}: {', '.join(unknown)}")
        raw.update(file_values)
    for env_name, key in _ENV_KEYS.items():
        if env.get(env_name):
            raw[key] = env[env_name]
    token = str(raw.pop("token", "")).strip()
    if require_token and not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it"
        )
    try:
        return Settings(token=token, **{key: _coerce(key, value) for key, value in raw.items()})
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid setting: {exc}") from None


def _coerce(key: str, value: Any) -> Any:
    if key in {"data_dir", "content_dir", "locale_dir", "secret_file", "cache_dir"}:
        return Path(str(value))
    if key in {
        "preference_ttl_days",
        "feedback_retention_months",
        "source_max_age_days",
        "webhook_port",
        "case_inactivity_days",
    }:
        number = int(value)
        if number <= 0:
            raise ValueError(f"{key} must be positive, got {number}")
        return number
    if key == "secret":
        secret = str(value).encode()
        if len(secret) < 16:
            raise ValueError("BOT_SECRET must be at least 16 characters")
        return secret
    if key == "case_key":
        case_key = str(value).encode()
        if len(case_key) < 32:
            raise ValueError("BOT_CASE_KEY must be at least 32 characters")
        return case_key
    if key == "bridge_builders":
        return _bridge_builders(value)
    if key == "bridge_builder_chats":
        return _bridge_builder_chats(value)
    if key == "staff_ids":
        items = value if isinstance(value, list) else str(value).split(",")
        try:
            return frozenset(int(str(item).strip()) for item in items if str(item).strip())
        except ValueError:
            raise ValueError("BOT_STAFF_IDS must be comma-separated Telegram user ids") from None
    if key == "staff_scopes":
        return _staff_scopes(value)
    if key == "municipalities":
        items = value if isinstance(value, list) else str(value).split(",")
        return tuple(str(item).strip() for item in items if str(item).strip())
    if key == "log_level":
        level = str(value).upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {value}")
        return level
    if key == "api_base_url":
        url = str(value)
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"TELEGRAM_API_BASE_URL must be an http(s) URL, got {url}")
        return url
    if key == "operator_name":
        name = " ".join(str(value).split())
        if len(name) > 60 or any(c in name for c in "<>&"):
            raise ValueError("BOT_OPERATOR_NAME must be at most 60 characters, without < > &")
        return name
    return str(value)


def _staff_scopes(value: Any) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """BOT_STAFF: "4242:haninge|huddinge,5151:all" (a TOML list of such strings works too)."""
    items = value if isinstance(value, list) else str(value).split(",")
    scopes: dict[int, tuple[str, ...]] = {}
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        staff_id, separator, names = item.partition(":")
        municipalities = tuple(n.strip() for n in names.split("|") if n.strip())
        try:
            number = int(staff_id.strip())
        except ValueError:
            raise ValueError(
                "BOT_STAFF must be <id>:<municipality>|<municipality> or <id>:all, comma-separated"
            ) from None
        if not separator or not municipalities:
            raise ValueError("BOT_STAFF: give each staff id municipalities or 'all'")
        scopes[number] = () if "all" in municipalities else municipalities
    return tuple(sorted(scopes.items()))


def _items(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _bridge_builders(value: Any) -> tuple[BridgeBuilder, ...]:
    """`<user id>:<municipality>[:<display name>]`, comma-separated (a TOML list too)."""
    builders: dict[int, BridgeBuilder] = {}
    for item in _items(value):
        user, _, rest = item.partition(":")
        municipality, _, name = rest.partition(":")
        try:
            user_id = int(user.strip())
        except ValueError:
            user_id = 0
        if user_id <= 0 or not municipality.strip():
            raise ValueError(
                "BOT_BRIDGE_BUILDERS must be <user id>:<municipality id>[:<name>], comma-separated"
            )
        builders[user_id] = BridgeBuilder(user_id, municipality.strip(), name.strip() or None)
    return tuple(builders.values())


def _bridge_builder_chats(value: Any) -> dict[str, int]:
    """`<municipality>:<chat id>`, comma-separated (a TOML table or list too); ids are < 0."""
    pairs = list(value.items()) if isinstance(value, dict) else []
    for item in [] if isinstance(value, dict) else _items(value):
        municipality, _, chat = item.rpartition(":")
        pairs.append((municipality, chat))
    chats: dict[str, int] = {}
    for municipality, chat in pairs:
        try:
            chat_id = int(str(chat).strip())
        except ValueError:
            chat_id = 0
        if chat_id >= 0 or not str(municipality).strip():
            raise ValueError(
                "BOT_BRIDGE_BUILDER_CHATS must be <municipality id>:<group chat id> (negative)"
            )
        chats[str(municipality).strip()] = chat_id
    return chats
