"""Settings of the bot's own code, read once from the environment and validated.

The action server, the Rasa server's custom components and patches, the web app's shared parts
(policy, scripts, clock) and the command-line tools all read these through :func:`current`:

| variable | default | meaning |
|---|---|---|
| ``DATABASE_URL`` | ``sqlite:///<repo>/var/collection.db`` | our database, any SQLAlchemy URL |
| ``TRACKER_DB_URL`` | ``sqlite:///<repo>/var/rasa_tracker.db`` | Rasa's SQL tracker store |
| ``POLICY_FILE`` | ``<repo>/policy.yml`` | the issuer policy (numbers, time zone, quiet hours) |
| ``SCRIPTS_DIR`` | ``<repo>/scripts_library`` | the approved scripts library |
| ``BOT_TODAY`` | unset (the real date) | ``YYYY-MM-DD``: pins the date, for reproducible tests |
| ``CLIENT_KEY_SECRET`` | random per process, with a warning | key of the per-client hash |
| ``RASA_PATCHES_OFF`` | unset | Rasa patches to leave out, comma-separated (benchmarks) |
| ``WECHAT_TOKEN``, ``TELEGRAM_TOKEN`` | unset | set: that push channel is on (outreach uses it) |

Only whether ``WECHAT_TOKEN`` and ``TELEGRAM_TOKEN`` are set is kept
(:func:`enabled_push_channels`): the same variables enable the channels themselves, so outreach
pushes only on a channel this deployment serves.

There is no time-zone variable: the time zone is the policy file's ``time_zone``
(:mod:`bot.clock`), checked when the policy is loaded.

Two other objects read the variables of their own layer:

- :class:`bot.web.config.WebConfig`: the web app's ``WEB_*`` and ``RASA_URL``, documented in
  its module;
- :class:`bot.serve.settings.ServeSettings`: the launchers' ports, bind address, tokens and
  CORS origin, documented in its module. It stays apart because its tokens are required: every
  process that serves must fail without them, while the tools, the tests and the web app
  (which only forwards ``RASA_TOKEN`` when set) must not.

A variable read by two of them (``DATABASE_URL``, ``TRACKER_DB_URL``, ``WEB_PORT``,
``RASA_URL``, ``RASA_TOKEN``) has one parser, here. Two commands read a variable of their own
when they run:
``python -m bot.db.retention`` reads ``RETENTION_DAYS`` (checked against the legal minimum kept
next to it) and ``python -m bot.web.users`` reads ``WEB_USER_PASSWORD`` (a one-time input, so it
is not kept in a process-wide object).

Tests replace settings with :func:`override` (a context manager), or change the environment and
call :func:`reset`. Resources built from settings (the policy, the scripts library, the session
factory) are cached per value, so they follow an override without being cleared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.channels.senders import CHANNEL_TOKENS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_PATH = REPO_ROOT / "var" / "collection.db"
DEFAULT_TRACKER_PATH = REPO_ROOT / "var" / "rasa_tracker.db"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATABASE_PATH}"
DEFAULT_TRACKER_URL = f"sqlite:///{DEFAULT_TRACKER_PATH}"
DEFAULT_POLICY_PATH = REPO_ROOT / "policy.yml"
DEFAULT_SCRIPTS_DIR = REPO_ROOT / "scripts_library"
DEFAULT_WEB_PORT = 8000
DEFAULT_RASA_URL = "http://localhost:5005"
POLICY_FILE_ENV = "POLICY_FILE"
TODAY_ENV = "BOT_TODAY"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class ConfigError(ValueError):
    """An environment variable has a value the bot cannot use."""


@dataclass(frozen=True)
class Settings:
    """The bot's settings (see the module docstring for the variables).

    Attributes:
        database_url: Our database.
        tracker_db_url: Rasa's SQL tracker store.
        policy_file: The issuer policy file.
        scripts_dir: The scripts library folder.
        today: The pinned date, or ``None`` for the real one.
        client_key_secret: Key of the per-client hash; ``None`` makes a random one per process.
        rasa_patches_off: Names of the Rasa patches to leave out.
        push_channels: The push channels this deployment has enabled
            (:func:`enabled_push_channels`).
    """

    database_url: str = DEFAULT_DATABASE_URL
    tracker_db_url: str = DEFAULT_TRACKER_URL
    policy_file: Path = DEFAULT_POLICY_PATH
    scripts_dir: Path = DEFAULT_SCRIPTS_DIR
    today: dt.date | None = None
    client_key_secret: str | None = dataclasses.field(default=None, repr=False)
    rasa_patches_off: frozenset[str] = frozenset()
    push_channels: frozenset[str] = frozenset()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the settings.

        Args:
            environ: The variables to read (default ``os.environ``).

        Returns:
            The settings.

        Raises:
            ConfigError: A value cannot be used; the message names the variable.
        """
        env = os.environ if environ is None else environ
        return cls(
            database_url=database_url(env),
            tracker_db_url=tracker_db_url(env),
            policy_file=_path(env, POLICY_FILE_ENV, DEFAULT_POLICY_PATH),
            scripts_dir=_path(env, "SCRIPTS_DIR", DEFAULT_SCRIPTS_DIR),
            today=_date(env, TODAY_ENV),
            client_key_secret=env.get("CLIENT_KEY_SECRET") or None,  # not stripped: it is a key
            rasa_patches_off=_names(env, "RASA_PATCHES_OFF"),
            push_channels=enabled_push_channels(env),
        )


_current: Settings | None = None


def current() -> Settings:
    """The process's settings, read from the environment on first use.

    Raises:
        ConfigError: A variable has a value that cannot be used.
    """
    global _current
    if _current is None:
        _current = Settings.from_env()
    return _current


def reset() -> None:
    """Forget the settings: the next :func:`current` reads the environment again (tests)."""
    global _current
    _current = None


@contextmanager
def override(**changes: Any) -> Iterator[Settings]:
    """Replace some settings inside a ``with`` block (tests).

    Args:
        **changes: Field values of :class:`Settings`, e.g. ``today=date(2026, 11, 30)``.

    Yields:
        The settings in force inside the block.
    """
    global _current
    previous = _current
    _current = dataclasses.replace(current(), **changes)
    try:
        yield _current
    finally:
        _current = previous


# --- parsers of variables read by more than one settings object -----------------------------


def database_url(env: Mapping[str, str]) -> str:
    """``DATABASE_URL``, else the SQLite file ``<repo>/var/collection.db``."""
    return _url(env, "DATABASE_URL", DEFAULT_DATABASE_URL)


def tracker_db_url(env: Mapping[str, str]) -> str:
    """``TRACKER_DB_URL``, else the SQLite file ``<repo>/var/rasa_tracker.db``."""
    return _url(env, "TRACKER_DB_URL", DEFAULT_TRACKER_URL)


def web_port(env: Mapping[str, str]) -> int:
    """``WEB_PORT``, else 8000 (the web app listens on it; Rasa's CORS origin names it)."""
    return port(env, "WEB_PORT", DEFAULT_WEB_PORT)


def rasa_url(env: Mapping[str, str]) -> str:
    """``RASA_URL`` without a trailing slash, else ``http://localhost:5005``."""
    return (env.get("RASA_URL", "").strip() or DEFAULT_RASA_URL).rstrip("/")


def enabled_push_channels(env: Mapping[str, str]) -> frozenset[str]:
    """The push channels this deployment has enabled: those whose token variable is set.

    ``WECHAT_TOKEN`` enables ``wechat`` (``make run`` serves the WeChat channel when it is set)
    and ``TELEGRAM_TOKEN`` enables ``telegram``; the outreach scheduler sends only on these,
    and suppresses a contact with no address on any of them as ``no_channel``.
    """
    return frozenset(
        channel for channel, name in CHANNEL_TOKENS.items() if env.get(name, "").strip()
    )


def rasa_token(env: Mapping[str, str]) -> str | None:
    """``RASA_TOKEN``, or ``None`` when unset or blank."""
    return env.get("RASA_TOKEN", "").strip() or None


# --- value parsers ------------------------------------------------------------------------


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A true/false variable (``1``/``0``, ``true``/``false``, ``yes``/``no``, ``on``/``off``).

    Raises:
        ConfigError: Another word.
    """
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    """A number between ``low`` and ``high`` (inclusive).

    Raises:
        ConfigError: Not a number, or out of range.
    """
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {raw!r}")
    return value


def port(env: Mapping[str, str], name: str, default: int) -> int:
    """A TCP port number.

    Raises:
        ConfigError: Not a whole number from 1 to 65535.
    """
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f"{name} must be a port number (1-65535), got {raw!r}")
    return int(raw)


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    from sqlalchemy.engine import make_url  # here: importing this module stays cheap
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(raw)
    except (ArgumentError, ValueError):
        # The value is not repeated: it may hold a password.
        raise ConfigError(
            f"{name} is not a database URL (dialect+driver://user:password@host:port/database)"
        ) from None
    return raw


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name, "").strip()
    return Path(raw) if raw else default


def _date(env: Mapping[str, str], name: str) -> dt.date | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a date written YYYY-MM-DD, got {raw!r}") from None


def _names(env: Mapping[str, str], name: str) -> frozenset[str]:
    return frozenset(part.strip() for part in env.get(name, "").split(",") if part.strip())
