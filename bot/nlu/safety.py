"""Deterministic detection of despair and self-harm in a borrower's message.

A learned intent classifier can miss "欠这么多钱 我只想死" (it sees the debt words). For the
``distress`` rule (compliance.md: a caring reply with 12356, collection stops, urgent hand-off)
recall matters more than anything, so these phrases override whatever the classifier said.
They are first-person expressions of wanting to die or hurt oneself; abuse aimed at others
("你去死吧") and idioms ("笑死我了", "想死你了" = "I miss you so much") do not match.
"""

from __future__ import annotations

import re
from functools import lru_cache

_PHRASES = (
    r"不想活",
    r"活不下去",
    r"活不成了",
    r"活着(?:真|还|也)?没(?:什么|啥)?意思",
    r"活着(?:还)?有(?:什么|啥)意思",
    r"活够了",
    r"(?<![笑气累饿热冷困烦])想死(?!你|您|他|她|它|我了)",
    r"只想死",
    r"想一死了之",
    r"一死了之",
    r"死了(?:就)?算了",
    r"不如死了",
    r"自杀",
    r"轻生",
    r"寻死",
    r"(?:想|要|去)(?:跳楼|跳河|跳桥|卧轨|割腕)",
    r"(?:吃|吞)(?:了)?(?:安眠药|农药)",
    r"结束(?:我的|自己的)?生命",
    r"了结(?:我)?自己",
    r"没有?活路",
    r"kill (?:my ?self)",
    r"end (?:my life|it all)",
    r"suicid",
    r"(?:don'?t|do not) want to (?:live|be alive)",
    r"want to die",
    r"wanna die",
    r"feel(?:ing)? like dying",
    r"better off dead",
)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(_PHRASES), re.IGNORECASE)


def find_distress(text: str) -> tuple[int, int] | None:
    """The span of the first despair or self-harm phrase in ``text``, or None."""
    match = _pattern().search(text or "")
    return (match.start(), match.end()) if match else None
