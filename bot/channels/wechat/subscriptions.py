"""Follow and unfollow events, recorded in ``channel_addresses`` (:mod:`bot.db.channel_addresses`).

An unfollow (``unsubscribe``) is a stop-contact on the channel: outreach never uses the
address again until the person follows the account again (``subscribe``). The platform needs
its answer within 5 seconds whatever the database does, so :func:`record` gives the write
:data:`DATABASE_DEADLINE_SECONDS` in a worker thread; a failure or a timeout is logged and
counted as ``wechat_subscription``, never raised into the platform's request.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from bot.db.channel_addresses import subscribe, unsubscribe
from bot.db.settings import session_scope
from bot.dialogue.runtime import session_factory
from bot.dialogue.safe_replies import count_failure

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
DATABASE_DEADLINE_SECONDS = 2.0
FAILURE_KIND = "wechat_subscription"


def write(openid: str, subscribed: bool, now: dt.datetime) -> None:
    """Record that ``openid`` followed (``subscribed``) or unfollowed the account, in one unit."""
    change = subscribe if subscribed else unsubscribe
    with session_scope(session_factory()) as session:
        change(session, channel=CHANNEL, address=openid, now=now)


async def record(
    openid: str, subscribed: bool, deadline: float = DATABASE_DEADLINE_SECONDS
) -> bool:
    """:func:`write` off the event loop, within ``deadline``; whether it was recorded."""
    now = dt.datetime.now(dt.timezone.utc)
    try:
        await asyncio.wait_for(asyncio.to_thread(write, openid, subscribed, now), deadline)
    except Exception as error:  # database down or slow: the platform still gets its answer
        event = "subscribe" if subscribed else "unsubscribe"
        timed_out = isinstance(error, asyncio.TimeoutError)
        logger.error(
            "WeChat %s not recorded: %s", event, type(error).__name__, exc_info=not timed_out
        )
        count_failure(FAILURE_KIND)
        return False
    return True
