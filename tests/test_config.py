from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import TELEGRAM_API_BASE_URL, ConfigError, load_settings


def test_missing_token_is_one_clear_line() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({})
    assert "TELEGRAM_BOT_TOKEN" in str(raised.value) and "\n" not in str(raised.value)


def test_defaults_and_environment() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert settings.api_base_url == TELEGRAM_API_BASE_URL
    assert settings.data_dir == Path("data")
    env = {
        "TELEGRAM_BOT_TOKEN": "1:abc",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        "BOT_DATA_DIR": "/srv/bot",
        "BOT_STAFF_IDS": "11, 22",
        "BOT_MUNICIPALITIES": "malmo,haninge",
    }
    settings = load_settings(env)
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.database_path == Path("/srv/bot/bot.sqlite3")
    assert settings.staff_ids == frozenset({11, 22})
    assert settings.municipalities == ("malmo", "haninge")


def test_config_file_is_overridden_by_environment(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('data_dir = "/from/file"\nlog_level = "debug"\n', encoding="utf-8")
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": "1:x", "BOT_CONFIG": str(config), "BOT_DATA_DIR": "/from/env"}
    )
    assert settings.data_dir == Path("/from/env")
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"BOT_STAFF_IDS": "abc"}, "BOT_STAFF_IDS"),
        ({"BOT_PREFERENCE_TTL_DAYS": "-1"}, "positive"),
        ({"BOT_SECRET": "short"}, "BOT_SECRET"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "http"),
        ({"BOT_LOG_LEVEL": "LOUD"}, "BOT_LOG_LEVEL"),
    ],
)
def test_bad_values_are_clear_errors(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        load_settings({"TELEGRAM_BOT_TOKEN": "1:x", **env})


def test_unknown_key_in_config_file(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("colour = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="colour"):
        load_settings({"TELEGRAM_BOT_TOKEN": "1:x", "BOT_CONFIG": str(config)})


def test_token_and_secrets_are_in_no_repr(library: object, translators: object) -> None:
    from bot.config import Settings
    from bot.privacy.keys import UserKeys
    from bot.services import Services

    token = "123456:AAH-secret-token-value"
    secret = b"hmac-secret-0123456789abcdef"
    hook_secret = "webhook-secret-token_42"
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": token,
            "BOT_SECRET": secret.decode(),
            "TELEGRAM_WEBHOOK_SECRET": hook_secret,
        }
    )
    assert settings.token == token and settings.secret == secret
    services = Services(
        settings=settings,
        library=library,  # type: ignore[arg-type]
        translators=translators,  # type: ignore[arg-type]
        db=object(),  # type: ignore[arg-type]
        keys=UserKeys(secret),
        search=object(),  # type: ignore[arg-type]
    )
    for shown in (repr(settings), str(settings), f"{settings!r}", repr([settings]), repr(services)):
        assert "Settings(" in shown
        for value in (token, "AAH-secret", secret.decode(), str(secret), hook_secret):
            assert value not in shown
    # The values are still there for the code that needs them.
    assert Settings(token=token).token == token


def test_bridge_builders_and_their_groups() -> None:
    from bot.config import BridgeBuilder

    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "1:abc",
            "BOT_BRIDGE_BUILDERS": "501:haninge:Brobyggare Haninge, 502:malmo",
            "BOT_BRIDGE_BUILDER_CHATS": "haninge:-1001234567890,malmo:-4321",
            "BOT_CASE_INACTIVITY_DAYS": "7",
        }
    )
    assert settings.bridge_builders == (
        BridgeBuilder(501, "haninge", "Brobyggare Haninge"),
        BridgeBuilder(502, "malmo"),
    )
    assert settings.bridge_builder(502) == BridgeBuilder(502, "malmo")
    assert settings.bridge_builder(503) is None
    assert settings.bridge_builder_chats == {"haninge": -1001234567890, "malmo": -4321}
    assert settings.case_inactivity_days == 7
    assert "case_key" not in repr(settings) or "b'" not in repr(settings).split("case_key")[1][:5]


def test_bridge_builders_from_toml(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        'bridge_builders = ["501:haninge:Brobyggare Haninge"]\n'
        "[bridge_builder_chats]\nhaninge = -1001234567890\n",
        encoding="utf-8",
    )
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "1:abc", "BOT_CONFIG": str(config)})
    assert settings.bridge_builders[0].name == "Brobyggare Haninge"
    assert settings.bridge_builder_chats == {"haninge": -1001234567890}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_BRIDGE_BUILDERS", "haninge:501"),
        ("BOT_BRIDGE_BUILDERS", "501"),
        ("BOT_BRIDGE_BUILDER_CHATS", "haninge:1234"),
        ("BOT_BRIDGE_BUILDER_CHATS", "-1234"),
        ("BOT_CASE_INACTIVITY_DAYS", "0"),
        ("BOT_CASE_KEY", "short"),
    ],
)
def test_bad_bridge_settings_fail_in_one_line(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({"TELEGRAM_BOT_TOKEN": "1:abc", name: value})
    assert "\n" not in str(raised.value)


def test_staff_mapped_to_municipalities() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "1:x",
            "BOT_STAFF_IDS": "11",
            "BOT_STAFF": "22:haninge, 33:huddinge|stockholm,44:all",
        }
    )
    assert settings.staff_ids == frozenset({11, 22, 33, 44})
    assert settings.staff_scope(11) is None  # BOT_STAFF_IDS alone: every municipality
    assert settings.staff_scope(22) == frozenset({"haninge"})
    assert settings.staff_scope(33) == frozenset({"huddinge", "stockholm"})
    assert settings.staff_scope(44) is None
    with pytest.raises(KeyError):
        settings.staff_scope(55)
    assert "22" not in repr(settings.staff_scopes) or "staff_scopes" not in repr(settings)


@pytest.mark.parametrize("value", ["22", "x:haninge", "22:", "22:|"])
def test_bad_staff_mapping_is_a_clear_error(value: str) -> None:
    with pytest.raises(ConfigError, match="BOT_STAFF"):
        load_settings({"TELEGRAM_BOT_TOKEN": "1:x", "BOT_STAFF": value})
