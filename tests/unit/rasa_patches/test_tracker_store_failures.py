"""A failing tracker store fails the message instead of starting the conversation afresh."""

from __future__ import annotations

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue.safe_replies import FAILURES
from bot.rasa_patches import tracker_store_failures
from bot.rasa_patches.tracker_store_failures import TrackerStoreUnavailable

DOMAIN = Domain.empty()


class Down(InMemoryTrackerStore):
    """A store whose server is gone (PostgreSQL stopped)."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError("server closed the connection unexpectedly")

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError("server closed the connection unexpectedly")

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("server closed the connection unexpectedly")


@pytest.fixture(autouse=True)
def patched() -> None:
    tracker_store_failures.apply()


def _tracker() -> DialogueStateTracker:
    tracker = DialogueStateTracker("borrower", DOMAIN.slots)
    tracker.update(UserUttered("你好"))
    return tracker


async def test_a_store_that_is_down_fails_the_read_instead_of_a_new_conversation() -> None:
    store = FailSafeTrackerStore(Down(DOMAIN))
    before = FAILURES["tracker_store"]
    with pytest.raises(TrackerStoreUnavailable, match="retrieve failed"):
        await store.retrieve("borrower")
    with pytest.raises(TrackerStoreUnavailable):
        await store.get_or_create_tracker("borrower")  # Rasa's path for every message
    with pytest.raises(TrackerStoreUnavailable, match="retrieve_full_tracker failed"):
        await store.retrieve_full_tracker("borrower")
    assert FAILURES["tracker_store"] == before + 3


async def test_a_failed_save_is_not_kept_in_memory() -> None:
    store = FailSafeTrackerStore(Down(DOMAIN))
    with pytest.raises(TrackerStoreUnavailable, match="save failed"):
        await store.save(_tracker())
    assert store._fallback_tracker_store is None  # nothing was written to a fallback


async def test_a_working_store_is_used_as_before() -> None:
    inner = InMemoryTrackerStore(DOMAIN)
    store = FailSafeTrackerStore(inner)
    await store.save(_tracker())
    found = await store.retrieve("borrower")
    assert found is not None and found.latest_message.text == "你好"
    full = await store.retrieve_full_tracker("borrower")
    assert full is not None and len(full.events) == 1


def test_apply_is_idempotent() -> None:
    save = FailSafeTrackerStore.save
    tracker_store_failures.apply()
    assert FailSafeTrackerStore.save is save
