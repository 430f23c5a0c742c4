import pytest

from bot.web.config import DEFAULT_TRACKER_PATH, ConfigError, WebConfig


def test_defaults_from_an_empty_environment() -> None:
    config = WebConfig.from_env({})
    assert config.tracker_db_url == f"sqlite:///{DEFAULT_TRACKER_PATH}"
    assert config.database_url.endswith("var/collection.db")
    assert config.rasa_url == "http://localhost:5005"
    assert (config.port, config.host) == (8000, "127.0.0.1")
    assert config.secret_key is None
    assert config.secure_cookies is False
    assert config.low_confidence == 0.6


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
        }
    )
    assert config.database_url == "postgresql+psycopg2://u@h/db"
    assert config.tracker_db_url == "sqlite:////tmp/t.db"
    assert config.rasa_url == "http://rasa:5005"
    assert config.secret_key == "s3cret"
    assert config.secure_cookies is True
    assert config.low_confidence == 0.75
    assert (config.host, config.port) == ("0.0.0.0", 8123)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEB_PORT", "eighty"),
        ("WEB_PORT", "70000"),
        ("WEB_PORT", "0"),
        ("WEB_LOW_CONFIDENCE", "high"),
        ("WEB_LOW_CONFIDENCE", "1.5"),
    ],
)
def test_bad_values_are_refused_with_the_variable_name(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        WebConfig.from_env({name: value})
