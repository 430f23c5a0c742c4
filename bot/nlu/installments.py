"""Installment tenors ("分12期", "24个月", "两年还清", "12 months") as a whole number of months.

Pure functions, no Rasa. The entity span covers the number and its unit ("六期" in
"分六期", "12个月", "半年", "一年半", "12 months"); a leading 分/分成 is consumed but not part
of the span.

=======================================  ==============================================
Form                                     Rule
=======================================  ==============================================
分N期 分N个月 分N月 分N次 分成N期         always a tenor (N months; 分N次 = N payments;
                                         the typo 分N其 too; 分其 alone has no number)
分N年 分半年 分N年半                      always a tenor (12N / 6 / 12N+6)
N期 ("12期", "三期")                       a tenor unless preceded by 第 ("第三期") or by a
                                         missed or paid count (逾期/拖/欠/已经/漏/还了:
                                         "逾期两期了", "已经还了三期"); 一期 after
                                         上/下/这/本/那/每/前/后/当 is a billing period, not
                                         a tenor ("下一期什么时候到期", "这一期", "每一期")
N个月 ("24个月")                          a tenor when the message is about repaying (分, 期,
                                         还, 月供, 每月, 按月, 付, 缴, 交, or a plan: 方案,
                                         计划 - "按18个月做个方案") or is only the tenor
                                         ("24个月吧"); never when it reads as elapsed time:
                                         after 逾期/超过/拖/欠/已经/了/有 or a wait
                                         (宽限/延期/推迟/缓/晚/等), or before
                                         前/后/了/没/未/多;
                                         never "一个月" ("per month": "一个月能还一千")
半年 N年 N年半 ("两年", "五年")            6 / 12N / 12N+6, only when the message is about
                                         repaying by installments (分, 还, 月供, 每月, 按月,
                                         付清/交完..., 方案, 计划: "分一年还", "一年还清"),
                                         with the same elapsed-time exclusions; a bare
                                         期/交/缴 is not enough ("存定期一年", "医保一年交多少
                                         钱"), nor is 还 in 还是/还有 ("三年的划算
                                         还是五年的划算")
fen N qi / fen N ge yue / fen N ci       pinyin: always a tenor, N in digits or pinyin
 (fen cheng ...), N qi                   ("fen 6 qi", "fen shi er qi" = 12; "fen qi" alone is
                                         分期 with no number); "12 qi" too
N installments / N instalments            always a tenor ("in 6 installments", "12 monthly
                                         installments")
N months / N-month / N payments           a tenor unless it reads as elapsed time (also with
 (N monthly payments)                    monthly/equal/fixed before the unit): followed by
                                         ago/overdue/late/behind/now, or after been, past,
                                         last, since, overdue, unemployed... in the same
                                         clause ("3 months ago", "been out of work for 3
                                         months", "made 3 payments already"); never 1
=======================================  ==============================================

Values outside 1..360 months are dropped.
"""

from __future__ import annotations

import logging
import re

from bot.nlu.matches import MASK_CHAR, Match, select_longest
from bot.nlu.numbers import PINYIN_NUMBER, parse_int, pinyin_to_numerals

logger = logging.getLogger(__name__)

_CN = "零一二两三四五六七八九十"
_NUM = rf"(?:\d{{1,3}}|[{_CN}]{{1,3}})"
_NOT_NUMERAL_BEFORE = rf"(?<![\d{_CN}.])"
MAX_MONTHS = 360

_SPLIT = re.compile(
    rf"(?P<ctx>分(?:成|为)?\s*)(?P<n>{_NUM}|半)\s*(?P<unit>期|其|个月|月|次|年半|个?年)"
)
_PINYIN_SPLIT = re.compile(
    rf"(?<![A-Za-z])(?P<ctx>fen\s*(?:cheng\s*|wei\s*)?)"
    rf"(?P<n>\d{{1,3}}|{PINYIN_NUMBER})\s*(?P<unit>qi|ge\s*yue|ci)(?![A-Za-z])"
    rf"|(?<![A-Za-z\d.])(?P<digits>\d{{1,3}})\s*(?P<qi>qi)(?![A-Za-z])",
    re.IGNORECASE,
)
_PERIOD_NAMED = "(?<=[上下这本那每前后当])一"
"""一期 after 上/下/这/本/那/每/前/后/当 names a billing period ("下一期"), not a count."""
_PERIODS = re.compile(
    rf"(?<!第){_NOT_NUMERAL_BEFORE}(?!{_PERIOD_NAMED})(?P<n>{_NUM})\s*(?P<unit>期)(?!限)"
)
_PERIODS_ELAPSED_BEFORE = re.compile(r"(?:逾期|超期|拖欠?|欠|已经|晚|漏|少|还了|交了|还过)了?\s*$")
"""Periods already missed or paid, not a tenor: "逾期两期了", "已经还了三期"."""
_MONTHS = re.compile(rf"{_NOT_NUMERAL_BEFORE}(?P<n>{_NUM})\s*(?P<unit>个月)")
_YEARS = re.compile(rf"{_NOT_NUMERAL_BEFORE}(?:(?P<n>{_NUM})个?(?P<unit>年半|年)|(?P<half>半)年)")
_ENGLISH = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,3})\s*-?\s*(?:(?:monthly|equal|fixed|even)\s+)*"
    r"(?:(?P<installments>installments?|instalments?)|(?P<months>months?|mos|payments))\b",
    re.IGNORECASE,
)

_REPAYMENT_CONTEXT = re.compile(r"分(?!钟)|期|还|月供|每个?月|按月|付|缴|交|方案|计划")
_YEAR_REPAYMENT_CONTEXT = re.compile(
    r"分(?!钟)|还(?![是有])|月供|每个?月|按月|[付缴交](?:清|完)|方案|计划"
)
"""Stricter than ``_REPAYMENT_CONTEXT``: "一年" is also "per year" ("医保一年交多少钱"),
"定期三年" is a deposit term, and 还是/还有 ("or", "still have") are not repaying."""
_ENGLISH_ELAPSED_BEFORE = re.compile(
    r"\b(?:been|past|last|since|made|overdue|behind|late|unemployed|jobless|laid\s+off"
    r"|out\s+of\s+work|sick|hospital)\b",
    re.IGNORECASE,
)
_ENGLISH_ELAPSED_AFTER = re.compile(
    r"^\s*(?:ago|overdue|late|behind|past\s+due|already|old|now|without)\b", re.IGNORECASE
)
_CLAUSE_END = re.compile(r".*[,.;!?，。；！？]", re.DOTALL)
_ELAPSED_BEFORE = re.compile(
    r"(?:逾期|超期|超过|拖|欠|已经|失业|住院|了|有|过去|宽限|延期|延后|推迟|缓|晚|再等|等)\s*$"
)
_ELAPSED_AFTER = re.compile(r"^\s*(?:以前|之前|前|以后|之后|后|了|没|未|多|来)")
_FILLER = frozenset(
    "那就吧呢啊吗呀嘛哦嗯额呃行好可以的我想要能不能先这样呗看成么是最多少至个" + MASK_CHAR
)
_PUNCTUATION = re.compile(r"[\s\W_]", re.UNICODE)


def find_installments(text: str) -> list[Match]:
    """Finds installment tenors and converts them to months.

    Args:
        text: The message, with spans of higher-priority entities masked.

    Returns:
        Non-overlapping matches in text order; each value is an ``int`` of months.
    """
    candidates = [m for m in _split_matches(text) if _in_range(m)]
    for found in _PERIODS.finditer(text):
        if not _PERIODS_ELAPSED_BEFORE.search(text[max(0, found.start() - 4) : found.start()]):
            candidates.append(_to_match(found, found["n"], "期"))
    for found in _MONTHS.finditer(text):
        if months_for(found["n"], "个月") == 1:
            continue  # "一个月" is "a month" / "per month" ("一个月能还一千"), not a tenor
        if not _reads_as_elapsed(text, found) and (
            _about_repaying(text, found) or _is_whole_answer(text, found)
        ):
            candidates.append(_to_match(found, found["n"], "个月"))
    for found in _YEARS.finditer(text):
        if not _reads_as_elapsed(text, found) and _about_repaying(
            text, found, _YEAR_REPAYMENT_CONTEXT
        ):
            number = "半" if found["half"] else found["n"]
            candidates.append(_to_match(found, number, found["unit"] or "年"))
    candidates += _english_matches(text) + _pinyin_matches(text)
    return select_longest(m for m in candidates if _in_range(m))


def months_for(number: str, unit: str) -> int | None:
    """Converts a tenor number and unit to months ("两", "年" -> 24; "六", "期" -> 6).

    Args:
        number: Arabic or Chinese number, or "半" (half).
        unit: One of 期, 个月, 月, 次, 年, 个年, 年半.

    Returns:
        Months, or None when the number cannot be read.
    """
    if number == "半":
        return 6 if unit.endswith("年") else None
    count = parse_int(number)
    if count is None:
        return None
    if unit == "年半":
        return 12 * count + 6
    if unit.endswith("年"):
        return 12 * count
    return count


def _split_matches(text: str) -> list[Match]:
    matches = []
    for found in _SPLIT.finditer(text):
        value = months_for(found["n"], found["unit"])
        if value is not None:
            matches.append(
                Match(found.start("n"), found.end("unit"), value, context_start=found.start())
            )
    return matches


def _to_match(found: re.Match[str], number: str, unit: str) -> Match:
    value = months_for(number, unit)
    return Match(found.start(), found.end(), -1 if value is None else value)


def _in_range(match: Match) -> bool:
    months: int = match.value
    return 1 <= months <= MAX_MONTHS


def _reads_as_elapsed(text: str, found: re.Match[str]) -> bool:
    before = text[max(0, found.start() - 4) : found.start()]
    return bool(_ELAPSED_BEFORE.search(before) or _ELAPSED_AFTER.match(text[found.end() :]))


def _about_repaying(
    text: str, found: re.Match[str], context: re.Pattern[str] = _REPAYMENT_CONTEXT
) -> bool:
    rest = text[: found.start()] + " " + text[found.end() :]
    return bool(context.search(rest))


def _reads_as_elapsed_english(text: str, found: re.Match[str]) -> bool:
    """True for "3 months ago", "overdue 3 months", "been out of work for 3 months"."""
    before = text[: found.start()]
    clause_end = _CLAUSE_END.match(before)
    clause = before[clause_end.end() :] if clause_end else before
    return bool(
        _ENGLISH_ELAPSED_BEFORE.search(clause) or _ENGLISH_ELAPSED_AFTER.match(text[found.end() :])
    )


def _english_matches(text: str) -> list[Match]:
    """English tenors: "6 installments" always, "12 months" unless elapsed or just one."""
    matches = []
    for found in _ENGLISH.finditer(text):
        count = int(found["n"])
        if found["months"] and (count == 1 or _reads_as_elapsed_english(text, found)):
            continue
        matches.append(Match(found.start(), found.end(), count))
    return matches


def _pinyin_matches(text: str) -> list[Match]:
    """Pinyin tenors: "fen 6 qi", "fen shi er qi", "12 qi"."""
    matches = []
    for found in _PINYIN_SPLIT.finditer(text):
        if found["digits"]:
            count = parse_int(found["digits"])
            span = found.start("digits"), found.end("qi")
            context_start = None
        else:
            numerals = found["n"] if found["n"].isdigit() else pinyin_to_numerals(found["n"])
            count = None if numerals is None else parse_int(numerals)
            span = found.start("n"), found.end("unit")
            context_start = found.start()
        if count is not None:
            matches.append(Match(*span, count, context_start=context_start))
    return matches


def _is_whole_answer(text: str, found: re.Match[str]) -> bool:
    rest = _PUNCTUATION.sub("", text[: found.start()] + text[found.end() :])
    return all(char in _FILLER for char in rest)
