"""The urgent-hand-off notification: one JSON POST to ``DESK_WEBHOOK_URL``, no personal data.

The body names the hand-off, its reason and urgency, and the account only by its card tail
(``尾号6217``): no name, no mobile, no conversation text. A failure (refused, timeout, an error
status) is logged, never raised: the desk's own alert does not depend on the hook.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, TypedDict

import aiohttp

from bot.desk.queue import QueueItem

logger = logging.getLogger(__name__)


class WebhookBody(TypedDict):
    """What the hook receives."""

    event: str
    handoff_id: int
    reason: str
    urgency: str
    account: str | None
    created_at: str
    desk_path: str


def body_of(item: QueueItem, card_last4: str | None) -> WebhookBody:
    """The JSON body for an urgent hand-off (``card_last4``: the only account detail)."""
    return {
        "event": "urgent_handoff",
        "handoff_id": item.handoff_id,
        "reason": item.reason,
        "urgency": "urgent" if item.urgent else item.urgency,
        "account": f"尾号{card_last4}" if card_last4 else None,
        "created_at": item.created_at.isoformat(),
        "desk_path": "/desk",
    }


async def post_alert(
    http: aiohttp.ClientSession, url: str, body: WebhookBody | dict[str, Any], timeout: float
) -> bool:
    """POST the alert; return whether the hook accepted it (2xx). Never raises."""
    try:
        async with http.post(
            url, json=body, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            if response.status >= 300:
                logger.warning(
                    "desk webhook answered %s for hand-off %s", response.status, body["handoff_id"]
                )
                return False
            return True
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.warning("desk webhook failed for hand-off %s: %r", body["handoff_id"], error)
        return False
