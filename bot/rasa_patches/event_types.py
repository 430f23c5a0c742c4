"""An event's class is looked up by its type name in a table, not by walking every class.

Why: ``Event.resolve_by_type`` (``rasa/shared/core/events.py:375-387``) walks all subclasses
of ``Event`` recursively (``rasa.shared.utils.common.all_subclasses``, which also asks
``inspect.isabstract`` of each) for *every* event it deserialises: each tracker read from the
tracker store and each action server answer, dozens of events per message. That walk was about
5 % of the Rasa server's CPU per message. Here a name found once is remembered; a name not yet
known (or unknown) still goes through Rasa's own lookup, so new subclasses, the ``topic``
leniency and the ``ValueError`` for an unknown name behave as before.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import Event

RASA_RESOLVE = Event.resolve_by_type  # Rasa's own, for misses and for the tests

_known: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: Any = None) -> Any:
    """``Event.resolve_by_type`` with the classes found so far remembered by name."""
    known = _known.get(type_name)
    if known is not None:
        return known
    found = RASA_RESOLVE(type_name, default)
    if found is not None and getattr(found, "type_name", None) == type_name:
        _known[type_name] = found
    return found


def apply() -> None:
    """Replace the static method ``Event.resolve_by_type``."""
    if Event.resolve_by_type is resolve_by_type:
        return
    Event.resolve_by_type = staticmethod(resolve_by_type)
