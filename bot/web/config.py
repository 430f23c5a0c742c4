"""Settings of the web app, read from environment variables with defaults.

| variable | default | meaning |
|---|---|---|
| ``WEB_HOST`` / ``WEB_PORT`` | ``127.0.0.1`` / ``8000`` | where ``python -m bot.web`` listens |
| ``DATABASE_URL`` | see :mod:`bot.settings` | our database (outcomes, staff users) |
| ``TRACKER_DB_URL`` | see :mod:`bot.settings` | Rasa's tracker store (read) |
| ``RASA_URL`` | ``http://localhost:5005`` | Rasa server (REST channel and ``/model/parse``) |
| ``RASA_TOKEN`` | unset | Rasa's ``--auth-token``, sent as the ``token`` query parameter |
| ``WEB_SECRET_KEY`` | random per process | session cookie key (any string; 32+ characters) |
| ``WEB_DEV`` | ``false`` | local development (``make run``): cookies default to plain HTTP |
| ``WEB_SECURE_COOKIES`` | ``true`` (``false`` with ``WEB_DEV``) | HTTPS-only cookies, and HSTS |
| ``WEB_TRUST_PROXY`` | ``false`` | client address = last ``X-Forwarded-For`` entry (behind nginx) |
| ``WEB_LOW_CONFIDENCE`` | ``0.6`` | intent confidence below which a turn is flagged |
| ``WEB_LOGIN_MAX_FAILURES`` | ``5`` | failed logins per account name, and per address, per window |
| ``WEB_LOGIN_WINDOW_MINUTES`` | ``15`` | their window; over the limit, 429 until it passes |
| ``WEB_HASH_CONCURRENCY`` | ``2`` | password hashes at once (Argon2 needs about 64 MiB each) |
| ``WEB_HASH_WAIT_SECONDS`` | ``3`` | how long a login waits for a hashing slot before a 503 |
| ``WEB_CHAT_RATE_PER_MINUTE`` | ``20`` | chat messages a minute, per address and per conversation |
| ``WEB_CHAT_IDLE_MINUTES`` | ``15`` | idle time after which the chat starts a new conversation |
| ``WEB_MAX_BODY_KB`` | ``64`` | largest request body in KiB (larger: 413) |
| ``DESK_WEBHOOK_URL`` | unset | the desk POSTs each urgent hand-off here (no personal data) |
| ``DESK_WEBHOOK_TIMEOUT_SECONDS`` | ``5`` | how long the desk waits for that hook |

``DATABASE_URL``, ``TRACKER_DB_URL``, ``WEB_PORT``, ``RASA_URL`` and ``RASA_TOKEN`` are read by
other settings objects too; they, and the parsers of every value here, are in
:mod:`bot.settings`. A bad value raises :class:`bot.settings.ConfigError`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot import settings
from bot.settings import flag, number

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebConfig:
    """Everything :func:`bot.web.app.create_app` needs.

    Attributes:
        database_url: Our database (outcome tables, staff users, reviews).
        tracker_db_url: Rasa's SQL tracker store, read only.
        rasa_url: Base URL of the Rasa server.
        rasa_token: Rasa's auth token (``--auth-token``); ``None`` sends none.
        secret_key: Session cookie key; ``None`` makes a random key per process (sessions
            then do not survive a restart), with a warning.
        secure_cookies: Mark cookies ``Secure`` (HTTPS only) and send HSTS.
        trust_proxy: Take the client address from the last ``X-Forwarded-For`` entry.
        low_confidence: Intent confidence below which a turn is flagged.
        host: Listening address of ``python -m bot.web``.
        port: Listening port of ``python -m bot.web``.
        session_max_age: Staff session lifetime in seconds (borrowers' cookies end with the
            browser session).
        rasa_timeout: Seconds to wait for Rasa before answering 503.
        migrate: Upgrade our database schema to the latest migration at start.
        login_max_failures: Failed logins allowed per account name and per address per window.
        login_window_seconds: The window of ``login_max_failures``.
        hash_concurrency: Password hashes computed at once.
        hash_wait_seconds: How long a request waits for a hashing slot.
        chat_rate_per_minute: Chat messages per minute per address and per conversation.
        chat_idle_seconds: Idle time after which the chat starts a new conversation id.
        max_body_bytes: Largest accepted request body.
        desk_webhook_url: Where the agent desk announces urgent hand-offs (``None``: nowhere).
        desk_webhook_timeout: Seconds to wait for that hook.
        desk_poll_seconds: How often the desk reads the queue, and the live conversation.
    """

    database_url: str
    tracker_db_url: str
    rasa_url: str = settings.DEFAULT_RASA_URL
    rasa_token: str | None = None
    secret_key: str | None = None
    secure_cookies: bool = True
    trust_proxy: bool = False
    low_confidence: float = 0.6
    host: str = "127.0.0.1"
    port: int = settings.DEFAULT_WEB_PORT
    session_max_age: int = 8 * 3600
    rasa_timeout: float = 30.0
    migrate: bool = True
    login_max_failures: int = 5
    login_window_seconds: float = 15 * 60
    hash_concurrency: int = 2
    hash_wait_seconds: float = 3.0
    chat_rate_per_minute: int = 20
    chat_idle_seconds: float = 15 * 60
    max_body_bytes: int = 64 * 1024
    desk_webhook_url: str | None = None
    desk_webhook_timeout: float = 5.0
    desk_poll_seconds: float = 1.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebConfig:
        """Read the configuration from environment variables.

        Args:
            environ: The variables to read (default ``os.environ``).

        Returns:
            The configuration.

        Raises:
            bot.settings.ConfigError: A value cannot be parsed or is out of range.
        """
        env = os.environ if environ is None else environ
        dev = flag(env, "WEB_DEV", False)
        return cls(
            database_url=settings.database_url(env),
            tracker_db_url=settings.tracker_db_url(env),
            rasa_url=settings.rasa_url(env),
            rasa_token=settings.rasa_token(env),
            secret_key=env.get("WEB_SECRET_KEY") or None,
            secure_cookies=flag(env, "WEB_SECURE_COOKIES", not dev),
            trust_proxy=flag(env, "WEB_TRUST_PROXY", False),
            low_confidence=number(env, "WEB_LOW_CONFIDENCE", 0.6, 0.0, 1.0),
            host=env.get("WEB_HOST", "").strip() or cls.host,
            port=settings.web_port(env),
            login_max_failures=int(number(env, "WEB_LOGIN_MAX_FAILURES", 5, 1, 1000)),
            login_window_seconds=60 * number(env, "WEB_LOGIN_WINDOW_MINUTES", 15, 1, 24 * 60),
            hash_concurrency=int(number(env, "WEB_HASH_CONCURRENCY", 2, 1, 64)),
            hash_wait_seconds=number(env, "WEB_HASH_WAIT_SECONDS", 3.0, 0.0, 60.0),
            chat_rate_per_minute=int(number(env, "WEB_CHAT_RATE_PER_MINUTE", 20, 1, 10000)),
            chat_idle_seconds=60 * number(env, "WEB_CHAT_IDLE_MINUTES", 15, 1, 24 * 60),
            max_body_bytes=1024 * int(number(env, "WEB_MAX_BODY_KB", 64, 4, 10 * 1024)),
            desk_webhook_url=_webhook_url(env.get("DESK_WEBHOOK_URL", "")),
            desk_webhook_timeout=number(env, "DESK_WEBHOOK_TIMEOUT_SECONDS", 5.0, 0.1, 60.0),
        )


def _webhook_url(value: str) -> str | None:
    """``DESK_WEBHOOK_URL``: an http(s) URL, or unset.

    Raises:
        bot.settings.ConfigError: Set to something that is not an http(s) URL.
    """
    url = value.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise settings.ConfigError(f"DESK_WEBHOOK_URL must be an http(s) URL, not {url!r}")
    return url
