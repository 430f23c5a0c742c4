"""What the app holds for its lifetime (typed ``web.AppKey``s) and the per-request helpers.

The database is SQLAlchemy's synchronous engine: :func:`run_db` runs a unit of work in a worker
thread, so the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.db.settings import session_scope
from bot.desk.watcher import QueueWatcher
from bot.policy import Policy
from bot.scripts import Library
from bot.web.config import WebConfig
from bot.web.rasa_client import RasaClient
from bot.web.rasa_domain import DomainSpec
from bot.web.staff import StaffView
from bot.web.throttle import ChatLimiter, HashGate, LoginThrottle
from bot.web.tracker import TrackerReader

logger = logging.getLogger(__name__)

T = TypeVar("T")

CONFIG = web.AppKey("config", WebConfig)
SESSIONS = web.AppKey("db_sessions", sessionmaker)
TRACKER = web.AppKey("tracker", TrackerReader)
RASA = web.AppKey("rasa", RasaClient)
LIBRARY = web.AppKey("library", Library)
POLICY = web.AppKey("policy", Policy)
DOMAIN = web.AppKey("domain", DomainSpec)
ZONE = web.AppKey("zone", ZoneInfo)
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)
HASH_GATE = web.AppKey("hash_gate", HashGate)
CHAT_LIMITER = web.AppKey("chat_limiter", ChatLimiter)
DESK = web.AppKey("desk_watcher", QueueWatcher)
CLOSING = web.AppKey("closing", asyncio.Event)  # set at shutdown: server-sent-event streams end

USER = "user"  # request key: the logged-in StaffView, or None


async def run_db(request: web.Request, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``work(session, *args, **kwargs)`` in one transaction in a worker thread.

    The session commits when ``work`` returns and rolls back when it raises.
    """
    factory = request.app[SESSIONS]

    def unit_of_work() -> T:
        with session_scope(factory) as session:
            return work(session, *args, **kwargs)

    return await asyncio.to_thread(unit_of_work)


async def run_sync(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking call (e.g. a tracker-store query) in a worker thread."""
    return await asyncio.to_thread(work, *args, **kwargs)


def current_user(request: web.Request) -> StaffView | None:
    """Return the logged-in staff user of this request, or ``None``."""
    return request.get(USER)
