"""The SQL tracker store knows how many of a tracker's events are stored without asking again.

Why: ``SQLTrackerStore.save`` (``rasa/core/tracker_store.py:1333-1375``) finds the events to
insert with ``_additional_events`` (``:1365-1375``), which runs the tracker query again as a
``COUNT`` (the latest ``SessionStarted`` sub-query, the filter on the sender, the ordering)
and stores ``tracker.events[count:]``. That query was 11 % of a production Rasa instance's
busy time, and its answer is already known: the same query read the tracker's rows a moment
earlier, in ``_retrieve``, and nothing else can write this conversation in between, because
:mod:`bot.rasa_patches.conversation_lock` serialises a conversation's messages across every
instance (the retrieve and the save of a message happen under one lock).

Here ``_retrieve`` (Rasa's own code, for the latest session) leaves a mark on the tracker: the
number of rows it was built from and the event object at that position. ``save`` trusts the
mark only on the tracker it was left on (not on a copy, which could be saved besides it) and
while it still holds that very event object at that position (a replayed or rebuilt tracker
has other objects and is counted as before), and uses it for one save: a
save that inserts events drops the mark, so a second save of the same tracker counts again
(``SessionStarted`` moves the window the count is taken over). A save that inserts nothing
keeps it: the stored rows did not change (the empty tracker a new conversation is created
with is saved once before its events). Full trackers (``retrieve_full_tracker``, every
session) get no mark, so everything but the message path behaves exactly as in Rasa.

The mark is only as safe as the lock: a process that writes a conversation's events without
holding it (none of ours does) would need Rasa's count back, so the patch is applied only
with the lock patch (see :func:`bot.rasa_patches.apply`).
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# attribute on the tracker: (rows stored, event at rows - 1 or None, id of the tracker)
MARK = "_bot_stored_events"

RASA_RETRIEVE = SQLTrackerStore._retrieve  # Rasa's own, for the tests
RASA_ADDITIONAL_EVENTS = SQLTrackerStore._additional_events


def mark(tracker: DialogueStateTracker, stored: int) -> None:
    """Record that the first ``stored`` events of ``tracker`` are the stored rows."""
    events = tracker.events
    last: Event | None = events[stored - 1] if stored else None
    setattr(tracker, MARK, (stored, last, id(tracker)))


def stored_count(tracker: DialogueStateTracker) -> int | None:
    """The number of stored events the mark vouches for, or None to count them."""
    found: tuple[int, object, int] | None = getattr(tracker, MARK, None)
    if found is None:
        return None
    stored, last, owner = found
    events = tracker.events
    if owner != id(tracker) or stored > len(events):  # a copy: it may be saved besides
        return None
    if stored and events[stored - 1] is not last:
        return None
    return stored


async def _retrieve(
    self: SQLTrackerStore, sender_id: str, fetch_events_from_all_sessions: bool
) -> DialogueStateTracker | None:
    """``SQLTrackerStore._retrieve`` (Rasa's code), marking trackers of the latest session."""
    with self.session_scope() as session:
        serialised_events = self._event_query(
            session,
            sender_id,
            fetch_events_from_all_sessions=fetch_events_from_all_sessions,
        ).all()

        events = [json.loads(event.data) for event in serialised_events]

        if self.domain and len(events) > 0:
            logger.debug(f"Recreating tracker from sender id '{sender_id}'")
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            if not fetch_events_from_all_sessions and len(tracker.events) == len(events):
                mark(tracker, len(events))
            return tracker
        logger.debug(
            f"Can't retrieve tracker matching sender id '{sender_id}' from SQL storage. "
            f"Returning `None` instead."
        )
        return None


def _additional_events(
    self: SQLTrackerStore, session: Any, tracker: DialogueStateTracker
) -> Iterator[Event]:
    """``SQLTrackerStore._additional_events`` without the ``COUNT`` when the mark vouches."""
    stored = stored_count(tracker)
    if stored is None:
        stored = self._event_query(
            session, tracker.sender_id, fetch_events_from_all_sessions=False
        ).count()
    total = len(tracker.events)
    if stored == total:
        mark(tracker, stored)  # nothing to insert: the stored rows stay as they are
    elif hasattr(tracker, MARK):
        delattr(tracker, MARK)
    return itertools.islice(tracker.events, stored, total)


def apply() -> None:
    """Replace ``SQLTrackerStore._retrieve`` and ``SQLTrackerStore._additional_events``."""
    if SQLTrackerStore._additional_events is _additional_events:
        return
    SQLTrackerStore._retrieve = _retrieve
    SQLTrackerStore._additional_events = _additional_events
