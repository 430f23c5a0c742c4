"""Event classes are found by type name from a table, with Rasa's answers."""

import pytest
from rasa.shared.core import events
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot.rasa_patches import event_types
from bot.rasa_patches.event_types import RASA_RESOLVE, resolve_by_type


@pytest.fixture(autouse=True)
def patched() -> None:
    event_types.apply()


def test_apply_replaces_the_lookup_once() -> None:
    assert Event.resolve_by_type is resolve_by_type
    event_types.apply()
    assert Event.resolve_by_type is resolve_by_type
    assert RASA_RESOLVE is not resolve_by_type


def test_every_event_type_resolves_as_in_rasa() -> None:
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "action", "slot", "session_started"} <= names
    for name in sorted(names):
        assert resolve_by_type(name) is RASA_RESOLVE(name)
        assert resolve_by_type(name) is RASA_RESOLVE(name)  # again, from the table


def test_unknown_names_behave_as_in_rasa() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve_by_type("no_such_event")
    assert resolve_by_type("topic") is None
    assert resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert resolve_by_type("no_such_event", SlotSet) is SlotSet


def test_events_round_trip_through_the_patched_lookup() -> None:
    original = [
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("你好", {"name": "greet", "confidence": 0.9}),
        SlotSet("verification", "verified"),
    ]
    restored = events.deserialise_events([event.as_dict() for event in original])
    assert restored == original
