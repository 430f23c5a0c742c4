"""The app factory: ``create_app(config)`` wires templates, sessions, middlewares and routes.

Resources live in ``app.cleanup_ctx`` (created at start-up, released at shutdown): the engine
on our database (schema upgraded first), the read-only engine on Rasa's tracker store, the HTTP
client for Rasa, the in-memory limits (login back-off, hashing gate, chat rate), and the
scripts library, policy and domain names read once. Every response carries the security
headers of :mod:`bot.web.headers`; request bodies are limited to ``WEB_MAX_BODY_KB``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from aiohttp_session import session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory
from bot.desk.watcher import QueueWatcher
from bot.policy import load_policy
from bot.scripts import load_library
from bot.web.config import WebConfig
from bot.web.headers import setup_security_headers
from bot.web.middlewares import csrf_middleware, error_middleware, user_middleware
from bot.web.rasa_client import RasaClient
from bot.web.rasa_domain import load_domain
from bot.web.routes import setup_routes
from bot.web.sse import on_shutdown
from bot.web.state import (
    CHAT_LIMITER,
    CLOSING,
    CONFIG,
    DESK,
    DOMAIN,
    HASH_GATE,
    LIBRARY,
    LOGIN_THROTTLE,
    POLICY,
    RASA,
    SESSIONS,
    TRACKER,
    ZONE,
)
from bot.web.templating import setup_templates
from bot.web.throttle import ChatLimiter, HashGate, LoginThrottle
from bot.web.tracker import TrackerReader

logger = logging.getLogger(__name__)

SESSION_COOKIE = "collection_session"


def session_key(secret: str | None) -> bytes:
    """Return the 32-byte cookie key derived from ``secret`` (random when unset).

    Args:
        secret: ``WEB_SECRET_KEY``; any string, hashed with SHA-256 to 32 bytes.
    """
    if not secret:
        logger.warning(
            "WEB_SECRET_KEY is not set: using a random key, sessions end when the app restarts"
        )
        return os.urandom(32)
    return hashlib.sha256(secret.encode("utf-8")).digest()


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    """Our database: upgrade the schema (when configured), open the engine, dispose it."""
    config = app[CONFIG]
    if config.migrate:
        await asyncio.to_thread(upgrade_head, config.database_url)
    engine = make_engine(config.database_url)
    app[SESSIONS] = make_session_factory(engine)
    yield
    engine.dispose()


async def tracker_ctx(app: web.Application) -> AsyncIterator[None]:
    """Rasa's tracker store, read only."""
    engine = make_engine(app[CONFIG].tracker_db_url, sqlite_foreign_keys=False)
    app[TRACKER] = TrackerReader(engine)
    yield
    engine.dispose()


async def rasa_ctx(app: web.Application) -> AsyncIterator[None]:
    """The HTTP client for Rasa."""
    config = app[CONFIG]
    async with aiohttp.ClientSession() as http:
        app[RASA] = RasaClient(http, config.rasa_url, config.rasa_timeout, config.rasa_token)
        yield


async def throttle_ctx(app: web.Application) -> AsyncIterator[None]:
    """Login back-off, the password-hashing gate and the chat rate limit (in memory)."""
    config = app[CONFIG]
    app[LOGIN_THROTTLE] = LoginThrottle(config.login_max_failures, config.login_window_seconds)
    app[HASH_GATE] = HashGate(config.hash_concurrency, config.hash_wait_seconds)
    app[CHAT_LIMITER] = ChatLimiter(config.chat_rate_per_minute)
    yield


async def desk_ctx(app: web.Application) -> AsyncIterator[None]:
    """The agent desk's queue watcher: polls the queue, wakes the desk's streams, alerts."""
    config = app[CONFIG]
    app[CLOSING] = asyncio.Event()
    async with aiohttp.ClientSession() as http:
        watcher = QueueWatcher(
            app[SESSIONS],
            interval=config.desk_poll_seconds,
            http=http,
            webhook_url=config.desk_webhook_url,
            webhook_timeout=config.desk_webhook_timeout,
        )
        app[DESK] = watcher
        task = asyncio.create_task(watcher.run())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await watcher.drain()


def _warm_guard() -> None:
    """Load (or rebuild) the guard's classifier now, not on the first draft check."""
    from bot.compliance import GuardModelError, check

    try:
        check("您好，请问有什么可以帮您？")
    except GuardModelError as error:
        logger.warning("compliance guard unavailable, draft checks will answer 503: %s", error)


async def knowledge_ctx(app: web.Application) -> AsyncIterator[None]:
    """Scripts library, policy and domain names, read once; the guard's model loaded."""
    app[LIBRARY] = await asyncio.to_thread(load_library)
    policy = await asyncio.to_thread(load_policy)
    app[POLICY] = policy
    app[ZONE] = ZoneInfo(policy.time_zone)
    app[DOMAIN] = await asyncio.to_thread(load_domain)
    await asyncio.to_thread(_warm_guard)
    yield


def create_app(config: WebConfig | None = None) -> web.Application:
    """Build the web application.

    Args:
        config: Settings; default :meth:`WebConfig.from_env`.

    Returns:
        The app, ready for ``web.run_app`` or ``aiohttp_client``.
    """
    config = config or WebConfig.from_env()
    storage = EncryptedCookieStorage(
        session_key(config.secret_key),
        cookie_name=SESSION_COOKIE,
        max_age=config.session_max_age,
        httponly=True,
        samesite="Lax",
        secure=config.secure_cookies,
    )
    # Each session sets its cookie's lifetime: a staff session lasts session_max_age; one
    # without a user (a borrower) ends with the browser session (see user_middleware).
    storage.cookie_params["max_age"] = None
    app = web.Application(
        middlewares=[
            error_middleware,
            session_middleware(storage),
            user_middleware,
            csrf_middleware,
        ],
        client_max_size=config.max_body_bytes,
    )
    app[CONFIG] = config
    setup_templates(app)
    setup_security_headers(app, secure=config.secure_cookies)
    app.cleanup_ctx.extend(
        [database_ctx, tracker_ctx, rasa_ctx, throttle_ctx, knowledge_ctx, desk_ctx]
    )
    app.on_shutdown.append(on_shutdown)  # type: ignore[arg-type]  # aiohttp's Signal typing
    setup_routes(app)
    return app
