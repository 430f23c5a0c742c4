import pytest

from bot.settings import DEFAULT_TRACKER_PATH, ConfigError
from bot.web.config import WebConfig


def test_defaults_from_an_empty_environment() -> None:
    config = WebConfig.from_env({})
    assert config.tracker_db_url == f"sqlite:///{DEFAULT_TRACKER_PATH}"
    assert config.database_url.endswith("var/collection.db")
    assert config.rasa_url == "http://localhost:5005"
    assert (config.port, config.host) == (8000, "127.0.0.1")
    assert config.secret_key is None
    assert config.secure_cookies is True  # secure unless WEB_DEV says local development
    assert config.trust_proxy is False
    assert config.rasa_token is None
    assert config.low_confidence == 0.6
    assert (config.login_max_failures, config.login_window_seconds) == (5, 900)
    assert (config.hash_concurrency, config.chat_rate_per_minute) == (2, 20)
    assert (config.chat_idle_seconds, config.max_body_bytes) == (900, 65536)
    assert (config.desk_webhook_url, config.desk_webhook_timeout) == (None, 5.0)


def test_reads_every_variable() -> None:
    config = WebConfig.from_env(
        {
            "DATABASE_URL": "postgresql+psycopg2://u@h/db",
            "TRACKER_DB_URL": "sqlite:////tmp/t.db",
            "RASA_URL": "http://rasa:5005/",
            "WEB_SECRET_KEY": "s3cret",
            "WEB_SECURE_COOKIES": "true",
            "WEB_LOW_CONFIDENCE": "0.75",
            "WEB_HOST": "0.0.0.0",
            "WEB_PORT": "8123",
            "RASA_TOKEN": "rasa-token",
            "WEB_TRUST_PROXY": "1",
            "WEB_LOGIN_MAX_FAILURES": "3",
            "WEB_LOGIN_WINDOW_MINUTES": "5",
            "WEB_HASH_CONCURRENCY": "4",
            "WEB_HASH_WAIT_SECONDS": "0.5",
            "WEB_CHAT_RATE_PER_MINUTE": "10",
            "WEB_CHAT_IDLE_MINUTES": "30",
            "WEB_MAX_BODY_KB": "32",
            "DESK_WEBHOOK_URL": "https://hooks.example/desk",
            "DESK_WEBHOOK_TIMEOUT_SECONDS": "2.5",
        }
    )
    assert config.desk_webhook_url == "https://hooks.example/desk"
    assert config.desk_webhook_timeout == 2.5
    assert config.database_url == "postgresql+psycopg2://u@h/db"
    assert config.tracker_db_url == "sqlite:////tmp/t.db"
    assert config.rasa_url == "http://rasa:5005"
    assert config.secret_key == "s3cret"
    assert config.secure_cookies is True
    assert config.low_confidence == 0.75
    assert (config.host, config.port) == ("0.0.0.0", 8123)
    assert (config.rasa_token, config.trust_proxy) == ("rasa-token", True)
    assert (config.login_max_failures, config.login_window_seconds) == (3, 300)
    assert (config.hash_concurrency, config.hash_wait_seconds) == (4, 0.5)
    assert (config.chat_rate_per_minute, config.chat_idle_seconds) == (10, 1800)
    assert config.max_body_bytes == 32 * 1024


@pytest.mark.parametrize(
    ("environ", "secure"),
    [
        ({}, True),
        ({"WEB_DEV": "1"}, False),
        ({"WEB_DEV": "1", "WEB_SECURE_COOKIES": "true"}, True),
        ({"WEB_DEV": "0"}, True),
        ({"WEB_SECURE_COOKIES": "false"}, False),
    ],
)
def test_cookies_are_secure_unless_local_development(environ, secure) -> None:
    assert WebConfig.from_env(environ).secure_cookies is secure


def test_every_variable_is_documented_in_the_table() -> None:
    import re
    from pathlib import Path

    import bot.web.config as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    read = set(re.findall(r'"((?:WEB|RASA|DATABASE|TRACKER|DESK)_[A-Z_]+)"', source))
    documented = set(re.findall(r"``([A-Z_]+)``", module.__doc__ or ""))
    assert read and read <= documented


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEB_PORT", "eighty"),
        ("WEB_PORT", "70000"),
        ("WEB_PORT", "0"),
        ("WEB_LOW_CONFIDENCE", "high"),
        ("WEB_LOW_CONFIDENCE", "1.5"),
        ("WEB_DEV", "maybe"),
        ("WEB_SECURE_COOKIES", "sometimes"),
        ("WEB_LOGIN_MAX_FAILURES", "0"),
        ("WEB_CHAT_RATE_PER_MINUTE", "lots"),
        ("WEB_MAX_BODY_KB", "1"),
        ("DESK_WEBHOOK_URL", "ftp://hooks.example/x"),
        ("DESK_WEBHOOK_URL", "hooks.example/x"),
        ("DESK_WEBHOOK_TIMEOUT_SECONDS", "0"),
    ],
)
def test_bad_values_are_refused_with_the_variable_name(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        WebConfig.from_env({name: value})
