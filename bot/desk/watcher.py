"""The loop behind the desk's live updates: poll the queue about once a second, push changes.

One :class:`QueueWatcher` per web process reads the queue from the database (so hand-offs
recorded by the action server, and claims made in other web processes, all show), wakes every
server-sent-event stream of the desk when the queue changed, and sends the urgent webhook once
per hand-off: a conditional update on ``handoffs.notified_at`` picks the one process that sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Account, Handoff
from bot.db.repositories import HandoffRepository
from bot.db.settings import session_scope
from bot.db.types import utcnow
from bot.desk.queue import QueueItem, desk_queue, fingerprint
from bot.desk.webhook import WebhookBody, body_of, post_alert

logger = logging.getLogger(__name__)


def _claim_alerts(session: Session, items: list[QueueItem], now: dt.datetime) -> list[WebhookBody]:
    """Mark the urgent, not yet notified hand-offs as notified; return their webhook bodies."""
    bodies = []
    repo = HandoffRepository(session)
    for item in items:
        if not item.urgent or item.status != "open":
            continue
        if not repo.mark_notified(item.handoff_id, now):
            continue
        card = session.scalars(
            select(Account.card_last4)
            .join(Handoff, Handoff.account_id == Account.id)
            .where(Handoff.id == item.handoff_id)
        ).first()
        bodies.append(body_of(item, card))
    return bodies


class QueueWatcher:
    """Polls the queue and wakes the desk's streams when it changes.

    Args:
        sessions: Session factory on our database.
        interval: Seconds between polls.
        http: Client session for the webhook (``None``: no webhook).
        webhook_url: Where urgent hand-offs are announced (``None``: nowhere).
        webhook_timeout: Seconds to wait for the hook.
    """

    def __init__(
        self,
        sessions: sessionmaker,
        interval: float = 1.0,
        http: aiohttp.ClientSession | None = None,
        webhook_url: str | None = None,
        webhook_timeout: float = 5.0,
    ) -> None:
        self._sessions = sessions
        self._interval = interval
        self._http = http
        self._url = webhook_url
        self._timeout = webhook_timeout
        self._changed = asyncio.Condition()
        self._fingerprint: object = None
        self.items: list[QueueItem] = []
        self.version = 0
        self._alerts: set[asyncio.Task[bool]] = set()

    def _read(self, alert: bool) -> tuple[list[QueueItem], list[WebhookBody]]:
        with session_scope(self._sessions) as session:
            items = desk_queue(session)
            bodies = _claim_alerts(session, items, utcnow()) if alert else []
        return items, bodies

    async def tick(self) -> bool:
        """Read the queue once; wake the streams and send alerts. Returns whether it changed."""
        alert = bool(self._url and self._http is not None)
        items, bodies = await asyncio.to_thread(self._read, alert)
        for body in bodies:
            self._send(body)
        mark = fingerprint(items)
        self.items = items
        if mark == self._fingerprint:
            return False
        self._fingerprint = mark
        async with self._changed:
            self.version += 1
            self._changed.notify_all()
        return True

    def _send(self, body: WebhookBody) -> None:
        assert self._http is not None and self._url is not None
        task = asyncio.create_task(post_alert(self._http, self._url, body, self._timeout))
        self._alerts.add(task)
        task.add_done_callback(self._alerts.discard)

    async def wait_change(self, seen: int, timeout: float) -> int:
        """Wait until the version passes ``seen`` (or ``timeout`` seconds); return the version."""
        async with self._changed:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: self.version > seen), timeout)
            return self.version

    async def run(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        """Poll until cancelled; a failed poll is logged and retried."""
        while True:
            try:
                await self.tick()
            except Exception:
                logger.exception("desk queue poll failed")
            await sleep(self._interval)

    async def drain(self) -> None:
        """Wait for the alerts still being sent (at shutdown)."""
        if self._alerts:
            await asyncio.gather(*self._alerts, return_exceptions=True)
