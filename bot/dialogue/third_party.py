"""Someone asking about another person's debt on their behalf ("我是王强同事，他让我帮他问问").

A colleague, relative or friend who asks for the borrower is not the borrower: nothing about
the debt is said (compliance.md: right-party, no third-party disclosure), and they are not asked
for the borrower's identifiers either. They are told that only the card holder can be answered,
and how the holder reaches the issuer. Read before verification only; after it, a message that
says it is someone else is the ``wrong_person`` intent's (which ends the verification).
"""

from __future__ import annotations

import re

_RELATION = (
    r"同事|朋友|同学|邻居|室友|领导|老板|员工|老婆|老公|妻子|丈夫|爱人|媳妇|对象|家人|亲戚|"
    r"儿子|女儿|爸爸?|妈妈?|父亲|母亲|哥哥?|姐姐?|弟弟?|妹妹?|表哥|表姐|表弟|表妹|"
    r"colleague|friend|wife|husband|brother|sister|son|daughter|mother|father"
)
_SPEAKER_IS_OTHER = re.compile(
    rf"(?:我是|我系|i'?m|i am)\s*(?:他|她|佢|[\u4e00-\u9fff]{{2,3}}?|(?:his|her|a|\w+'s)\s+)?"
    rf"的?\s*(?:{_RELATION})",
    re.IGNORECASE,
)
_ON_BEHALF = re.compile(
    r"(?:帮|替|代)(?:他|她|佢)|(?:他|她|佢)让我|让我(?:帮|来|问)|打听|"
    r"on (?:his|her) behalf|for (?:him|her)\b|asked me to",
    re.IGNORECASE,
)


def asks_for_someone_else(text: str) -> bool:
    """Whether the writer says they are someone else asking for the borrower."""
    return bool(_SPEAKER_IS_OTHER.search(text or "") and _ON_BEHALF.search(text or ""))
