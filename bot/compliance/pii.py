"""What counts as personal information in a text, and where it is: the one PII finder.

:func:`find_pii` is the single definition of PII for the whole project. Masking
(:func:`bot.db.masking.mask_text`) hides exactly the spans it returns, and the guard's
``pii-masking`` rule reports exactly its card and ID spans (:func:`find`). Kinds:

- ``card``: a bank card number, 16-19 digits, contiguous or in groups
  (``6217 0000 1234 5678``, ``6217-12345678-9012``, ``621712345678 9012``), starting like a
  card does (3, 4, 5, 6, 9, or Mastercard's 2221-2720);
- ``id``: a resident ID number, 18 characters (17 digits and a digit or ``X``) or the old
  15 digits, contiguous or grouped (``110105-19900101-123X``), with a real province code and a
  real birth date;
- ``mobile``: a mainland mobile number (``1[3-9]`` and 9 digits), optionally after ``+86`` or
  ``86``, contiguous or as 3-4-4 / 3-8;
- ``landline``: a fixed-line number with its area code (``010-12345678``, ``0755 1234 5678``,
  ``(021)87654321``): area code 010, 02x or 0[3-9]xx, then 7-8 digits.

Matching runs on the NFKC form of the text (full-width digits and brackets, circled digits,
other scripts' decimal digits are read as ASCII; zero-width and other format characters are
skipped), character by character, so every normalised character knows its offset in the
original text; spans are reported in the original text.

Numbers are read as *chains*: digit groups joined by a space or a hyphen (at most two spaces
either side of one hyphen). A chain is cut into the partition that covers the most digits with
valid numbers, so ``13800001111 6217 0000 1234 5678`` is a mobile and a card, not a 15-digit
ID followed by leftovers. Amounts (``12580.00``, ``3,260.50``), dates (``2026-12-03``,
``20261203``) and order numbers fail the length, prefix, region or date checks.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

KIND_CARD = "card"
KIND_ID = "id"
KIND_MOBILE = "mobile"
KIND_LANDLINE = "landline"
KINDS = (KIND_CARD, KIND_ID, KIND_MOBILE, KIND_LANDLINE)
# Kinds an outgoing message may never carry in full (rule ``pii-masking``). Phone numbers
# are masked in records but not blocked in messages: the institution's own contact numbers
# (the policy file's hotline, a branch's landline) are phone numbers too.
GUARDED_KINDS = frozenset({KIND_CARD, KIND_ID})

_MAX_GROUPS = 8  # the most digit groups one number is written in
_MIN_DIGITS = 10  # the shortest number: a landline, 3-digit area code and 7 digits
_MAX_DIGITS = 19  # the longest number: a card
# First two digits of a resident ID: province (GB/T 2260), Taiwan, Hong Kong, Macao, abroad.
_PROVINCES = frozenset(
    {*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)}
    | {*range(61, 66), 71, 81, 82, 91}
)
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
# A digit group: a bracketed area code, or digits (a leading "+" and a trailing "X" noted).
_GROUP = re.compile(
    r"\((?P<area>0\d{2,3})\)|(?P<plus>\+)?(?P<digits>\d+)(?P<x>[xX])?", flags=re.ASCII
)
# What may stand between two groups of one number.
_GAP = re.compile(r"[ \t]{0,2}-?[ \t]{0,2}")


@dataclass(frozen=True)
class PiiSpan:
    """One personal number found in a text.

    Attributes:
        kind: One of :data:`KINDS`.
        start: Start offset in the text given to :func:`find_pii`.
        end: End offset (exclusive) in that text.
        value: The number as ASCII digits (an ID's check character as ``X``), a mobile's
            ``86`` prefix included, separators and brackets left out.
        lead: How many leading characters of ``value`` are a routing prefix (the ``86`` of a
            mobile, the area code of a landline); 0 for the other kinds.
        positions: For each character of ``value``, its offset in the text.
    """

    kind: str
    start: int
    end: int
    value: str
    lead: int
    positions: tuple[int, ...]


@dataclass(frozen=True)
class PiiHit:
    """A guarded identifier (card or ID number), as the guard reads it.

    Attributes:
        kind: ``card`` or ``id``.
        start: Start offset in the text given to :func:`find`.
        end: End offset (exclusive).
    """

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class _Group:
    start: int  # offset of the group's first character: "(" or the first digit
    end: int  # offset after the last digit (a trailing "X" excluded)
    digits: str
    digit_start: int  # offset of the first digit
    plus: bool = False
    area: bool = False  # written as "(0xx)"
    x: bool = False  # followed directly by an "X" (end + 1 is the X)


@dataclass(frozen=True)
class _Number:
    kind: str
    value: str
    lead: int
    start: int
    end: int
    positions: tuple[int, ...]


def find_pii(text: str) -> list[PiiSpan]:
    """Find every card, ID, mobile and landline number in ``text``.

    Args:
        text: Any text (Chinese or English, half- or full-width).

    Returns:
        Non-overlapping spans ordered by start offset, in ``text``'s own offsets.
    """
    normal, index = _normalise(text)
    spans = []
    for chain in _chains(normal):
        if sum(len(group.digits) for group in chain) < _MIN_DIGITS:
            continue
        for number in _best_partition(chain):
            spans.append(
                PiiSpan(
                    kind=number.kind,
                    start=index[number.start],
                    end=index[number.end - 1] + 1,
                    value=number.value,
                    lead=number.lead,
                    positions=tuple(index[p] for p in number.positions),
                )
            )
    return spans


def find(text: str) -> list[PiiHit]:
    """Find the full card and ID numbers an outgoing message must not carry.

    The same spans as :func:`find_pii`, restricted to :data:`GUARDED_KINDS`.

    Args:
        text: The message (the guard passes its normalised text).

    Returns:
        Hits ordered by start offset.
    """
    return [
        PiiHit(span.kind, span.start, span.end)
        for span in find_pii(text)
        if span.kind in GUARDED_KINDS
    ]


def mask(value: str) -> str:
    """Mask a card or ID number for logs, keeping only its last four characters.

    Args:
        value: The identifier (digits, possibly with separators).

    Returns:
        ``****`` followed by the last four non-separator characters.
    """
    kept = [char for char in value if char.isalnum()]
    return "****" + "".join(kept[-4:])


# --- normalisation ----------------------------------------------------------------------


def _normalise(text: str) -> tuple[str, Sequence[int]]:
    """NFKC-fold ``text`` character by character, keeping each output's source offset."""
    if text.isascii():
        return text, range(len(text))
    chars: list[str] = []
    index: list[int] = []
    for offset, char in enumerate(text):
        folded = _fold(char)
        chars.append(folded)
        index.extend([offset] * len(folded))
    return "".join(chars), index


@lru_cache(maxsize=8192)
def _fold(char: str) -> str:
    """NFKC form of one character; dashes as "-", any script's digits as ASCII digits.

    Format characters (zero-width space and joiners, soft hyphen) fold to nothing.
    """
    if unicodedata.category(char) == "Cf":
        return ""
    folded = []
    for part in unicodedata.normalize("NFKC", char):
        if part in _DASHES:
            part = "-"
        elif part.isdecimal() and not part.isascii():
            part = str(unicodedata.decimal(part))
        folded.append(part)
    return "".join(folded)


# --- chains -----------------------------------------------------------------------------


def _chains(normal: str) -> list[list[_Group]]:
    """Split the normalised text into chains of digit groups that may form one number."""
    chains: list[list[_Group]] = []
    previous: _Group | None = None
    for match in _GROUP.finditer(normal):
        group = _group(match)
        if previous is not None and _joins(normal, previous, group):
            chains[-1].append(group)
        else:
            chains.append([group])
        previous = group
    return chains


def _group(match: re.Match[str]) -> _Group:
    if match.group("area"):
        return _Group(match.start(), match.end(), match.group("area"), match.start() + 1, area=True)
    return _Group(
        start=match.start("digits"),
        end=match.end("digits"),
        digits=match.group("digits"),
        digit_start=match.start("digits"),
        plus=bool(match.group("plus")),
        x=bool(match.group("x")),
    )


def _joins(normal: str, previous: _Group, group: _Group) -> bool:
    if previous.x or group.plus or group.area:
        return False
    gap = normal[previous.end : group.start]
    return (bool(gap) or previous.area) and _GAP.fullmatch(gap) is not None


def _best_partition(chain: list[_Group]) -> list[_Number]:
    """Cut a chain into numbers covering the most digits (then: the fewest numbers)."""
    size = len(chain)
    # best[i]: (digits covered, -numbers, numbers) for the first i groups.
    nothing: list[_Number] = []
    best = [(0, 0, nothing)] + [(-1, 0, nothing)] * size
    for i in range(size):
        covered, count, numbers = best[i]
        if (covered, count) > best[i + 1][:2]:
            best[i + 1] = (covered, count, numbers)
        digits = 0
        for j in range(i + 1, min(size, i + _MAX_GROUPS) + 1):
            digits += len(chain[j - 1].digits)
            if digits > _MAX_DIGITS:
                break
            number = _classify(chain[i:j]) if digits >= _MIN_DIGITS else None
            if number is None:
                continue
            candidate = (covered + len(number.value), count - 1, [*numbers, number])
            if candidate[:2] > best[j][:2]:
                best[j] = candidate
    return best[size][2]


# --- kinds ------------------------------------------------------------------------------


def _classify(groups: list[_Group]) -> _Number | None:
    """Return the number these groups write, if any (ID before card before phones)."""
    if any(group.area for group in groups[1:]):
        return None
    for reader in _READERS:
        number = reader(groups)
        if number is not None:
            return number
    return None


def _number(kind: str, groups: list[_Group], lead: int = 0, with_x: bool = False) -> _Number:
    """Build the number written by ``groups``; "(" and a country code's "+" join the span."""
    positions = [g.digit_start + k for g in groups for k in range(len(g.digits))]
    value = "".join(g.digits for g in groups)
    end = groups[-1].end
    if with_x:
        positions.append(end)
        value += "X"
        end += 1
    start = groups[0].start - (1 if kind == KIND_MOBILE and lead and groups[0].plus else 0)
    return _Number(kind, value, lead, start, end, tuple(positions))


def _read_id(groups: list[_Group]) -> _Number | None:
    if groups[0].area or any(len(g.digits) < 2 for g in groups[:-1]):
        return None
    digits = "".join(g.digits for g in groups)
    x = groups[-1].x
    if len(digits) == 17 and x and _valid_id(digits + "X"):
        return _number(KIND_ID, groups, with_x=True)
    if len(digits) in (15, 18) and _valid_id(digits):
        return _number(KIND_ID, groups)
    return None


def _valid_id(value: str) -> bool:
    if int(value[:2]) not in _PROVINCES:
        return False
    birth = "19" + value[6:12] if len(value) == 15 else value[6:14]
    if birth[:2] not in ("18", "19", "20"):
        return False
    try:
        dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return False
    return True


def _read_card(groups: list[_Group]) -> _Number | None:
    if groups[0].area or any(len(g.digits) < 3 for g in groups[:-1]):
        return None
    digits = "".join(g.digits for g in groups)
    if not 16 <= len(digits) <= 19 or not _card_prefix(digits):
        return None
    return _number(KIND_CARD, groups)


def _card_prefix(digits: str) -> bool:
    return digits[0] in "34569" or 2221 <= int(digits[:4]) <= 2720


_MOBILE = re.compile(r"1[3-9]\d{9}", flags=re.ASCII)
_MOBILE_SHAPES = ((11,), (3, 4, 4), (3, 8))


def _read_mobile(groups: list[_Group]) -> _Number | None:
    if groups[0].area:
        return None
    parts = [g.digits for g in groups]
    readings = [(0, parts)]
    if parts[0].startswith("86"):  # "+86 138...", "86-138...", "+86138...", "+86138 0000 1111"
        readings.append((2, [parts[0][2:], *parts[1:]] if len(parts[0]) > 2 else parts[1:]))
    for lead, number in readings:
        if tuple(map(len, number)) in _MOBILE_SHAPES and _MOBILE.fullmatch("".join(number)):
            return _number(KIND_MOBILE, groups, lead=lead)
    return None


_LOCAL_SHAPES = ((7,), (8,), (3, 4), (4, 4))


def _read_landline(groups: list[_Group]) -> _Number | None:
    if len(groups) == 1:
        digits = groups[0].digits
        area = _area_length(digits)
        if area and len(digits) - area in (7, 8):
            return _number(KIND_LANDLINE, groups, lead=area)
        return None
    area = len(groups[0].digits)
    local = tuple(len(g.digits) for g in groups[1:])
    if _area_length(groups[0].digits) != area or local not in _LOCAL_SHAPES:
        return None
    return _number(KIND_LANDLINE, groups, lead=area)


def _area_length(digits: str) -> int:
    """Length of the area code ``digits`` starts with (010, 02x, 0[3-9]xx), or 0."""
    if digits.startswith("010") or re.match(r"02\d", digits):
        return 3
    if re.match(r"0[3-9]\d\d", digits):
        return 4
    return 0


_READERS: tuple[Callable[[list[_Group]], _Number | None], ...] = (
    _read_id,
    _read_card,
    _read_mobile,
    _read_landline,
)
