"""Plain data passed between the Rasa actions and the dialogue handlers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypedDict, cast

# Slots the handlers read and write (names match domain.yml).
VERIFICATION = "verification"
VERIFIED = "verified"
UNVERIFIED = "unverified"
LOCKED = "locked"
PENDING_OFFER = "pending_offer"
IDENTITY_RETRY = "identity_retry"
# The NLU's name for the request inside an identity message (its value is an intent name).
REQUEST_ENTITY = "request"
# Set once the borrower wrote of despair or self-harm: the conversation collects no more.
IN_DISTRESS = "in_distress"


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
    # Every value of each entity type, in message order ("下周一还500，周五再还800").
    entity_lists: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    # The NLU's confidence in ``intent`` (the answer-fit check trusts a confident intent).
    intent_confidence: float = 1.0

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

    def values(self, name: str) -> tuple[Any, ...]:
        """Every value of an entity in this message, in order (the first one at least)."""
        found = self.entity_lists.get(name)
        if found:
            return tuple(found)
        return () if self.entities.get(name) is None else (self.entities[name],)


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


class OfferKind(str, Enum):
    """What the bot offered or asked last, and waits an answer for (slot ``pending_offer``)."""

    INSTALLMENT = "installment"
    """A standard plan of ``tenor`` periods: yes records it."""
    CHOOSE_PLAN = "choose_plan"
    """Every standard plan was listed: the borrower picks one or names an amount."""
    HARDSHIP_CHECK = "hardship_check"
    """No standard plan fits ``offer``: yes starts the hardship route."""
    HARDSHIP = "hardship"
    """A hardship plan of ``months`` at ``offer`` a month: yes applies for it."""
    HARDSHIP_OFFER = "hardship_offer"
    """Hardship stated: the bot asked what the borrower can pay a month."""
    PROMISE = "promise"
    """A promise to pay being collected: ``amount`` and ``date`` so far."""
    WAIVER_HANDOFF = "waiver_handoff"
    """The waiver policy was stated: yes hands off to a human."""


class _PendingOfferKind(TypedDict):
    kind: str  # an OfferKind value (slots hold JSON)


class PendingOffer(_PendingOfferKind, total=False):
    """The ``pending_offer`` slot: a kind and the fields that kind carries."""

    tenor: int
    months: int
    offer: str  # a Decimal as text
    amount: str | None  # a Decimal as text
    date: str | None  # an ISO date


def pending_offer(slots: Mapping[str, Any]) -> PendingOffer | None:
    """The pending offer in the slots, or None when there is none (or it is malformed)."""
    value = slots.get(PENDING_OFFER)
    if not isinstance(value, dict) or value.get("kind") not in {k.value for k in OfferKind}:
        return None
    return cast(PendingOffer, value)


def make_offer(kind: OfferKind, **fields: Any) -> PendingOffer:
    """A ``pending_offer`` slot value."""
    return cast(PendingOffer, {"kind": kind.value, **fields})
