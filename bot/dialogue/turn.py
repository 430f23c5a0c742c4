"""Plain data passed between the Rasa actions and the dialogue handlers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Slots the handlers read and write (names match domain.yml).
VERIFICATION = "verification"
VERIFIED = "verified"
UNVERIFIED = "unverified"
LOCKED = "locked"


@dataclass(frozen=True)
class Turn:
    """What the handlers know about the current user message and conversation."""

    conversation_id: str
    intent: str
    text: str = ""
    entities: Mapping[str, Any] = field(default_factory=dict)
    slots: Mapping[str, Any] = field(default_factory=dict)
    channel: str = "rest"
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    recent_fallbacks: int = 0
    # The borrower's network address as the channel saw it (for per-client verification limits).
    client: str | None = None

    @property
    def today(self) -> dt.date:
        """The borrower's local date (``now`` is already in the policy time zone)."""
        return self.now.date()

    @property
    def verified(self) -> bool:
        """Whether this conversation passed identity verification."""
        return self.slots.get(VERIFICATION) == VERIFIED

    def entity(self, name: str) -> Any:
        """First value of an entity in this message, or None."""
        return self.entities.get(name)


@dataclass(frozen=True)
class Reply:
    """A script to send, with the values of its placeholders."""

    script_id: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a handler decided: messages to send and slots to set."""

    replies: list[Reply] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    end_form: bool = False

    def say(self, script_id: str, **params: Any) -> Outcome:
        """Append a reply and return self (for chaining)."""
        self.replies.append(Reply(script_id, params))
        return self

    def extend(self, other: Outcome) -> Outcome:
        """Append another outcome's replies and slots."""
        self.replies.extend(other.replies)
        self.slots.update(other.slots)
        self.end_form = self.end_form or other.end_form
        return self
