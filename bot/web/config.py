"""Settings of the web app, read from environment variables with defaults.

| variable | default | meaning |
|---|---|---|
| ``WEB_HOST`` / ``WEB_PORT`` | ``127.0.0.1`` / ``8000`` | where ``python -m bot.web`` listens |
| ``DATABASE_URL`` | ``sqlite:///<repo>/var/collection.db`` | our database (outcomes, staff users) |
| ``TRACKER_DB_URL`` | ``sqlite:///<repo>/var/rasa_tracker.db`` | Rasa's tracker store (read) |
| ``RASA_URL`` | ``http://localhost:5005`` | Rasa server (REST channel and ``/model/parse``) |
| ``WEB_SECRET_KEY`` | random per process | session cookie key (any string; 32+ characters) |
| ``WEB_SECURE_COOKIES`` | ``false`` | send the session cookie over HTTPS only |
| ``WEB_LOW_CONFIDENCE`` | ``0.6`` | intent confidence below which a turn is flagged |
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.db.settings import REPO_ROOT, database_url

logger = logging.getLogger(__name__)

DEFAULT_TRACKER_PATH = REPO_ROOT / "var" / "rasa_tracker.db"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


class ConfigError(ValueError):
    """An environment variable has a value the app cannot use."""


@dataclass(frozen=True)
class WebConfig:
    """Everything :func:`bot.web.app.create_app` needs.

    Attributes:
        database_url: Our database (outcome tables, staff users, reviews).
        tracker_db_url: Rasa's SQL tracker store, read only.
        rasa_url: Base URL of the Rasa server.
        secret_key: Session cookie key; ``None`` makes a random key per process (sessions
            then do not survive a restart), with a warning.
        secure_cookies: Mark the session cookie ``Secure`` (HTTPS only).
        low_confidence: Intent confidence below which a turn is flagged.
        host: Listening address of ``python -m bot.web``.
        port: Listening port of ``python -m bot.web``.
        session_max_age: Session lifetime in seconds.
        rasa_timeout: Seconds to wait for Rasa before answering 502.
        migrate: Upgrade our database schema to the latest migration at start.
    """

    database_url: str
    tracker_db_url: str
    rasa_url: str = "http://localhost:5005"
    secret_key: str | None = None
    secure_cookies: bool = False
    low_confidence: float = 0.6
    host: str = "127.0.0.1"
    port: int = 8000
    session_max_age: int = 8 * 3600
    rasa_timeout: float = 30.0
    migrate: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebConfig:
        """Read the configuration from environment variables.

        Args:
            environ: The variables to read (default ``os.environ``).

        Returns:
            The configuration.

        Raises:
            ConfigError: A number or flag cannot be parsed or is out of range.
        """
        env = os.environ if environ is None else environ
        tracker = env.get("TRACKER_DB_URL", "").strip() or f"sqlite:///{DEFAULT_TRACKER_PATH}"
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or database_url(),
            tracker_db_url=tracker,
            rasa_url=(env.get("RASA_URL", "").strip() or cls.rasa_url).rstrip("/"),
            secret_key=env.get("WEB_SECRET_KEY") or None,
            secure_cookies=env.get("WEB_SECURE_COOKIES", "").strip().lower() in TRUE_WORDS,
            low_confidence=_number(env, "WEB_LOW_CONFIDENCE", 0.6, 0.0, 1.0),
            host=env.get("WEB_HOST", "").strip() or cls.host,
            port=_port(env.get("WEB_PORT", "")),
        )


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
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


def _port(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        return WebConfig.port
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f"WEB_PORT must be a port number (1-65535), got {raw!r}")
    return int(raw)
