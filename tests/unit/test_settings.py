import datetime as dt
import re
from pathlib import Path

import pytest

import bot.settings as module
from bot import settings
from bot.settings import (
    DEFAULT_DATABASE_PATH,
    DEFAULT_POLICY_PATH,
    DEFAULT_SCRIPTS_DIR,
    DEFAULT_TRACKER_PATH,
    REPO_ROOT,
    ConfigError,
    Settings,
)


def test_defaults_from_an_empty_environment() -> None:
    defaults = Settings.from_env({})
    assert defaults == Settings()
    assert defaults.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'collection.db'}"
    assert defaults.tracker_db_url == f"sqlite:///{DEFAULT_TRACKER_PATH}"
    assert DEFAULT_DATABASE_PATH == REPO_ROOT / "var" / "collection.db"
    assert defaults.policy_file == DEFAULT_POLICY_PATH == REPO_ROOT / "policy.yml"
    assert defaults.scripts_dir == DEFAULT_SCRIPTS_DIR == REPO_ROOT / "scripts_library"
    assert DEFAULT_POLICY_PATH.is_file() and DEFAULT_SCRIPTS_DIR.is_dir()
    assert (defaults.today, defaults.client_key_secret) == (None, None)
    assert defaults.rasa_patches_off == frozenset()


def test_reads_every_variable(tmp_path: Path) -> None:
    read = Settings.from_env(
        {
            "DATABASE_URL": " postgresql+psycopg2://someone@db/collection ",
            "TRACKER_DB_URL": "sqlite:////tmp/t.db",
            "POLICY_FILE": str(tmp_path / "policy.yml"),
            "SCRIPTS_DIR": str(tmp_path),
            "BOT_TODAY": "2026-11-30",
            "CLIENT_KEY_SECRET": " key ",
            "RASA_PATCHES_OFF": "stored_events, endpoint_session,",
        }
    )
    assert read.database_url == "postgresql+psycopg2://someone@db/collection"
    assert read.tracker_db_url == "sqlite:////tmp/t.db"
    assert (read.policy_file, read.scripts_dir) == (tmp_path / "policy.yml", tmp_path)
    assert read.today == dt.date(2026, 11, 30)
    assert read.client_key_secret == " key "  # a key is used as given
    assert read.rasa_patches_off == {"stored_events", "endpoint_session"}


def test_blank_values_fall_back_to_the_defaults() -> None:
    names = ("DATABASE_URL", "TRACKER_DB_URL", "POLICY_FILE", "SCRIPTS_DIR", "BOT_TODAY")
    assert Settings.from_env(dict.fromkeys(names, "  ")) == Settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_TODAY", "tomorrow"),
        ("BOT_TODAY", "03/02/2030"),
        ("BOT_TODAY", "2030-02-30"),
        ("DATABASE_URL", "not a url"),
        ("TRACKER_DB_URL", "://nothing"),
    ],
)
def test_bad_values_are_refused_with_the_variable_name(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_a_bad_url_is_not_repeated_in_the_error() -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"DATABASE_URL": "postgresql://user:hunter2@host:port/db"})
    assert "hunter2" not in str(raised.value)


def test_the_secret_is_not_in_the_repr() -> None:
    assert "s3cret" not in repr(Settings.from_env({"CLIENT_KEY_SECRET": "s3cret"}))


def test_current_reads_the_environment_once_and_reset_reads_it_again(monkeypatch) -> None:
    monkeypatch.setenv("BOT_TODAY", "2030-02-03")
    settings.reset()
    try:
        assert settings.current().today == dt.date(2030, 2, 3)
        monkeypatch.setenv("BOT_TODAY", "2030-02-04")
        assert settings.current().today == dt.date(2030, 2, 3)
        settings.reset()
        assert settings.current().today == dt.date(2030, 2, 4)
    finally:
        monkeypatch.undo()
        settings.reset()


def test_override_replaces_fields_inside_the_block_only() -> None:
    before = settings.current()
    with settings.override(today=dt.date(2026, 1, 5)) as inside:
        assert settings.current() is inside
        assert inside.today == dt.date(2026, 1, 5)
        assert inside.database_url == before.database_url
    assert settings.current() is before


def test_every_variable_is_documented_in_the_table() -> None:
    source = Path(module.__file__).read_text(encoding="utf-8")
    read = set(re.findall(r'"([A-Z][A-Z_]+_[A-Z_]+)"', source))
    documented = set(re.findall(r"``([A-Z_]+)``", module.__doc__ or ""))
    assert {"DATABASE_URL", "SCRIPTS_DIR", "CLIENT_KEY_SECRET"} <= read <= documented


def test_a_push_channel_is_enabled_by_its_own_token_and_only_that_is_kept() -> None:
    assert Settings.from_env({}).push_channels == frozenset()
    read = Settings.from_env({"WECHAT_TOKEN": "abc123", "TELEGRAM_TOKEN": "  "})
    assert read.push_channels == {"wechat"}
    both = {"WECHAT_TOKEN": "abc123", "TELEGRAM_TOKEN": "42:xyz"}
    assert settings.enabled_push_channels(both) == {"wechat", "telegram"}
    assert "abc123" not in repr(Settings.from_env(both))  # the tokens themselves are not kept


def test_rasa_url_has_one_parser() -> None:
    assert settings.rasa_url({}) == "http://localhost:5005"
    assert settings.rasa_url({"RASA_URL": " http://rasa:5005/ "}) == "http://rasa:5005"
