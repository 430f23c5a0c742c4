"""Amounts of money in yuan, written the way borrowers type them.

Pure functions, no Rasa. The value is a ``Decimal``.

The span covers the number with its magnitude and any attached currency ("2,000元",
"八百块钱", "¥800", "1.5万", "3k", "两块五" = 2.5).

A number counts as an amount when:

* it carries a currency (¥/￥/RMB/人民币 before it, 元/块/块钱/圆/rmb after it), a Latin
  magnitude ("3k", "1.5w") - "两块五" is 2.5;
* or it is written in Arabic digits (at most 8 digits before the decimal point), or in
  Chinese numerals that include a magnitude (十百千万亿: "五百", "三千五", "两万"), and is not
  followed by a measure word (个 次 天 年 月 期 号 日 岁 人 点 % 分 位 折 ..., or English
  months/years/days/times/installments), by 几 ("十几块"), or by 开头/打头 (the first
  digits of a number: "手机号138开头"), nor preceded by 第 or 几 ("几十块",
  "好几千"), nor part of a hyphenated number ("400-820-8820", "021-12345678",
  "1000-2000"), nor a number to call or complain to ("打12378", "投诉到315"); 分期 is not
  the unit 分 ("每月1500分期" is 1500);
* an approximate amount counts as its lower bound: a number followed by 多 or 余 ("三千多",
  "两万多块", "3000多", "五千余元" -> 3000, 20000, 3000, 5000; the span is the number alone),
  like "一万出头" (10000) and "三千左右" (3000). The number must be at least 100 unless
  块/元/钱 follows ("五十多块" is 50, "我七十多了" is an age). Not when 多/余 is itself
  followed by a magnitude ("三千多万" is tens of millions), by 少 ("多少") or by a measure
  word ("三十多岁", "一百多天");
* "X来" ("about X") also counts as X, when 块/元/钱 follows ("两千来块", "五十来块钱") or when
  X is at least 100 and 来 ends the phrase: a space, punctuation or the end follows ("只能
  拿出五百来 多了真没有": what follows the break is not a measure word), or a repaying verb
  follows ("挤出两百来还"). Otherwise 来 is a
  measure ("三百来个人", "二十来岁") or a verb;
* approximate ranges ("三四百", "一两千"), vague quantities ("几百块", "几千", "十几块"),
  idioms ("万一", "千万", "十万火急"), arithmetic ("1+1") are not amounts;
* chat slang ("88"/"886" = bye, "666") with nothing else in the message but goodbyes,
  particles, 那/好/行 and punctuation ("88", "拜拜88", "88啦", "不聊了 88", "那886", "好的886",
  "88了") is not an amount; with a currency or any other word it is ("88块", "还88");
* brand names are not amounts: "360借条", "360金融";
* shopping festivals are not amounts: 双十一, 双11, 双十二, 双12 always; "618" when it is
  plainly the festival ("618买的", "618活动", "京东618", "去年618"). A bare "618" (or "还618")
  stays an amount: in a collection dialogue an answer of "618" is an offer;
* after 打 ("send money" here: "先给你们打两千", "周六打3000过去") a number is an amount,
  except a number to dial: one starting with 0 or of 7+ digits (a landline), or a service
  number (1xx such as 110, or five digits starting with 1 or 9 such as 12378, 95555)
  unless money is plainly being sent ("给你们打10000", "打100过去"). Numbers after
  拨打/致电/电话/热线/投诉到/举报到 or before (去/来) 热线/电话/投诉/举报 are never amounts.

Pinyin: numerals with a magnitude ("yi qian", "san qian wu", "wu bai kuai") are an amount when
kuai/yuan follows or a paying word comes just before (huan, fu, jiao, zhuan, gei, na, cun, da,
mei (ge) yue, zhi neng, zui duo, xian, pay): "wo xian huan yi qian xing ma" is 1000, while
"wo yi qian huan guo" (以前, "before") is no amount.

Cantonese 蚊 is 块 ("五百蚊").

Dates, tenors, phone numbers and ID digits are masked before this runs, so "15号", "12期"
and "后四位1234" yield no amount.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from decimal import Decimal

from bot.nlu.matches import Match
from bot.nlu.numbers import (
    CN_DIGITS,
    CN_MAGNITUDES,
    PINYIN_NUMBER,
    parse_int,
    parse_number,
    pinyin_to_numerals,
)

logger = logging.getLogger(__name__)

MAX_ARABIC_DIGITS = 8
"""Longer digit strings are account, card or ID numbers, not amounts."""

_RUN = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|[{CN_DIGITS}{CN_MAGNITUDES}]|点(?=[{CN_DIGITS}\d]))+"
)
_AMOUNT = re.compile(
    r"(?<![\d.A-Za-z第+*/=×÷])(?<!\d:)(?<!\d-)"
    r"(?P<prefix>(?:[¥￥]|RMB|rmb|人民币)\s?)?"
    rf"(?P<num>{_RUN}(?:\s?[kKwW](?![A-Za-z]))?)"
    r"(?P<suffix>\s?(?:块钱|块|元钱|元|圆|蚊(?![子虫香帐])|rmb|RMB|人民币)"
    rf"(?:(?P<jiao>[一二两三四五六七八九\d])毛?(?![\d{CN_DIGITS}{CN_MAGNITUDES}号日期个天月]))?)?"
)
_MEASURE_AFTER = re.compile(
    r"[A-Za-z]|\s*(?:个|次|天|年|岁|月|期|号|日|人|点|%|分(?!期)|秒|小时|周|星期|礼拜|页|条|张|位"
    r"|倍|楼|层|路|笔|家|口|件|台|遍|届|级|克|斤|公斤|米|折|多|来|余|几|开头|打头|[+*=×÷]|[/:\-]\d|\.\d)"
    r"|\s*-?\s*(?i:(?:(?:monthly|equal|fixed|even)\s+)*(?:months?|mos|years?|yrs?|weeks?|days?"
    r"|hours?|hrs?|minutes?|mins?|times|installments?|instalments?|payments|percent))\b"
)
_APPROXIMATE_AFTER = re.compile(r"\s*[多余](?![少十百千万亿拾佰仟萬億kKwW])")
"""多/余 after a number: "three thousand and more", read as the lower bound ("三千多")."""
_ABOUT_AFTER = re.compile(r"\s*来")
_REPAY_AFTER = re.compile(r"[还交付补]")
"""A repaying verb after 来: "挤出两百来还" is 200 to repay."""
"""来 after a number: "about" ("两千来块")."""
_CURRENCY_AFTER = re.compile(r"\s*[块元钱]")
_ROUND_AMOUNT = 100
"""Smallest bare number read as an approximate amount without 块/元/钱 ("我七十多了" is an age)."""
_VAGUE_BEFORE = "几"
"""几 before a magnitude is "some": "几十块", "好几千" are no amount."""
_NOT_MONEY_BEFORE = re.compile(r"(?:拨打?|致电|热线|电话|号码|投诉到?|举报到?)\s*$")
_NOT_MONEY_AFTER = re.compile(r"\s*(?:去|来)?(?:热线|电话|投诉|举报)")
_DA_BEFORE = re.compile(r"打\s*$")
_TRANSFER_BEFORE = re.compile(r"给\s*(?:你们?|您)?\s*打\s*$")
_TRANSFER_AFTER = re.compile(r"\s*(?:过去|过来|给|到|进|回)")
_NUMBER_TO_DIAL = re.compile(r"0\d*|\d{7,}")
"""After 打, a landline or other phone-like number: a call whatever follows."""
_SERVICE_NUMBER = re.compile(r"1\d\d|[19]\d{4}")
"""After 打, "110", "120", "12378", "95555": a call unless money is being sent ("打100过去")."""
_TAIL_WORD_AFTER = re.compile(r"[次下起定直共样些般点个天年月期号日周岁人遍笔]")
_IDIOMS = ("十万火急", "十全十美", "一五一十", "千千万万", "万无一失", "百分之", "百分百")
_CHAT_NUMBERS = frozenset({"88", "886", "520", "666", "233", "555"})
_CHAT_REST = re.compile(
    r"(?:拜拜|拜|再见|不聊了|先不聊了|先这样|走了|下了|下线了|晚安|回头聊|好的|谢谢|谢了"
    r"|(?i:bye|byebye|ok)|[那好行啦了哈咯喽哦呀吧啊嘛呢哇嘿嗯~～!！。.,，、\s])*"
)
"""What may surround chat slang ("88" = bye): goodbyes, particles, 那/好/行, punctuation."""
_DOUBLE_FESTIVALS = frozenset({"十一", "十二", "11", "12"})
"""双十一 / 双11 / 双十二 / 双12 (Nov 11 and Dec 12 shopping festivals)."""
_618_AFTER = re.compile(
    r"\s*(?:活动|大促|促销|购物节|年中|节|期间|那天|那会|当天|的时候|时候|买|抢|囤|下单|剁手|优惠"
    r"|秒杀|打折|满减|狂欢|预售|红包|券)"
)
_360_BRAND_AFTER = re.compile(r"\s*(?:借条|金融|借钱|借款|贷|分期|数科)")
_618_BEFORE = re.compile(r"(?:京东|天猫|淘宝|拼多多|苏宁|今年|去年|前年|明年|趁|等到)\s*$")
_CN_CHARS = frozenset(CN_DIGITS + CN_MAGNITUDES + "点")
_PINYIN_AMOUNT = re.compile(
    rf"(?<![A-Za-z])(?P<num>{PINYIN_NUMBER})(?P<suffix>\s*(?:kuai(?:\s*qian)?|yuan))?(?![A-Za-z])",
    re.IGNORECASE,
)
_PINYIN_PAYING_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:huan|fu|jiao|zhuan|gei|na|cun|da|mei\s*(?:ge\s*)?yue|zhi\s*neng|zui\s*duo"
    r"|xian|pay)\s*$",
    re.IGNORECASE,
)
_FIRST_CN = frozenset(CN_DIGITS + "十拾") - {"零", "〇"}


def find_amounts(text: str) -> list[Match]:
    """Finds amounts of money.

    Args:
        text: The message, with spans of higher-priority entities masked.

    Returns:
        Matches in text order; each value is a ``Decimal`` number of yuan.
    """
    matches = []
    for found in _AMOUNT.finditer(text):
        match = _read(text, found)
        if match is not None:
            matches.append(match)
    matches += _pinyin_amounts(text)
    return sorted(matches, key=lambda match: match.start)


def _pinyin_amounts(text: str) -> list[Match]:
    """Pinyin amounts with a magnitude, after a paying word or before kuai/yuan (see above)."""
    matches = []
    for found in _PINYIN_AMOUNT.finditer(text):
        numerals = pinyin_to_numerals(found["num"])
        if numerals is None or numerals[0] not in _FIRST_CN:
            continue
        if not any(char in "百千万" for char in numerals):
            continue
        before = text[max(0, found.start() - 14) : found.start()]
        if not (found["suffix"] or _PINYIN_PAYING_BEFORE.search(before)):
            continue
        value = parse_number(numerals)
        if value is not None:
            matches.append(Match(found.start(), found.end(), value))
    return matches


def _read(text: str, found: re.Match[str]) -> Match | None:
    start = found.start("num")
    number = _cut_mixed_run(found["num"])
    end = start + len(number)
    has_currency = bool(found["prefix"]) or (bool(found["suffix"]) and end == found.end("num"))
    if not has_currency and _has_colloquial_tail(number) and _TAIL_WORD_AFTER.match(text, end):
        number, end = number[:-1], end - 1
    if (
        _in_idiom(text, start)
        or text[start - 1 : start] == _VAGUE_BEFORE
        or _is_service_number(text, start, end, number, has_currency)
    ):
        return None
    if not has_currency and (
        _is_chat_slang(text, start, end, number)
        or _is_festival(text, start, end, number)
        or (number == "360" and bool(_360_BRAND_AFTER.match(text, end)))
        or _is_insult(text, start, number)
    ):
        return None
    if not (has_currency or _is_bare_amount(number, text, end)):
        return None
    value = parse_number(number)
    if value is None:
        return None
    if has_currency and found["jiao"]:
        tenths = parse_int(found["jiao"])
        value += Decimal(tenths if tenths is not None else 0) / 10
    if has_currency:
        return Match(found.start(), found.end(), value)
    return Match(start, end, value)


def _cut_mixed_run(number: str) -> str:
    """Cuts "800一" (digits running into a Chinese digit, as in "800一个月") after the digits."""
    for i in range(1, len(number)):
        if number[i - 1].isdigit() and number[i] in CN_DIGITS:
            return number[:i]
    return number


def _is_chat_slang(text: str, start: int, end: int, number: str) -> bool:
    """Chat slang ("88" = bye, "666") with only goodbyes, particles and punctuation around it."""
    rest = text[:start] + " " + text[end:]
    return number in _CHAT_NUMBERS and _CHAT_REST.fullmatch(rest) is not None


def _is_festival(text: str, start: int, end: int, number: str) -> bool:
    """双十一, 双11, 双十二, 双12, and 618 when the words around make it the festival."""
    if number in _DOUBLE_FESTIVALS and text[max(0, start - 1) : start] == "双":
        return True
    return number == "618" and bool(
        _618_AFTER.match(text, end) or _618_BEFORE.search(text[max(0, start - 4) : start])
    )


def _is_service_number(text: str, start: int, end: int, number: str, has_currency: bool) -> bool:
    """Hotlines and numbers to call or complain to ("打12378", "投诉到315", "拨打95555")."""
    before = text[max(0, start - 4) : start]
    if _NOT_MONEY_BEFORE.search(before) or _NOT_MONEY_AFTER.match(text, end):
        return True
    if has_currency or not _DA_BEFORE.search(before) or not number.isdigit():
        return False
    if _NUMBER_TO_DIAL.fullmatch(number):
        return True
    sends_money = _TRANSFER_BEFORE.search(text[max(0, start - 6) : start]) or _TRANSFER_AFTER.match(
        text, end
    )
    return bool(_SERVICE_NUMBER.fullmatch(number)) and not sends_money


_INSULT_BEFORE = re.compile(r"(?:个|是|像|真|这|那|你)\s*$")


def _is_insult(text: str, start: int, number: str) -> bool:
    """The insult 二百五 (a fool) after 个/是/像/你: "你个二百五"; "还二百五" stays money."""
    return number == "二百五" and bool(_INSULT_BEFORE.search(text[max(0, start - 2) : start]))


def _is_bare_amount(number: str, text: str, end: int) -> bool:
    """Whether a number without currency reads as money rather than a count or a time."""
    approximate_end = _approximate_end(number, text, end)
    if approximate_end is not None:
        about = text[end:approximate_end].strip() == "来"  # currency or a break follows it
        end = approximate_end  # "三千多" is 3000 unless a measure word follows ("三十多岁")
        if not about and _MEASURE_AFTER.match(text, end):
            return False
    elif _MEASURE_AFTER.match(text, end):
        return False
    if number[-1] in "kKwW":
        return True
    cn_chars = [char for char in number if char in _CN_CHARS]
    if not cn_chars:
        return len(number.split(".")[0].replace(",", "")) <= MAX_ARABIC_DIGITS
    starts_well = number[0].isdigit() or number[0] in _FIRST_CN
    has_magnitude = any(char in CN_MAGNITUDES for char in number)
    decimal_ok = "点" not in number or number[-1] in "百千万亿佰仟萬億"
    return starts_well and has_magnitude and len(number) >= 2 and decimal_ok


def _approximate_end(number: str, text: str, end: int) -> int | None:
    """The end of 多/余/来 after a number when they make it approximate money, else None.

    "三千多", "五十多块", "两千来块", "五百来 " read as their lower bound (see module docstring);
    "七十多了", "三百来个" do not, and 多/余/来 then count as a measure word.
    """
    approximate = _APPROXIMATE_AFTER.match(text, end) or _ABOUT_AFTER.match(text, end)
    if approximate is None:
        return None
    if _CURRENCY_AFTER.match(text, approximate.end()):
        return approximate.end()
    value = parse_number(number)
    if value is None or value < _ROUND_AMOUNT:
        return None
    if approximate.group().strip() == "来" and not (
        _ends_phrase(text, approximate.end()) or _REPAY_AFTER.match(text, approximate.end())
    ):
        return None
    return approximate.end()


def _ends_phrase(text: str, position: int) -> bool:
    """True at the end of the text or before a space or punctuation."""
    if position >= len(text):
        return True
    char = text[position]
    return char.isspace() or unicodedata.category(char).startswith("P") or char in "~～"


def _has_colloquial_tail(number: str) -> bool:
    """True for "两万一" style endings, where the last digit may start the next word."""
    return len(number) >= 3 and number[-1] in CN_DIGITS and number[-2] in CN_MAGNITUDES


def _in_idiom(text: str, start: int) -> bool:
    window = text[max(0, start - 3) : start + 4]
    return any(idiom in window for idiom in _IDIOMS)
