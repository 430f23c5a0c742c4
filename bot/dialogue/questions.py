"""Yes/no questions that must get the truthful answer first (issue 12).

A borrower who asks "会坐牢吗" or "会不会找我家人" fears a threat the compliance rules forbid
(no-threat, no-third-party). The answer opens with the truthful "不会" and its reason, before
anything else; an affirmation or a verification request first would read as "yes".
"""

from __future__ import annotations

import re
from enum import Enum


class Fear(str, Enum):
    """What a consequences question is afraid of."""

    ARREST = "arrest"
    THIRD_PARTY = "third_party"


# The script that answers each fear, in the order they are said.
ANSWERS: dict[Fear, str] = {
    Fear.ARREST: "consequences.no_jail",
    Fear.THIRD_PARTY: "consequences.no_third_party",
}

_PATTERNS: dict[Fear, re.Pattern[str]] = {
    Fear.ARREST: re.compile(
        r"坐牢|判刑|蹲监|监狱|抓|拘留|拘役|报警|警察|公安|派出所|犯罪|犯法|刑事|诈骗罪|"
        r"jail|prison|arrest|police|crime|criminal",
        re.IGNORECASE,
    ),
    Fear.THIRD_PARTY: re.compile(
        r"家人|家里|家属|父母|爸|妈|老婆|老公|媳妇|爱人|孩子|子女|亲戚|亲人|朋友|同事|单位|"
        r"公司|领导|老板|通讯录|联系人|上门|曝光|朋友圈|"
        r"family|parents|wife|husband|employer|boss|colleague|contacts",
        re.IGNORECASE,
    ),
}


def fears(text: str) -> list[Fear]:
    """The fears a consequences question names, in :class:`Fear` order."""
    return [fear for fear, pattern in _PATTERNS.items() if pattern.search(text)]
