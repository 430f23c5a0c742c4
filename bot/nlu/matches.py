"""Spans found in a message by the normalizers, and how overlapping spans are resolved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MASK_CHAR = "\ufffc"
"""Stands in for text already claimed by another entity (not a digit, letter or space)."""


@dataclass(frozen=True)
class Match:
    """A normalized value found at ``text[start:end]``.

    Attributes:
        start: Offset of the entity's first character.
        end: Offset just after the entity's last character.
        value: The normalized value.
        context_start: Start of the text consumed along with the entity (a trigger such
            as "后四位" or "分"); defaults to ``start``.
        context_end: End of the consumed text; defaults to ``end``.
    """

    start: int
    end: int
    value: Any
    context_start: int | None = None
    context_end: int | None = None

    @property
    def claimed(self) -> tuple[int, int]:
        """The span this match takes away from other entities (entity plus trigger)."""
        start = self.start if self.context_start is None else min(self.start, self.context_start)
        end = self.end if self.context_end is None else max(self.end, self.context_end)
        return start, end


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two half-open spans share at least one character.

    Args:
        a: A (start, end) span.
        b: Another (start, end) span.

    Returns:
        Whether they overlap.
    """
    return a[0] < b[1] and b[0] < a[1]


def select_longest(matches: Iterable[Match]) -> list[Match]:
    """Keeps the longest of overlapping matches (the earliest one on ties), in text order.

    Args:
        matches: Candidate matches, possibly overlapping.

    Returns:
        Non-overlapping matches sorted by start.
    """
    ordered = sorted(matches, key=lambda m: (-(m.claimed[1] - m.claimed[0]), m.claimed[0]))
    chosen: list[Match] = []
    for match in ordered:
        if not any(overlaps(match.claimed, kept.claimed) for kept in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def mask(text: str, matches: Iterable[Match]) -> str:
    """Replaces the claimed spans of ``matches`` with ``MASK_CHAR``, keeping offsets.

    Args:
        text: The message text.
        matches: Matches whose text later finders must not see.

    Returns:
        Text of the same length.
    """
    chars = list(text)
    for match in matches:
        start, end = match.claimed
        chars[start:end] = MASK_CHAR * (end - start)
    return "".join(chars)
