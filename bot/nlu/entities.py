r"""Deterministic extraction of normalized entities from a Chinese borrower's message.

Pure functions, no Rasa. Entity types, values and spans:

==============  ==================================  =============================================
entity          value                               span
==============  ==================================  =============================================
phone           "13800001111" (str, 11 digits)      the number as typed, +86 and separators included
                                                    ("一三八零零零零一一一一" read out works too,
                                                    and "1 3 9 0 0 1 2 7 7 8 8" spaced out)
id_last4        "012X" (str, X upper-cased)          the four characters only ("一二三四" -> "1234",
                                                    "4 4 0 x" -> "440X")
date            "2026-12-05" (ISO str)              the whole expression ("下个月5号"), see dates
installments    12 (int, months)                    number and unit ("12期", "24个月", "半年")
amount          800 (int) or 326.05 (float, 2 dp)   number, magnitude and attached currency
                                                    ("2,000元", "八百块钱", "1.5万", "3k")
==============  ==================================  =============================================

Finders run in that order, each on the text left unclaimed by the earlier ones, so digits
inside a phone number, an ID, a date ("15号") or a tenor ("12期") never become amounts. The
last four digits of a phone number ("手机尾号1111", "尾号1111的那个手机", "138****1111") are
claimed right after the phones and reported as nothing: they are neither an ID nor an amount.
Digits spaced out one by one that are neither a phone nor an ID ("6 2 2 8 4 8") are claimed
after the IDs and reported as nothing too: spaced digits are one identifier, never amounts.

Bare answers: a message that is only four characters ``\d{3}[\dXx]`` yields ``id_last4``
and, when all four are digits, also an ``amount`` with the same span (the dialogue picks by
context). Four characters spaced out ("1 2 3 4") yield ``id_last4`` only. A message that is
only a mobile number yields ``phone``; only "800" yields an amount.

Four digits standing alone inside a longer message (no currency, magnitude or measure word
attached, e.g. "张伟 1234", "应该是1234", "13700003333，9012") are read as follows:

* the number itself is money: right after a paying word (还 付 交 缴 转 存 打 给 凑 拿 借 欠,
  optionally with 了/过, or 只能/最多/最少/每月/每个月/一共/总共/先) or right before 多/余/左右/
  出头: ``amount`` only, even next to a phone number ("13700003333，9012，我周五先还6000");
* the message also holds a phone number or speaks of identity (身份/证件/验证/核实/核对/id):
  ``id_last4`` only;
* else, the message has no money or repayment word (还 付 交 缴 转 存 有 剩 欠 拿 凑 借 花 笔 钱
  元 块 万 千 百 每 月 最多 最少 先 只能 多少 金额 账 费 息 出 手上 手头 手里 挤 给 够 能,
  打 right before digits ("打3000过去"), 多/余 right after digits ("3000多"), ¥ $ rmb yuan
  pay give offer afford owe send transfer, pinyin huan kuai qian zhuan gei): both ``id_last4``
  and ``amount``;
* else (``"下周还2000"``): ``amount`` only.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from bot.nlu.amounts import find_amounts
from bot.nlu.dates import find_dates
from bot.nlu.identifiers import (
    bare_id_last4,
    find_digit_runs,
    find_id_last4,
    find_phone_tails,
    find_phones,
)
from bot.nlu.installments import find_installments
from bot.nlu.matches import Match, mask
from bot.nlu.numbers import to_halfwidth

logger = logging.getLogger(__name__)

_FOUR_DIGITS = re.compile(r"\d{4}")
_ID_CONTEXT = re.compile(r"身份|证件|验证|核实|核对|(?<![A-Za-z])(?i:id)(?![A-Za-z])")
_AMOUNT_CONTEXT = re.compile(
    r"还|付|交|缴|转|存|有|剩|欠|拿|凑|借|花|笔|钱|元|块|万|千|百|每|月|最多|最少|先|只能|多少|金额"
    r"|账|费|息|出|手上|手头|手里|挤|给|够|能|打(?=\s*\d)|(?<=\d)[多余]"
    r"|[¥￥$]|(?i:rmb|yuan|pay|give|offer|afford|owe|send|transfer)"
    r"|(?<![A-Za-z])(?i:huan|kuai|qian|zhuan|gei)(?![A-Za-z])"  # pinyin: 还 块 钱 转 给
)
_MONEY_BEFORE = re.compile(
    r"(?:[还付交缴转存打给凑拿借欠][了过]?|只能|最多|最少|每个?月|一共|总共|先)\s*$"
)
_MONEY_AFTER = re.compile(r"\s*(?:多|余|左右|出头)")

AMOUNT = "amount"
DATE = "date"
ID_LAST4 = "id_last4"
INSTALLMENTS = "installments"
PHONE = "phone"
_PHONE_TAIL = "phone_tail"
"""Claimed so that later finders skip it, never reported."""
_DIGIT_RUN = "digit_run"
"""Spaced digits that are no phone or ID: claimed like ``_PHONE_TAIL``, never reported."""
ENTITY_TYPES = (PHONE, ID_LAST4, DATE, INSTALLMENTS, AMOUNT)


class Entity(TypedDict):
    """An entity as Rasa stores it (``extractor`` is added by the component)."""

    entity: str
    value: str | int | float
    start: int
    end: int
    text: str


def extract_entities(text: str, today: dt.date) -> list[Entity]:
    """Finds phone, id_last4, date, installments and amount entities in a message.

    Args:
        text: The user's message as typed.
        today: Today's date in the borrower's time zone (Asia/Shanghai), used to resolve
            relative dates.

    Returns:
        Entities sorted by start offset; ``text[start:end] == entity["text"]``.
    """
    normalized = to_halfwidth(text)
    bare = bare_id_last4(normalized)
    if bare is not None:
        return _bare_answer(text, bare)

    finders: list[tuple[str, Callable[[str], list[Match]]]] = [
        (PHONE, find_phones),
        (_PHONE_TAIL, find_phone_tails),
        (ID_LAST4, find_id_last4),
        (_DIGIT_RUN, find_digit_runs),
        (DATE, lambda remaining: find_dates(remaining, today)),
        (INSTALLMENTS, find_installments),
        (AMOUNT, find_amounts),
    ]
    found: dict[str, list[Match]] = {}
    remaining = normalized
    for name, finder in finders:
        found[name] = finder(remaining)
        remaining = mask(remaining, found[name])
    del found[_PHONE_TAIL], found[_DIGIT_RUN]
    _resolve_four_digit_amounts(normalized, found)
    entities = [_entity(name, match, text) for name, matches in found.items() for match in matches]
    return sorted(entities, key=lambda entity: (entity["start"], entity["entity"]))


def amount_value(amount: Decimal) -> int | float:
    """Converts an amount to the entity value: int when whole, else float to 2 decimals.

    Args:
        amount: Yuan.

    Returns:
        800 for Decimal("800.00"), 326.05 for Decimal("326.05").
    """
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if cents == cents.to_integral_value():
        return int(cents)
    return float(cents)


def _resolve_four_digit_amounts(text: str, found: dict[str, list[Match]]) -> None:
    """Decides whether stand-alone four-digit amounts are ID digits (see module docstring)."""
    candidates = [
        m
        for m in found[AMOUNT]
        if _FOUR_DIGITS.fullmatch(text, m.start, m.end) and not _reads_as_money(text, m)
    ]
    if not candidates:
        return
    if found[PHONE] or _ID_CONTEXT.search(text):
        found[AMOUNT] = [m for m in found[AMOUNT] if m not in candidates]
        found[ID_LAST4] += [_as_id_last4(m, text) for m in candidates]
    elif not _AMOUNT_CONTEXT.search(text):
        found[ID_LAST4] += [_as_id_last4(m, text) for m in candidates]


def _reads_as_money(text: str, match: Match) -> bool:
    """Whether a paying word is right before the number or an approximation right after it."""
    before = text[max(0, match.start - 4) : match.start]
    return bool(_MONEY_BEFORE.search(before) or _MONEY_AFTER.match(text, match.end))


def _as_id_last4(match: Match, text: str) -> Match:
    return Match(match.start, match.end, text[match.start : match.end])


def _bare_answer(text: str, match: Match) -> list[Entity]:
    entities = [_entity(ID_LAST4, match, text)]
    if text[match.start : match.end].isdigit():  # not "1 2 3 4" spaced out
        entities.append(_entity(AMOUNT, Match(match.start, match.end, Decimal(match.value)), text))
    return entities


def _entity(name: str, match: Match, text: str) -> Entity:
    value = match.value
    if name == DATE:
        value = value.isoformat()
    elif name == AMOUNT:
        value = amount_value(value)
    return Entity(
        entity=name,
        value=value,
        start=match.start,
        end=match.end,
        text=text[match.start : match.end],
    )
