import datetime as dt

import pytest

from bot.nlu.entities import extract_entities
from bot.nlu.identifiers import (
    bare_id_last4,
    find_digit_runs,
    find_id_last4,
    find_phone_tails,
    find_phones,
    identity_remainder,
)
from bot.nlu.matches import mask


def phones(text):
    return [(text[m.start : m.end], m.value) for m in find_phones(text)]


def last4(text):
    return [(text[m.start : m.end], m.value) for m in find_id_last4(text)]


@pytest.mark.parametrize(
    ("text", "span", "digits"),
    [
        ("13800001111", "13800001111", "13800001111"),
        ("我的手机13912345678", "13912345678", "13912345678"),
        ("电话:15012345678。", "15012345678", "15012345678"),
        ("138 0000 1111", "138 0000 1111", "13800001111"),
        ("138-0000-1111", "138-0000-1111", "13800001111"),
        ("+86 13800001111", "+86 13800001111", "13800001111"),
        ("+8613800001111", "+8613800001111", "13800001111"),
        ("86 13800001111", "86 13800001111", "13800001111"),
        ("0086 13800001111", "0086 13800001111", "13800001111"),
        ("+86-138-0000-1111", "+86-138-0000-1111", "13800001111"),
        ("19912345678", "19912345678", "19912345678"),
        ("16612345678", "16612345678", "16612345678"),
        ("打17712345678找我", "17712345678", "17712345678"),
    ],
)
def test_finds_mobile(text, span, digits):
    assert phones(text) == [(span, digits)]


@pytest.mark.parametrize(
    "text",
    [
        "12800001111",
        "1380000111",
        "138000011112",
        "6222021234567890123",
        "110101199001011234",
        "10086",
        "02112345678",
    ],
)
def test_no_mobile(text):
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("后四位1234", "1234", "1234"),
        ("尾号012X", "012X", "012X"),
        ("身份证后4位是567x", "567x", "567X"),
        ("末四位 9012", "9012", "9012"),
        ("最后四位是0000", "0000", "0000"),
        ("后四位:123X", "123X", "123X"),
        ("后4位为4321", "4321", "4321"),
        ("尾数是8888", "8888", "8888"),
        ("身份证尾号是 456x", "456x", "456X"),
        ("后四位数字是1111", "1111", "1111"),
        ("身份证号码后四位 0012", "0012", "0012"),
        ("1234是我身份证后四位", "1234", "1234"),
        ("5678就是后四位", "5678", "5678"),
        ("身份证后四码778x", "778x", "778X"),
        ("身份证最后4个是567X", "567X", "567X"),
        ("身份证 1234", "1234", "1234"),
        ("身份证号码是0012", "0012", "0012"),
        ("证件号:4321", "4321", "4321"),
        ("id 1234", "1234", "1234"),
        ("ID:9012", "9012", "9012"),
        ("x结尾的，567X", "567X", "567X"),
        ("13900002222 567x", "567x", "567X"),
    ],
)
def test_finds_id_last4(text, span, value):
    assert last4(text) == [(span, value)]


@pytest.mark.parametrize("text", ["yi er san si wu", "wo san wu ba hui", "san si wu liu"])
def test_pinyin_digits_without_a_trigger_are_no_id(text):
    assert last4(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "后四位12",
        "后四位12345",
        "尾号X123",
        "1234",
        "还1234",
        "身份证110101199001011234",
        "video 1234",
        "A567X",
    ],
)
def test_no_id_last4(text):
    assert last4(text) == []


def test_trigger_is_claimed_with_the_value():
    (match,) = find_id_last4("身份证后四位1234")
    assert (match.start, match.end) == (6, 10)
    assert match.claimed == (3, 10)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1234", "1234"), ("567X", "567X"), (" 567x ", "567X"), ("012X。", "012X"), ("1234!", "1234")],
)
def test_bare_id_last4(text, value):
    match = bare_id_last4(text)
    assert match is not None
    assert match.value == value
    assert text[match.start : match.end].upper() == value


@pytest.mark.parametrize("text", ["12345", "123", "12 34", "还1234", "X123", ""])
def test_not_bare_id_last4(text):
    assert bare_id_last4(text) is None


def tails(text):
    return [(text[m.start : m.end], m.value) for m in find_phone_tails(text)]


@pytest.mark.parametrize(
    ("text", "span", "digits"),
    [
        ("一三八零零零零一一一一", "一三八零零零零一一一一", "13800001111"),
        ("幺三八〇〇〇〇幺幺幺幺", "幺三八〇〇〇〇幺幺幺幺", "13800001111"),
        ("我手机是一三九 一二三四 五六七八", "一三九 一二三四 五六七八", "13912345678"),
        ("13800001111一个月还500", "13800001111", "13800001111"),
    ],
)
def test_finds_mobile_read_out(text, span, digits):
    assert phones(text) == [(span, digits)]


@pytest.mark.parametrize(
    "text",
    [
        "一二三四五六七八九零一",
        "一三八零零零零一一一一二",
        "一三八零零零零一一一",
        "十三八零零零零一一一一",
    ],
)
def test_no_mobile_read_out(text):
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("身份证后四3344", "3344", "3344"),
        ("后四 567X", "567X", "567X"),
        ("后四位一二三四", "一二三四", "1234"),
        ("尾号零零一X", "零零一X", "001X"),
        ("身份证号码是幺二三四", "幺二三四", "1234"),
        ("一二三四是后四位", "一二三四", "1234"),
        ("验证:18012345678/3312", "3312", "3312"),
        ("13800001111 / 567x", "567x", "567X"),
        ("身份证号码后四位330X", "330X", "330X"),
    ],
)
def test_finds_id_last4_in_edge_cases(text, span, value):
    assert last4(text) == [(span, value)]


@pytest.mark.parametrize(
    "text",
    [
        "手机尾号1111",
        "手机号后四位1234",
        "电话号码的尾号是5678",
        "手机尾号1111 不对是13800001111",
        "尾号1111的那个手机",
        "手机尾号是1111的",
        "手机138****1111",
        "138 **** 1111",
        "159****2233 后四位",
        "后四位一二三四五",
        "以后40000",
        "2000/3000",
    ],
)
def test_no_id_last4_in_edge_cases(text):
    assert last4(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机尾号1111 不对是13800001111", [("1111", "1111")]),
        ("手机号后四位1234", [("1234", "1234")]),
        ("电话号码的尾号是5678", [("5678", "5678")]),
        ("身份证尾号1234", []),
        ("身份证号码后四位1234", []),
        # the tail before the phone word
        ("尾号1111的那个手机", [("1111", "1111")]),
        ("后四位是5678的电话", [("5678", "5678")]),
        ("尾号2233的号码", [("2233", "2233")]),
        ("手机尾号是1111的", [("1111", "1111")]),
        ("身份证后四位1234的手机号", []),
        ("尾号1234，手机13800001111", []),
        ("后四位1234 手机", []),
        # partly masked mobile numbers
        ("手机138****1111", [("1111", "1111")]),
        ("138 **** 1111", [("1111", "1111")]),
        ("138-****-1111", [("1111", "1111")]),
        ("138xxxx1111", [("1111", "1111")]),
        ("159****2233 后四位身份证是770X", [("2233", "2233")]),
        ("33**", []),
        ("1380****11112", []),
    ],
)
def test_phone_tails(text, expected):
    assert tails(text) == expected


def test_phone_tail_claims_the_phone_words():
    (match,) = find_phone_tails("手机尾号1111")
    assert match.claimed == (0, 8)


@pytest.mark.parametrize(
    ("text", "claimed"),
    [("尾号1111的那个手机", (0, 11)), ("手机138****1111", (2, 13)), ("138 **** 1111", (0, 13))],
)
def test_phone_tail_claims_its_context(text, claimed):
    (match,) = find_phone_tails(text)
    assert match.claimed == claimed


def test_masked_phone_tail_leaves_the_id_after_it():
    text = "159****2233 后四位身份证是770X"
    assert last4(mask(text, find_phone_tails(text))) == [("770X", "770X")]


# --- issue 12: spaced and spoken digits are one identifier -------------------------------


@pytest.mark.parametrize(
    ("text", "span", "digits"),
    [
        ("1 3 9 0 0 1 2 7 7 8 8", "1 3 9 0 0 1 2 7 7 8 8", "13900127788"),
        ("一五九，二二三三，四四五五", "一五九，二二三三，四四五五", "15922334455"),
        ("幺八六 零零七三 五五二八", "幺八六 零零七三 五五二八", "18600735528"),
        ("幺八六，零零七三，五五二八", "幺八六，零零七三，五五二八", "18600735528"),
        ("我个电话系一三八，零二四六，八九一七", "一三八，零二四六，八九一七", "13802468917"),
        ("号码 139 00 12 7788", "139 00 12 7788", "13900127788"),
        ("138，0000，1111", "138，0000，1111", "13800001111"),
        ("我手机号码系幺叁捌陆柒零贰玖玖肆伍", "幺叁捌陆柒零贰玖玖肆伍", "13867029945"),
        (
            "还是那个 yao wu ling, san san er ba, liu liu qi jiu",
            "yao wu ling, san san er ba, liu liu qi jiu",
            "15033286679",
        ),
    ],
)
def test_spaced_or_spoken_digits_are_one_phone(text, span, digits):
    assert phones(text) == [(span, digits)]


@pytest.mark.parametrize(
    "text",
    [
        "1500，2000，300",  # three amounts, not a phone
        "一，二，三",
        "1 3 9 0 0 1 2",  # too short
    ],
)
def test_lists_and_short_runs_are_no_phone(text):
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("后四位4 4 0 x", "4 4 0 x", "440X"),
        ("身份证最后四个是三 七 八 叉", "三 七 八 叉", "378X"),
        ("对，是我，后四位两 两 零 五", "两 两 零 五", "2205"),
        ("后四位1 2 3 4", "1 2 3 4", "1234"),
        ("身份证尾四位系零五二七", "零五二七", "0527"),
        ("尾号两两零五", "两两零五", "2205"),
        ("身份证后四位是1，1，0，9", "1，1，0，9", "1109"),
        ("张伟 1 2 3 4", "1 2 3 4", "1234"),
        ("hou si wei liu ba jiu san", "liu ba jiu san", "6893"),
        ("身份证尾数 san wu qi x", "san wu qi x", "357X"),
        ("shen fen zheng yi er san si", "yi er san si", "1234"),
    ],
)
def test_spaced_spoken_and_cantonese_id_last4(text, span, value):
    assert last4(text) == [(span, value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1 2 3 4", "1234"), ("4 4 0 x", "440X"), ("三 七 八 叉", "378X"), ("两 两 零 五", "2205")],
)
def test_bare_spaced_answer_is_an_id(text, value):
    match = bare_id_last4(text)
    assert match is not None and match.value == value


def test_other_spaced_digits_are_claimed_as_one_run():
    text = "卡号6 2 2 8 4 8"
    assert [(text[m.start : m.end], m.value) for m in find_digit_runs(text)] == [
        ("6 2 2 8 4 8", "622848")
    ]
    assert find_digit_runs("1,000") == [] and find_digit_runs("分 3 期") == []


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("13700003333 身份证9012 查一下我欠多少", "查一下我欠多少"),
        ("我手机13800001111，证件后四位1234，想分6期还", "想分6期还"),
        ("我的手机号是13800001111，身份证后四位是1234，滞纳金能免吗", "滞纳金能免吗"),
    ],
)
def test_identity_remainder_keeps_what_is_asked(text, rest):
    remainder = identity_remainder(text, _identifier_spans(text))
    assert remainder is not None
    blanked, start, end = remainder
    assert len(blanked) == len(text) and blanked[start:end] == text[start:end] == rest
    assert "1234" not in blanked and "身份证" not in blanked


@pytest.mark.parametrize(
    "text", ["我是本人，13800001111", "13800001111 1234", "手机号是13800001111"]
)
def test_identity_alone_leaves_no_remainder(text):
    assert identity_remainder(text, _identifier_spans(text)) is None


def _identifier_spans(text):
    entities = extract_entities(text, dt.date(2026, 11, 30))
    return [(e["start"], e["end"]) for e in entities if e["entity"] in ("phone", "id_last4")]
