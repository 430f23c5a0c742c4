r"""Mainland mobile numbers and the last four characters of an ID number.

Pure functions, no Rasa, no logging of the numbers themselves (they are personal data).

``phone``: an 11-digit mainland mobile number (1, then 3-9, then 9 digits), optionally
written 3-4-4 with spaces or hyphens and optionally prefixed with +86/86/0086. The span
covers everything matched, prefix included; the value is the 11 digits as a string.

``id_last4``: three digits and a final digit or X, introduced by a trigger ("后四位",
"后4位", "后四个", "后四码", "末四位", "最后四位", "尾号", "尾数", "身份证", "证件号", "id",
optionally followed by 是/为/: and spaces) or followed by one ("1234是后四位"); any
stand-alone ``\d{3}X`` token (an amount never ends in X). The span covers only the four
characters; the value is them with X upper-cased. A message that is nothing but such four
characters is a bare answer (see ``bare_id_last4``).
"""

from __future__ import annotations

import logging
import re

from bot.nlu.matches import Match, select_longest

logger = logging.getLogger(__name__)

_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?(?P<number>1[3-9]\d(?:[\s-]?\d{4}){2})(?!\d)"
)
_LAST4 = r"(?P<value>\d{3}[\dXx])(?![\dA-Za-z])"
_TRIGGER = (
    r"(?:最?后|末|尾)\s*(?:四|4)\s*(?:位|个|码)(?:数字?|号码?)?|尾号|尾数"
    r"|(?:身份证|证件)(?:号码?)?|(?<![A-Za-z])(?i:id)(?![A-Za-z])"
)
_TRIGGER_FIRST = re.compile(rf"(?P<trigger>(?:{_TRIGGER})\s*(?:是|为|就是|:)?\s*){_LAST4}")
_VALUE_FIRST = re.compile(
    rf"(?<![\dA-Za-z]){_LAST4}(?P<trigger>\s*(?:是|为|就是)?\s*(?:我的?)?"
    rf"(?:身份证|证件)?(?:号码?)?的?(?:{_TRIGGER}))"
)
_ENDS_WITH_X = re.compile(r"(?<![\dA-Za-z])(?P<value>\d{3}[Xx])(?![\dA-Za-z])")
_BARE_LAST4 = re.compile(r"\s*(?P<value>\d{3}[\dXx])\s*[。.!！?？]*\s*")


def find_phones(text: str) -> list[Match]:
    """Finds mainland mobile numbers.

    Args:
        text: The message (full-width characters already mapped to ASCII).

    Returns:
        Matches in text order; each value is the 11 digits as a string.
    """
    return [
        Match(found.start(), found.end(), re.sub(r"\D", "", found["number"]))
        for found in _PHONE.finditer(text)
    ]


def find_id_last4(text: str) -> list[Match]:
    """Finds the last four characters of an ID number introduced by a trigger phrase.

    Args:
        text: The message, with phone numbers masked.

    Returns:
        Matches in text order; each value is four characters with X upper-cased.
    """
    matches = [
        Match(found.start("value"), found.end("value"), found["value"].upper())
        for found in _ENDS_WITH_X.finditer(text)
    ]
    for pattern in (_TRIGGER_FIRST, _VALUE_FIRST):
        for found in pattern.finditer(text):
            matches.append(
                Match(
                    found.start("value"),
                    found.end("value"),
                    found["value"].upper(),
                    context_start=found.start("trigger"),
                    context_end=found.end("trigger"),
                )
            )
    return select_longest(matches)


def bare_id_last4(text: str) -> Match | None:
    """Reads a message that is nothing but four ID characters ("1234", "567X").

    Args:
        text: The whole message.

    Returns:
        The match, or None when the message holds anything else.
    """
    found = _BARE_LAST4.fullmatch(text)
    if found is None:
        return None
    return Match(found.start("value"), found.end("value"), found["value"].upper())
