r"""Mainland mobile numbers and the last four characters of an ID number.

Pure functions, no Rasa, no logging of the numbers themselves (they are personal data).

``phone``: an 11-digit mainland mobile number (1, then 3-9, then 9 digits), optionally
written 3-4-4 with spaces, commas or hyphens and optionally prefixed with +86/86/0086, or read
out digit by digit in Chinese ("一三八零零零零一一一一"; 零/〇 = 0, 幺 = 1, 两 = 2). Spaced or
spoken digits are one number: "1 3 9 0 0 1 2 7 7 8 8" (Arabic digits one by one, or in four or
more groups of at most four), "一五九，二二三三，四四五五", "幺八六 零零七三 五五二八" (read-out
digits in any groups). The span covers everything matched, prefix included; the value is the
11 digits as an ASCII string.

``id_last4``: three digits and a final digit or X, in Arabic digits or read out in Chinese
("一二三四", "两两零五", 叉 = X), possibly one by one with spaces or commas between them
("4 4 0 x", "三 七 八 叉"), introduced by a trigger ("后四位", "后4位", "后四个", "后四码",
"后四", "末四位", "最后四位", "尾号", "尾数", "身份证", "证件号", "id", optionally followed by
是/为/: and spaces; Cantonese 系 for 是), followed by one ("1234是后四位"), or written right
after a mobile number with a slash ("18012345678/3312"); any stand-alone ``\d{3}X`` token (an
amount never ends in X); any four characters spaced out one by one ("张伟 1 2 3 4").
The span covers only the four characters; the value is them as ASCII digits with X
upper-cased. A message that is nothing but such four characters is a bare answer (see
``bare_id_last4``).

Other digits spaced out one by one (three or more, "6 2 2 8 4 8") are an identifier the
message does not say enough about: ``find_digit_runs`` finds them so that no later finder reads
each digit as an amount; they are reported as nothing.

The last four digits of a phone number are not an ID: ``find_phone_tails`` finds them so
that no other finder reads them as an ID or an amount. They are the four digits after a
phone word and a tail trigger ("手机尾号1111", "电话号码后四位1111"), the four digits after a
tail trigger and before 的/那个/这个 and a phone word ("尾号1111的那个手机", "后四位1234的号码";
not after 身份证/证件), and the visible end of a partly masked mobile number ("138****1111",
"138 **** 1111", "138xxxx1111": three digits, three to five * or four x, four digits).
"""

from __future__ import annotations

import logging
import re

from bot.nlu.matches import MASK_CHAR, Match, overlaps, select_longest
from bot.nlu.numbers import SPOKEN_DIGITS, digit_string

logger = logging.getLogger(__name__)

_S = SPOKEN_DIGITS
_D = rf"[\d{_S}两]"
"""One digit, Arabic or read out (两 counts as 2 when digits are read one by one)."""
_SEP = r"(?:\s*[,，、\-]\s*|\s+)"
"""Between groups of a spaced or spoken number: spaces, a comma, 、 or a hyphen."""
_SPACE_SEP = r"(?:\s*[,，]\s*|\s+)"
"""Between the characters of a spaced ID ("4 4 0 x", "1，1，0，9")."""
_NOT_DIGIT_AFTER = rf"(?![\dA-Za-z{_S}两十百千万])"
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?"
    r"(?P<number>1[3-9]\d(?:(?:\s*[,，]\s*|[\s-])?\d{4}){2})(?!\d)"
)
_DIGIT_GROUPS = re.compile(
    rf"(?<![\d{_S}两+A-Za-z.])(?P<number>{_D}+(?:{_SEP}{_D}+)+){_NOT_DIGIT_AFTER}"
)
_PHONE_DIGITS = re.compile(r"1[3-9]\d{9}")
_SPACED = re.compile(
    rf"(?<![\d{_S}两A-Za-z.])(?P<value>{_D}(?:{_SPACE_SEP}{_D}){{2,}}(?:{_SPACE_SEP}[Xx叉])?)"
    rf"{_NOT_DIGIT_AFTER}(?!{_SEP}{_D})"
)
_SPACED_LAST4 = (
    rf"{_D}(?:{_SPACE_SEP}{_D}){{2}}{_SPACE_SEP}[\d{_S}两Xx叉]{_NOT_DIGIT_AFTER}"
    rf"(?!{_SPACE_SEP}{_D})"
)
_SPOKEN_PHONE = re.compile(
    rf"(?<![\d{_S}])(?P<number>[一幺壹][三四五六七八九叁肆伍陆柒捌玖][{_S}]"
    rf"(?:[\s-]?[{_S}]{{4}}){{2}})"
    rf"(?![\d{_S}十百千万])"
)
_LAST4 = (
    rf"(?P<value>\d{{3}}[\dXx](?![\dA-Za-z])"
    rf"|[{_S}两]{{3}}[{_S}两Xx叉]{_NOT_DIGIT_AFTER}"
    rf"|{_SPACED_LAST4})"
)
_TRIGGER = (
    r"(?:最?后|末|尾)\s*(?:(?:四|4)\s*(?:位|个|码)(?:数字?|号码?)?|四)|尾号|尾数"
    r"|(?:身份证|证件)(?:号码?)?|(?<![A-Za-z])(?i:id)(?![A-Za-z])"
)
_TRIGGER_FIRST = re.compile(rf"(?P<trigger>(?:{_TRIGGER})\s*(?:是|系|为|就是|:)?\s*){_LAST4}")
_VALUE_FIRST = re.compile(
    rf"(?<![\dA-Za-z{_S}]){_LAST4}(?P<trigger>\s*(?:是|为|就是)?\s*(?:我的?)?"
    rf"(?:身份证|证件)?(?:号码?)?的?(?:{_TRIGGER}))"
)
_AFTER_PHONE = re.compile(
    rf"(?:{_PHONE.pattern}|{MASK_CHAR}{{11,}})(?P<trigger>\s*[/|]\s*){_LAST4}"
)
_TAIL_TRIGGER = r"(?:尾号|尾数|(?:最?后|末|尾)\s*(?:四|4)\s*(?:位|个|码)?(?:数字?|号码?)?)"
_TAIL_BEFORE_PHONE = re.compile(
    rf"(?<!证)(?<!证号)(?<!证号码){_TAIL_TRIGGER}\s*(?:是|为|就是|:)?\s*{_LAST4}"
    r"\s*(?:的|的?[那这][个部张台]?)\s*(?:手机|电话|号码)"
)
_MASKED_PHONE = re.compile(
    r"(?<![\d+])1[3-9]\d[\s-]*(?:\*{3,5}|[xX]{4})[\s-]*(?P<value>\d{4})(?![\dA-Za-z])"
)
_PHONE_TAIL = re.compile(
    rf"(?:手机|电话)(?:号码?)?的?\s*{_TAIL_TRIGGER}\s*(?:是|为|就是|:)?\s*{_LAST4}"
)
_IS = r"(?:是|系|为|就是|:)?"
_IDENTITY_WORDS = re.compile(
    rf"(?:我|本人)?的?(?:新|现在的?|常用的?)?(?:手机|电话|联系方式)(?:号码?)?{_IS}"
    rf"|(?:我的?)?(?:身份证|证件)(?:号码?)?的?(?:{_TRIGGER})?{_IS}"
    rf"|(?:{_TRIGGER}){_IS}|我?(?:是|系)?(?:机主)?本人|机主|(?i:my\s+(?:phone|id)(?:\s+is)?)"
)
"""Words that introduce an identity; blanked out by ``identity_remainder``."""
_ENDS_WITH_X = re.compile(r"(?<![\dA-Za-z])(?P<value>\d{3}[Xx])(?![\dA-Za-z])")
_PINYIN_DIGIT_VALUES = {"ling": "0", "yao": "1", "yi": "1", "er": "2", "liang": "2", "san": "3"}
_PINYIN_DIGIT_VALUES.update({"si": "4", "wu": "5", "liu": "6", "qi": "7", "ba": "8", "jiu": "9"})
_PINYIN_DIGIT = r"(?:ling|yao|yi|er|liang|san|si|wu|liu|qi|ba|jiu)"
_PINYIN_DIGITS = re.compile(
    rf"(?<![A-Za-z])(?i:{_PINYIN_DIGIT}(?:[\s,，、-]*{_PINYIN_DIGIT}){{3,}})(?![A-Za-z])"
)
"""Digits read out in pinyin, one syllable each ("yao wu ling, san san er ba"; 4 or more)."""
_PINYIN_TRIGGER = re.compile(
    r"(?i:(?:hou|mo|wei)\s*si\s*wei|wei\s*hao|shen\s*fen\s*zheng)\s*(?:shi\s*)?$"
)
"""A pinyin trigger for the ID's last four ("hou si wei", "shen fen zheng") right before."""
_PINYIN_ID = re.compile(
    rf"(?<![A-Za-z])(?i:{_PINYIN_DIGIT}(?:[\s,，、-]*{_PINYIN_DIGIT}){{2}}[\s,，、-]*(?:x|cha))"
    r"(?![A-Za-z])"
)
"""Three pinyin digits and an X ("san wu qi x", "san wu qi cha")."""
_BARE_LAST4 = re.compile(rf"\s*(?P<value>\d{{3}}[\dXx]|{_SPACED_LAST4})\s*[。.!！?？]*\s*")


def find_phones(text: str) -> list[Match]:
    """Finds mainland mobile numbers, in Arabic digits or read out in Chinese.

    Args:
        text: The message (full-width characters already mapped to ASCII).

    Returns:
        Matches in text order; each value is the 11 digits as an ASCII string.
    """
    matches = [
        Match(found.start(), found.end(), re.sub(r"\D", "", found["number"]))
        for found in _PHONE.finditer(text)
    ]
    for found in _SPOKEN_PHONE.finditer(text):
        digits = digit_string(re.sub(r"[\s-]", "", found["number"]))
        if digits is not None:
            matches.append(Match(found.start(), found.end(), digits))
    for found in _DIGIT_GROUPS.finditer(text):
        groups = re.split(_SEP, found["number"])
        digits = digit_string("".join(groups))
        if digits is not None and _PHONE_DIGITS.fullmatch(digits) and _phone_grouping(groups):
            matches.append(Match(found.start(), found.end(), digits))
    for found in _PINYIN_DIGITS.finditer(text):
        digits = _pinyin_digits(found.group())
        if _PHONE_DIGITS.fullmatch(digits):
            matches.append(Match(found.start(), found.end(), digits))
    return select_longest(matches)


def _pinyin_digits(text: str) -> str:
    """The digits of syllables read out in pinyin: "yao wu ling" -> "150"."""
    syllables = re.findall(_PINYIN_DIGIT, text.lower())
    return "".join(_PINYIN_DIGIT_VALUES[syllable] for syllable in syllables)


def identity_remainder(text: str, spans: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """What an identity message says besides the identity ("查一下我欠多少").

    The given identifier spans and the words that introduce them (我手机号是, 身份证后四位, 尾号,
    本人...) become spaces, so offsets keep their meaning.

    Args:
        text: The message.
        spans: (start, end) of the phone numbers and ID digits found in it.

    Returns:
        The text of the same length with the identity blanked out, and the start and end of
        what is left; None when no word is left.
    """
    keep = [True] * len(text)
    for start, end in spans:
        keep[start:end] = [False] * (end - start)
    for found in _IDENTITY_WORDS.finditer(text):
        keep[found.start() : found.end()] = [False] * (found.end() - found.start())
    rest = "".join(char if kept else " " for char, kept in zip(text, keep, strict=True))
    words = [i for i, char in enumerate(rest) if char.isalnum() and char != MASK_CHAR]
    if len(words) < 2:
        return None
    return rest, words[0], words[-1] + 1


def _phone_grouping(groups: list[str]) -> bool:
    """Whether groups of digits read as one phone number rather than a list of amounts.

    Read-out Chinese digits are never amounts, so any grouping counts; Arabic digits count one
    by one or in four or more groups of at most four ("139 00 12 7788"), not as "1500，2000，300".
    """
    if not all(group.isascii() for group in groups):
        return True
    return all(len(group) <= 4 for group in groups) and len(groups) >= 4


def find_digit_runs(text: str) -> list[Match]:
    """Finds digits spaced out one by one that no other finder took ("6 2 2 8 4 8").

    They are part of an identifier, never several amounts; the caller masks them without
    reporting them.

    Args:
        text: The message, with phones and ID digits masked.

    Returns:
        Matches in text order; each value is the digits as an ASCII string.
    """
    return [
        Match(found.start(), found.end(), _id_value(found["value"]))
        for found in _SPACED.finditer(text)
    ]


def find_phone_tails(text: str) -> list[Match]:
    """Finds the last four digits of a phone number (see the module docstring).

    "手机尾号1111", "尾号1111的那个手机", "138****1111": they are neither an ID nor an
    amount; the caller masks them without reporting them.

    Args:
        text: The message, with phone numbers masked.

    Returns:
        Non-overlapping matches in text order; each value is the four digits as an ASCII
        string, and the phone words, tail trigger or masked digits are claimed with them.
    """
    matches = [
        _last4_match(found, context_start=found.start(), context_end=found.end())
        for pattern in (_PHONE_TAIL, _TAIL_BEFORE_PHONE, _MASKED_PHONE)
        for found in pattern.finditer(text)
    ]
    return select_longest(matches)


def find_id_last4(text: str) -> list[Match]:
    """Finds the last four characters of an ID number introduced by a trigger phrase.

    Args:
        text: The message, with phone numbers masked.

    Returns:
        Matches in text order; each value is four characters (ASCII digits, X upper-cased).
    """
    matches = [
        Match(found.start("value"), found.end("value"), found["value"].upper())
        for found in _ENDS_WITH_X.finditer(text)
    ]
    matches += [
        Match(found.start("value"), found.end("value"), _id_value(found["value"]))
        for found in _SPACED.finditer(text)
        if len(_id_value(found["value"])) == 4
    ]
    for found in _PINYIN_DIGITS.finditer(text):
        value = _pinyin_digits(found.group())
        if len(value) == 4 and _PINYIN_TRIGGER.search(text[: found.start()]):
            matches.append(Match(found.start(), found.end(), value))
    for found in _PINYIN_ID.finditer(text):
        matches.append(Match(found.start(), found.end(), _pinyin_digits(found.group()) + "X"))
    for pattern in (_TRIGGER_FIRST, _VALUE_FIRST, _AFTER_PHONE):
        for found in pattern.finditer(text):
            matches.append(
                _last4_match(
                    found, context_start=found.start("trigger"), context_end=found.end("trigger")
                )
            )
    tails = [tail.claimed for tail in find_phone_tails(text)]
    return select_longest(
        match for match in matches if not any(overlaps(match.claimed, t) for t in tails)
    )


def _last4_match(
    found: re.Match[str], context_start: int | None = None, context_end: int | None = None
) -> Match:
    """The four ID characters of ``found["value"]`` as ASCII, X upper-cased."""
    value = _id_value(found["value"])
    return Match(found.start("value"), found.end("value"), value, context_start, context_end)


def _id_value(raw: str) -> str:
    """The ID characters as ASCII, separators dropped: "4 4 0 x" -> "440X", "三七八叉" -> "378X"."""
    chars = [char for char in raw.upper() if not (char.isspace() or char in ",，、")]
    return "".join("X" if char == "叉" else digit_string(char) or char for char in chars)


def bare_id_last4(text: str) -> Match | None:
    """Reads a message that is nothing but four ID characters ("1234", "567X", "1 2 3 4").

    Args:
        text: The whole message.

    Returns:
        The match, or None when the message holds anything else.
    """
    found = _BARE_LAST4.fullmatch(text)
    if found is None:
        return None
    return Match(found.start("value"), found.end("value"), _id_value(found["value"]))
