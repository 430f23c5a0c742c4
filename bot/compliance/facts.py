"""Debt facts a message discloses, for the right-party rule.

A debt fact is anything that tells a listener the person owes money: an amount, card
digits, the borrower's name, or a mention of the debt, the arrears or the bill. While
the other party is not verified none of these may be sent. Denials ("核验前无法透露
任何账户信息") are not disclosures.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.compliance.patterns import is_negated
from bot.compliance.text import normalize

_AMOUNT = (
    r"\d[\d,]*(?:\.\d+)?\s*(?:元|块|万|千|rmb|人民币|美元|dollars?)|[¥$]\s*\d|"
    r"(?:rmb|cny|usd)\s*\d"
)
_CARD_DIGITS = (
    r"(?:尾号|末四位|后四位|末尾|尾数|卡号)(?:为|是|:)?\s*\d{3,4}|"
    r"(?:ending in|last (?:four|4) digits(?: are| is)?:?)\s*\d{4}"
)
_DEBT_WORDS = (
    r"欠款|欠费|欠债|拖欠|欠(?:了|着|我行|银行|下)|逾期|未还款|未还清|没还|还款金额|应还|最低还款|"
    r"账单金额|本期账单|余额|违约金|罚息|滞纳金|催收|分期|还款计划|"
    r"\b(?:balance|past due|overdue|owes?|owed|debt|amount due|minimum payment|"
    r"delinquen\w*|arrears)\b"
)


@lru_cache(maxsize=2)
def _regex(words: bool = True) -> re.Pattern[str]:
    account = f"{_AMOUNT}|{_CARD_DIGITS}"
    return re.compile(f"{account}|{_DEBT_WORDS}" if words else account)


def find(
    text: str, borrower_name: str | None = None, *, words: bool = True
) -> list[tuple[int, int]]:
    """Find debt facts in normalised text.

    Args:
        text: Normalised text.
        borrower_name: The borrower's name (any case), counted as a debt fact.
        words: Count the words of debt ("逾期", "欠款") too; False for a general statement,
            where only amounts, card digits and the name disclose an account.

    Returns:
        (start, end) spans in the normalised text, ordered by start.
    """
    spans = [
        (match.start(), match.end())
        for match in _regex(words).finditer(text)
        if not is_negated(text, match.start())
    ]
    name = normalize(borrower_name).text.strip() if borrower_name else ""
    if name:
        start = text.find(name)
        while start != -1:
            spans.append((start, start + len(name)))
            start = text.find(name, start + 1)
    return sorted(spans)
