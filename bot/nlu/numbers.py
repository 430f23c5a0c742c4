"""Parsing of numbers written with Arabic digits, Chinese numerals, or a mix of both.

Pure functions, no Rasa. Chinese numerals go through ``cn2an`` (its ``smart`` mode
already reads colloquial abbreviations such as "三千五" -> 3500, "一万二" -> 12000 and
mixed forms such as "1万2" -> 12000); this module adds the pieces cn2an does not cover:
thousands separators, Latin magnitude suffixes ("3k", "1.5w"), decimals written with 点
before a magnitude ("一点五万"), rejection of ranges ("三四百", "一两千"), numbers read
digit by digit ("一三八零零零零一一一一", "二〇二六"; 零/〇 are 0, 幺 is 1), and numbers typed
in pinyin ("yi qian" -> 1000, "shi er" -> 12; see ``PINYIN_NUMBER``).
"""

from __future__ import annotations

import itertools
import logging
import re
import warnings
from decimal import Decimal

import cn2an

logger = logging.getLogger(__name__)

CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
CN_MAGNITUDES = "十百千万亿拾佰仟萬億"
SPOKEN_DIGITS = "零〇一二三四五六七八九幺壹贰叁肆伍陆柒捌玖"
"""Characters used to read a number digit by digit ("一三八零..."; 幺 is 1, as on the phone;
the formal numerals 壹贰叁… too: "幺叁捌陆柒零贰玖玖肆伍")."""

_DIGIT_VALUES = {
    **{str(i): i for i in range(10)},
    "零": 0,
    "〇": 0,
    "一": 1,
    "幺": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_MAGNITUDE_VALUES = {
    "十": 10,
    "拾": 10,
    "百": 100,
    "佰": 100,
    "千": 1000,
    "仟": 1000,
    "k": 1000,
    "K": 1000,
    "万": 10_000,
    "萬": 10_000,
    "w": 10_000,
    "W": 10_000,
    "亿": 100_000_000,
    "億": 100_000_000,
}
_PINYIN_NUMERALS = {
    "ling": "零",
    "yi": "一",
    "er": "二",
    "liang": "两",
    "san": "三",
    "si": "四",
    "wu": "五",
    "liu": "六",
    "qi": "七",
    "ba": "八",
    "jiu": "九",
    "shi": "十",
    "bai": "百",
    "qian": "千",
    "wan": "万",
}
_PINYIN_SYLLABLE = "(?:" + "|".join(sorted(_PINYIN_NUMERALS, key=len, reverse=True)) + ")"
PINYIN_NUMBER = rf"(?:{_PINYIN_SYLLABLE}(?:\s*{_PINYIN_SYLLABLE})*)"
"""Pinyin numerals, spaced or not ("yi qian", "shiER"); match it case-insensitively. Most of
these syllables are also other words (yi 以, qian 钱/欠/前, shi 是), so callers require context."""
_PINYIN_TOKEN = re.compile(_PINYIN_SYLLABLE, re.IGNORECASE)
_NONZERO_CN_DIGITS = frozenset(CN_DIGITS) - {"零", "〇"}
_LATIN_MAGNITUDES = {"k": "千", "K": "千", "w": "万", "W": "万"}

_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_WITH_MAGNITUDE = re.compile(
    rf"(?P<int>[\d{CN_DIGITS}{CN_MAGNITUDES}]+?)[.点](?P<frac>[\d{CN_DIGITS}]+)"
    r"(?P<mag>[百千万亿佰仟萬億]?)"
)

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space map one-to-one onto ASCII,
# so character offsets stay valid after normalization.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """Maps full-width digits, letters and punctuation to ASCII, keeping every offset.

    Args:
        text: Any text.

    Returns:
        Text of the same length, with "１２３" read as "123" and "，" as ",".
    """
    return text.translate(_HALFWIDTH)


def parse_number(text: str) -> Decimal | None:
    """Reads a number written in digits, Chinese numerals or both.

    Examples: "800", "2,000", "326.05", "五百", "三千五", "两万", "1.5万", "1万2",
    "一点五万", "3k", "1.2w".

    Args:
        text: The number alone, without currency or other words.

    Returns:
        The value, or None when the text is not one exact number (including ranges
        such as "三四百").
    """
    s = text.strip().replace(" ", "")
    if not s:
        return None
    if _GROUPED.fullmatch(s):
        s = s.replace(",", "")
    if _ARABIC.fullmatch(s):
        return Decimal(s)
    if s[-1] in _LATIN_MAGNITUDES and _ARABIC.fullmatch(s[:-1]):
        return Decimal(s[:-1]) * _MAGNITUDE_VALUES[s[-1]]
    if _is_range(s):
        return None
    decimal_match = _DECIMAL_WITH_MAGNITUDE.fullmatch(s)
    if decimal_match:
        return _parse_decimal(decimal_match)
    whole = _parse_integer(s)
    return None if whole is None else Decimal(whole)


def pinyin_to_numerals(text: str) -> str | None:
    """Writes pinyin numerals as Chinese numerals ("san qian wu" -> "三千五").

    Args:
        text: Pinyin syllables only, optionally separated by spaces.

    Returns:
        The Chinese numerals, or None when anything else is in the text.
    """
    tokens = _PINYIN_TOKEN.findall(text)
    if not tokens or "".join(tokens) != re.sub(r"\s", "", text):
        return None
    return "".join(_PINYIN_NUMERALS[token.lower()] for token in tokens)


def parse_int(text: str) -> int | None:
    """Reads a whole number ("12", "十二", "两", "二十四").

    Args:
        text: The number alone.

    Returns:
        The integer, or None when the text is not a whole number.
    """
    value = parse_number(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def parse_digits(text: str) -> int | None:
    """Reads a number spelled digit by digit ("二〇二六" -> 2026, "2026" -> 2026).

    Args:
        text: Arabic digits or Chinese digit characters, no magnitudes.

    Returns:
        The integer, or None when a character is not a digit.
    """
    digits = digit_string(text)
    return None if digits is None else int(digits)


def digit_string(text: str) -> str | None:
    """Spells out digits read one by one as ASCII, keeping leading zeros.

    "一三八零零零零一一一一" -> "13800001111", "零零一二" -> "0012", "幺三八" -> "138"
    (零 and 〇 are 0, 幺 is 1; Arabic digits pass through).

    Args:
        text: Arabic digits or Chinese digit characters, no magnitudes.

    Returns:
        The ASCII digits, or None when a character is not a digit.
    """
    if not text or any(char not in _DIGIT_VALUES for char in text):
        return None
    return "".join(str(_DIGIT_VALUES[char]) for char in text)


def _is_range(s: str) -> bool:
    """True for ranges such as "三四百" or "一两千" (two non-zero digits in a row)."""
    nonzero = _NONZERO_CN_DIGITS
    return any(a in nonzero and b in nonzero for a, b in itertools.pairwise(s))


def _parse_decimal(match: re.Match[str]) -> Decimal | None:
    whole = _parse_integer(match["int"])
    fraction = parse_digits(match["frac"])
    if whole is None or fraction is None:
        return None
    digits = "".join(str(_DIGIT_VALUES[char]) for char in match["frac"])
    value = Decimal(f"{whole}.{digits}")
    if match["mag"]:
        value *= _MAGNITUDE_VALUES[match["mag"]]
    return value


def _parse_integer(s: str) -> int | None:
    """Reads an integer through cn2an's smart mode, which accepts colloquial forms."""
    if _ARABIC.fullmatch(s) and "." not in s:
        return int(s)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = cn2an.cn2an(s, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return value if isinstance(value, int) else None
