"""Full card numbers and resident ID numbers in an outgoing message.

A message may show a card's last four digits ("尾号1234") or a masked number
("6222 **** **** 1234"); it must never carry a full card number (16-19 digits, spaces
or hyphens allowed between groups) or a full 18-character resident ID number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

KIND_CARD = "card"
KIND_ID = "id"


@dataclass(frozen=True)
class PiiHit:
    """One full identifier in normalised text.

    Attributes:
        kind: ``card`` or ``id``.
        start: Start offset in the normalised text.
        end: End offset (exclusive).
    """

    kind: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    resident_id = re.compile(
        r"(?<![0-9a-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9x]"
        r"(?![0-9a-z])"
    )
    card = re.compile(r"(?<![0-9])\d(?:[ -]?\d){15,18}(?![0-9])")
    return resident_id, card


def find(text: str) -> list[PiiHit]:
    """Find full ID and card numbers in normalised (lower-case, half-width) text.

    An 18-digit run that is a valid-looking ID number (region, birth date) is reported
    as an ID, anything else of 16-19 digits as a card.

    Args:
        text: Normalised text.

    Returns:
        Hits ordered by start offset.
    """
    resident_id, card = _regexes()
    hits = [PiiHit(KIND_ID, m.start(), m.end()) for m in resident_id.finditer(text)]
    taken = [(hit.start, hit.end) for hit in hits]
    for match in card.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        digits = sum(char.isdigit() for char in match.group())
        if 16 <= digits <= 19:
            hits.append(PiiHit(KIND_CARD, match.start(), match.end()))
    return sorted(hits, key=lambda hit: hit.start)


def mask(value: str) -> str:
    """Mask a card or ID number for logs, keeping only its last four characters.

    Args:
        value: The identifier (digits, possibly with separators).

    Returns:
        ``****`` followed by the last four non-separator characters.
    """
    kept = [char for char in value if char.isalnum()]
    return "****" + "".join(kept[-4:])
