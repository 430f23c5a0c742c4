"""A tracker store that fails fails the message: no silent restart of the conversation in memory.

Why: the agent wraps the tracker store in ``FailSafeTrackerStore`` (``rasa/core/agent.py:528``;
``rasa/core/tracker_store.py:1377-1491``). When the store raises (PostgreSQL stopped,
restarting, or a connection cut), it logs and carries on: ``retrieve`` answers None, so the
message is handled as the first one of a *new* conversation (a new session, the opening
disclosure again, the borrower asked to verify again, everything said before forgotten), and
``save`` keeps the result in this process's memory only. Once PostgreSQL is back, the stored
conversation is read again as if nothing had been said, or a tracker built in the meantime is
saved over it. Found by ``tests/prod`` (PostgreSQL stopped for a few seconds under 50
conversations): borrowers got a fresh session's answers instead of an error, and their
conversations went off the rails.

Here ``retrieve``, ``retrieve_full_tracker`` and ``save`` raise :class:`TrackerStoreUnavailable`
instead (logged and counted as ``tracker_store``), so the channel answers the approved
"unavailable" reply (:mod:`bot.channels.rest`), nothing is kept in memory, and the next message,
once the store is back, continues the stored conversation. ``keys`` (the HTTP API's list of
conversations) keeps Rasa's behaviour.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore

from bot.dialogue.safe_replies import count_failure

logger = logging.getLogger(__name__)

FAILURE_KIND = "tracker_store"


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store could not read or write a conversation."""


def _strict(name: str) -> Any:
    @functools.wraps(getattr(FailSafeTrackerStore, name))
    async def method(self: FailSafeTrackerStore, *args: Any) -> Any:
        try:
            return await getattr(self._tracker_store, name)(*args)
        except Exception as error:
            store = type(self._tracker_store).__name__
            logger.error("tracker store %s failed in %s: %s", store, name, error)
            count_failure(FAILURE_KIND)
            raise TrackerStoreUnavailable(f"{store}.{name} failed: {error}") from error

    method._strict = True  # type: ignore[attr-defined]  # a marker on the wrapper
    return method


def apply() -> None:
    """Replace ``FailSafeTrackerStore.retrieve``, ``retrieve_full_tracker`` and ``save``."""
    if getattr(FailSafeTrackerStore.save, "_strict", False):
        return
    for name in ("retrieve", "retrieve_full_tracker", "save"):
        setattr(FailSafeTrackerStore, name, _strict(name))
