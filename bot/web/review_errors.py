"""Errors of the trainer review: each message is for the trainer and is shown as it is."""

from __future__ import annotations


class ReviewError(ValueError):
    """A review request was refused; the message is for the trainer."""


class ConversationNotFoundError(ReviewError, LookupError):
    """No conversation with this id in the tracker store or the outcome tables."""


class TurnNotFoundError(ReviewError, LookupError):
    """The conversation has no user message with this event id."""


class InvalidAnnotationError(ReviewError):
    """An annotation names an unknown intent or entity, or a span not in the text."""


class FilterError(ReviewError):
    """A list filter has a value that cannot be parsed."""
