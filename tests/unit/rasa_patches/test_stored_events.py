"""The SQL tracker store saves exactly the new events without counting the stored ones again.

Every scenario runs twice on fresh SQLite databases, once with the patch and once with Rasa's
own ``_retrieve`` / ``_additional_events`` (kept as ``RASA_RETRIEVE`` / ``RASA_ADDITIONAL_EVENTS``),
and the stored rows must be the same, and equal to every event the messages added, once each:
new conversations, later turns, a session that expires and starts again, two instances (two
stores on one database) taking turns, and a tracker saved twice in one message.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import AwaitableTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.rasa_patches import stored_events
from bot.rasa_patches.stored_events import MARK, RASA_ADDITIONAL_EVENTS, RASA_RETRIEVE

DOMAIN = Domain.from_dict(
    {
        "slots": {"verification": {"type": "text", "mappings": [{"type": "custom"}]}},
        "actions": ["action_greet"],
    }
)


@pytest.fixture(params=["patched", "rasa"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    stored_events.apply()
    if request.param == "rasa":
        monkeypatch.setattr(SQLTrackerStore, "_retrieve", RASA_RETRIEVE)
        monkeypatch.setattr(SQLTrackerStore, "_additional_events", RASA_ADDITIONAL_EVENTS)
    return request.param


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the senders the tracker query ran for (a retrieve or Rasa's COUNT)."""
    seen: list[str] = []
    original = SQLTrackerStore._event_query

    def spy(self: SQLTrackerStore, session: Any, sender_id: str, **kwargs: Any) -> Any:
        seen.append(sender_id)
        return original(self, session, sender_id, **kwargs)

    monkeypatch.setattr(SQLTrackerStore, "_event_query", spy)
    return seen


def _store(db: Path) -> AwaitableTrackerStore:
    return AwaitableTrackerStore(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db)))


def _rows(store: AwaitableTrackerStore, sender: str) -> list[tuple[str, str]]:
    inner: SQLTrackerStore = store._tracker_store  # type: ignore[assignment]
    event = inner.SQLEvent
    query = select(event.type_name, event.data).where(event.sender_id == sender)
    with inner.session_scope() as session:
        return [tuple(row) for row in session.execute(query.order_by(event.id))]


class Clock:
    """Event timestamps that only go forward, the same in every run."""

    def __init__(self) -> None:
        self._ticks = itertools.count(1_800_000_000)

    def __call__(self) -> float:
        return float(next(self._ticks))


def _session_start(clock: Clock) -> list[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=clock()),
        SessionStarted(timestamp=clock()),
        ActionExecuted("action_listen", timestamp=clock()),
    ]


def _turn(clock: Clock, text: str) -> list[Event]:
    return [
        UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=clock()),
        ActionExecuted("action_greet", timestamp=clock()),
        BotUttered(f"re: {text}", timestamp=clock()),
        SlotSet("verification", text, timestamp=clock()),
        ActionExecuted("action_listen", timestamp=clock()),
    ]


async def _message(
    store: AwaitableTrackerStore, sender: str, events: list[Event], saves: int = 1
) -> DialogueStateTracker:
    """One message as the processor handles it: get or create, add events, save."""
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    half = len(events) // 2 if saves == 2 else len(events)
    for event in events[:half]:
        tracker.update(event)
    await store.save(tracker)
    if saves == 2:
        for event in events[half:]:
            tracker.update(event)
        await store.save(tracker)
    return tracker


def _as_rows(events: list[Event]) -> list[str]:
    return [e.type_name for e in events]


async def test_a_conversation_is_stored_once_across_turns_and_session_starts(
    mode: str, tmp_path: Path
) -> None:
    store, clock = _store(tmp_path / "t.db"), Clock()
    session_one = _session_start(clock) + _turn(clock, "a")
    await _message(store, "s", session_one)
    second = _turn(clock, "b")
    await _message(store, "s", second)
    session_two = _session_start(clock) + _turn(clock, "c")  # expired: a new session
    await _message(store, "s", session_two)
    third = _turn(clock, "d")
    tracker = await _message(store, "s", third)

    stored = [data for _, data in _rows(store, "s")]
    expected = session_one + second + session_two + third
    assert [Event.from_parameters(json.loads(d)) for d in stored] == expected
    assert list(tracker.events)[-len(third) :] == third
    retrieved = await store.retrieve("s")
    assert retrieved is not None
    assert list(retrieved.events) == session_two[1:] + third  # from the latest SessionStarted


async def test_two_instances_taking_turns_store_every_event_once(mode: str, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    instances, clock = [_store(db), _store(db)], Clock()
    added: list[Event] = []
    for number in range(6):
        events = (_session_start(clock) if number in (0, 3) else []) + _turn(clock, str(number))
        await _message(instances[number % 2], "s", events)
        added += events
    for store in instances:
        assert _as_rows(added) == [t for t, _ in _rows(store, "s")]
        assert len(_rows(store, "s")) == len(added)


async def test_the_patch_and_rasa_store_the_same_rows(tmp_path: Path, monkeypatch) -> None:
    async def scenario(db: Path) -> list[tuple[str, str]]:
        store, clock = _store(db), Clock()
        await _message(store, "x", _session_start(clock) + _turn(clock, "1"))
        await _message(store, "x", _turn(clock, "2"), saves=2)
        await _message(store, "x", _session_start(clock) + _turn(clock, "3"))
        await _message(store, "x", _turn(clock, "4"), saves=2)
        return _rows(store, "x")

    stored_events.apply()
    patched = await scenario(tmp_path / "patched.db")
    monkeypatch.setattr(SQLTrackerStore, "_retrieve", RASA_RETRIEVE)
    monkeypatch.setattr(SQLTrackerStore, "_additional_events", RASA_ADDITIONAL_EVENTS)
    assert patched == await scenario(tmp_path / "rasa.db")
    assert len(patched) == 3 + 5 + 5 + 3 + 5 + 5


async def test_a_save_after_a_retrieve_runs_no_count(tmp_path: Path, queries: list[str]) -> None:
    stored_events.apply()
    store, clock = _store(tmp_path / "t.db"), Clock()
    await _message(store, "s", _session_start(clock) + _turn(clock, "a"))
    # the retrieve that found nothing and the COUNT of the new, empty tracker's save; the
    # message's own save knew the count from it
    assert queries == ["s", "s"]
    queries.clear()
    await _message(store, "s", _turn(clock, "b"))
    assert queries == ["s"]  # the retrieve only


async def test_a_second_save_after_an_insert_counts_again(
    tmp_path: Path, queries: list[str]
) -> None:
    stored_events.apply()
    store, clock = _store(tmp_path / "t.db"), Clock()
    await _message(store, "s", _session_start(clock) + _turn(clock, "a"))
    queries.clear()
    await _message(store, "s", _turn(clock, "b"), saves=2)
    assert queries == ["s", "s"]  # retrieve, then the COUNT of the second save
    assert len(_rows(store, "s")) == 3 + 5 + 5


async def test_a_copied_or_changed_tracker_is_counted(tmp_path: Path, queries: list[str]) -> None:
    stored_events.apply()
    store, clock = _store(tmp_path / "t.db"), Clock()
    await _message(store, "s", _session_start(clock) + _turn(clock, "a"))
    tracker = await store.retrieve("s")
    assert tracker is not None and getattr(tracker, MARK)[0] == 7
    assert stored_events.stored_count(tracker) == 7
    copied = copy.deepcopy(tracker)
    assert stored_events.stored_count(copied) is None  # other event objects
    rebuilt = DialogueStateTracker.from_events("s", list(tracker.events)[1:], DOMAIN.slots)
    setattr(rebuilt, MARK, getattr(tracker, MARK))
    assert stored_events.stored_count(rebuilt) is None  # the vouched-for event moved
    queries.clear()
    for event in _turn(clock, "b"):
        copied.update(event)
    await store.save(copied)
    assert queries == ["s"]  # Rasa's COUNT
    assert len(_rows(store, "s")) == 8 + 5  # the action_session_start row is not retrieved


async def test_a_full_tracker_gets_no_mark(tmp_path: Path) -> None:
    stored_events.apply()
    store, clock = _store(tmp_path / "t.db"), Clock()
    await _message(store, "s", _session_start(clock) + _turn(clock, "a"))
    await _message(store, "s", _session_start(clock) + _turn(clock, "b"))
    full = await store.retrieve_full_tracker("s")
    latest = await store.retrieve("s")
    assert full is not None and not hasattr(full, MARK)
    assert latest is not None and getattr(latest, MARK)[0] == len(latest.events) == 7


def test_apply_is_idempotent() -> None:
    stored_events.apply()
    stored_events.apply()
    assert SQLTrackerStore._additional_events is stored_events._additional_events
    assert SQLTrackerStore._retrieve is stored_events._retrieve
