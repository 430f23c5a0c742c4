"""Which legal actions a sentence talks about, for the no-false-legal context rule."""

from __future__ import annotations

import re
from functools import lru_cache

_ACTION_WORDS: dict[str, str] = {
    "lawsuit": r"起诉|诉讼|立案|传票|开庭|\bsu(?:e|ed|ing)\b|lawsuit|summons|legal action",
    "judgment": r"判决|裁定|判了|败诉|judgment|court order",
    "enforcement": r"执行|限制高消费|限制出境|enforce\w*",
    "asset_freeze": r"冻结|查封|扣押|划扣|扣划|划走|扣走|保全|garnish\w*|seiz\w*|freez\w*|levy",
}


@lru_cache(maxsize=1)
def _regexes() -> dict[str, re.Pattern[str]]:
    return {action: re.compile(words) for action, words in _ACTION_WORDS.items()}


def mentioned_actions(text: str) -> set[str]:
    """Return the legal actions (``lawsuit``, ``judgment`` ...) a normalised text mentions."""
    return {action for action, regex in _regexes().items() if regex.search(text)}
