from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nlu.numbers import (
    digit_string,
    parse_digits,
    parse_int,
    parse_number,
    pinyin_to_numerals,
    to_halfwidth,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("800", Decimal(800)),
        ("2,000", Decimal(2000)),
        ("12,345.67", Decimal("12345.67")),
        ("326.05", Decimal("326.05")),
        ("五百", Decimal(500)),
        ("三千五", Decimal(3500)),
        ("一千二", Decimal(1200)),
        ("两万", Decimal(20000)),
        ("1.5万", Decimal(15000)),
        ("一万二", Decimal(12000)),
        ("1万2", Decimal(12000)),
        ("两千五百", Decimal(2500)),
        ("3k", Decimal(3000)),
        ("2.5K", Decimal(2500)),
        ("1.2w", Decimal(12000)),
        ("3W", Decimal(30000)),
        ("一点五万", Decimal(15000)),
        ("三点五千", Decimal(3500)),
        ("3千5", Decimal(3500)),
        ("1千2百5", Decimal(1250)),
        ("两百五", Decimal(250)),
        ("一万零五百", Decimal(10500)),
        ("壹万贰仟", Decimal(12000)),
        ("十五", Decimal(15)),
        ("二十四", Decimal(24)),
        ("两", Decimal(2)),
        ("十万", Decimal(100000)),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["", "三四百", "一两千", "十万火急", "两点五十", "abc", "万", "1,2345"]
)
def test_parse_number_rejects(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("十二", 12), ("两", 2), ("二十四", 24), ("3.5", None), ("半", None)],
)
def test_parse_int(text, expected):
    assert parse_int(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二六", 2026),
        ("二零二六", 2026),
        ("2026", 2026),
        ("一二三四", 1234),
        ("十二", None),
        ("", None),
    ],
)
def test_parse_digits(text, expected):
    assert parse_digits(text) == expected


def test_to_halfwidth_keeps_length_and_maps_digits():
    text = "还１２，０００元　ＯＫ"
    result = to_halfwidth(text)
    assert result == "还12,000元 OK"
    assert len(result) == len(text)


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(number):
    assert parse_number(cn2an.an2cn(number)) == number


@given(st.integers(min_value=1, max_value=99_999_999))
def test_financial_numerals_round_trip(number):
    assert parse_number(cn2an.an2cn(number, "up")) == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一三八零零零零一一一一", "13800001111"),
        ("幺三八〇〇〇〇幺幺幺幺", "13800001111"),
        ("零零一二", "0012"),
        ("0012", "0012"),
        ("一二三X", None),
        ("十二", None),
        ("", None),
    ],
)
def test_digit_string(text, expected):
    assert digit_string(text) == expected


def test_parse_digits_reads_yao_as_one():
    assert parse_digits("幺三八") == 138


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yi qian", "一千"),
        ("san qian wu", "三千五"),
        ("shi er", "十二"),
        ("ShiEr", "十二"),
        ("liang bai", "两百"),
    ],
)
def test_pinyin_to_numerals(text, expected):
    assert pinyin_to_numerals(text) == expected


@pytest.mark.parametrize("text", ["", "yi qian kuai", "hao", "ming tian"])
def test_pinyin_to_numerals_rejects_other_words(text):
    assert pinyin_to_numerals(text) is None
