import datetime as dt
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nlu.entities import amount_value, extract_entities

TODAY = dt.date(2026, 11, 25)  # Wednesday


def found(text, today=TODAY):
    return [(e["entity"], e["value"], e["start"], e["end"]) for e in extract_entities(text, today)]


def kinds(text):
    return [(e["entity"], e["value"]) for e in extract_entities(text, TODAY)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我明天还八百", [("date", "2026-11-26", 1, 3), ("amount", 800, 4, 6)]),
        (
            "下个月五号还三千五",
            [("date", "2026-12-05", 0, 5), ("amount", 3500, 6, 9)],
        ),
        ("分12期每期800", [("installments", 12, 1, 4), ("amount", 800, 6, 9)]),
        (
            "我的手机号是13912345678，尾号1234",
            [("phone", "13912345678", 6, 17), ("id_last4", "1234", 20, 24)],
        ),
        (
            "2026年12月5日还2000",
            [("date", "2026-12-05", 0, 10), ("amount", 2000, 11, 15)],
        ),
        (
            "还3000，剩下的分6期",
            [("amount", 3000, 1, 5), ("installments", 6, 10, 12)],
        ),
        ("326.05元", [("amount", 326.05, 0, 7)]),
        ("身份证后4位是567x", [("id_last4", "567X", 7, 11)]),
        ("+86 13800001111", [("phone", "13800001111", 0, 15)]),
    ],
)
def test_entities_values_and_offsets(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15号", [("date", "2026-12-15")]),
        ("十五号还", [("date", "2026-12-15")]),
        ("12期", [("installments", 12)]),
        ("分12个月", [("installments", 12)]),
        ("后四位1234", [("id_last4", "1234")]),
        ("末四位 9012", [("id_last4", "9012")]),
        ("13800001111", [("phone", "13800001111")]),
        ("138 0000 1111", [("phone", "13800001111")]),
        ("逾期两个月了", []),
        ("三个月前", []),
        ("12月5号", [("date", "2026-12-05")]),
        ("12/5还500", [("date", "2026-12-05"), ("amount", 500)]),
        ("3天后还两千", [("date", "2026-11-28"), ("amount", 2000)]),
        ("过两天还800块", [("date", "2026-11-27"), ("amount", 800)]),
        ("月底前还1.5万", [("date", "2026-11-30"), ("amount", 15000)]),
        ("下月初还一万二", [("date", "2026-12-01"), ("amount", 12000)]),
        ("我这个月15号发工资，到时候还5000", [("date", "2026-11-15"), ("amount", 5000)]),
        ("逾期两个月了，能不能分12期", [("installments", 12)]),
        ("每个月还800，分12个月", [("amount", 800), ("installments", 12)]),
        ("一次性还两万", [("amount", 20000)]),
        ("两万一次性还清", [("amount", 20000)]),
        ("我只能还两块五", [("amount", 2.5)]),
        ("卡号6222021234567890123", []),
        ("身份证110101199001011234", []),
        ("你好", []),
        ("", []),
    ],
)
def test_disambiguation(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", [("id_last4", "1234", 0, 4), ("amount", 1234, 0, 4)]),
        ("0012", [("id_last4", "0012", 0, 4), ("amount", 12, 0, 4)]),
        ("567X", [("id_last4", "567X", 0, 4)]),
        ("567x", [("id_last4", "567X", 0, 4)]),
        (" 1234 ", [("id_last4", "1234", 1, 5), ("amount", 1234, 1, 5)]),
        ("１２３４", [("id_last4", "1234", 0, 4), ("amount", 1234, 0, 4)]),
        ("13800001111", [("phone", "13800001111", 0, 11)]),
        ("800", [("amount", 800, 0, 3)]),
        ("12345", [("amount", 12345, 0, 5)]),
    ],
)
def test_bare_answers(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a phone number or identity words make stand-alone digits ID digits
        ("13700003333，9012", [("phone", "13700003333"), ("id_last4", "9012")]),
        ("1234，手机号13800001111", [("id_last4", "1234"), ("phone", "13800001111")]),
        ("验证一下 13900002222 567X", [("phone", "13900002222"), ("id_last4", "567X")]),
        ("核实身份，1234", [("id_last4", "1234")]),
        # no money word: both readings, the dialogue picks
        ("张伟 1234", [("amount", 1234), ("id_last4", "1234")]),
        ("刚才输错了，应该是1234", [("amount", 1234), ("id_last4", "1234")]),
        # money words: an amount
        ("下周还2000", [("date", "2026-12-02"), ("amount", 2000)]),
        ("这笔5000不是我花的", [("amount", 5000)]),
        ("我只有1000", [("amount", 1000)]),
        ("先还1500元", [("amount", 1500)]),
        # offers: money verbs and "on hand" words
        ("我出2000", [("amount", 2000)]),
        ("手上就3000", [("amount", 3000)]),
        ("手头能拿的就2500", [("amount", 2500)]),
        ("这个月能挤2000", [("amount", 2000)]),
        ("给你们1800行吗", [("amount", 1800)]),
        ("I can give you 1000", [("amount", 1000)]),
        ("I can pay 1500 now", [("amount", 1500)]),
        ("can offer 1200", [("amount", 1200)]),
    ],
)
def test_four_digits_in_longer_messages(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２期", [("installments", 12, 0, 3)]),
        ("￥８００", [("amount", 800, 0, 4)]),
        ("还２，０００元", [("amount", 2000, 1, 7)]),
        ("１３８００００１１１１", [("phone", "13800001111", 0, 11)]),
        ("后四位：１２３Ｘ", [("id_last4", "123X", 4, 8)]),
    ],
)
def test_full_width_input_keeps_original_offsets(text, expected):
    assert found(text) == expected


def test_entity_text_is_the_original_slice():
    text = "我下周五还２，０００元，分１２期，手机１３８００００１１１１"
    entities = extract_entities(text, TODAY)
    assert [e["entity"] for e in entities] == ["date", "amount", "installments", "phone"]
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("800"), 800),
        (Decimal("800.00"), 800),
        (Decimal("326.05"), 326.05),
        (Decimal("0.125"), 0.13),
        (Decimal("15000.0"), 15000),
    ],
)
def test_amount_value(amount, expected):
    value = amount_value(amount)
    assert value == expected
    assert type(value) is type(expected)


@given(st.integers(min_value=1, max_value=99_999_999))
def test_any_arabic_amount_with_currency(number):
    assert kinds(f"我还{number}元") == [("amount", number)]


@given(st.integers(min_value=10, max_value=99_999_999))
def test_any_chinese_amount_with_currency(number):
    assert kinds(f"我还{cn2an.an2cn(number)}块") == [("amount", number)]


@given(
    st.text(
        alphabet="0123456789一二两三四五六七八九十百千万号期个月天后周下分还元块位尾Xx.,，:：/- ",
        max_size=30,
    )
)
def test_offsets_always_match_text(text):
    for entity in extract_entities(text, TODAY):
        assert 0 <= entity["start"] < entity["end"] <= len(text)
        assert text[entity["start"] : entity["end"]] == entity["text"]


MON = dt.date(2026, 11, 30)  # Monday


def kinds_on_monday(text):
    return [(e["entity"], e["value"]) for e in extract_entities(text, MON)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 1. 打 + amount is sending money; numbers to dial stay out
        ("先给你们打两千", [("amount", 2000)]),
        ("每个月给你们打500", [("amount", 500)]),
        ("周六打3000过去", [("date", "2026-12-05"), ("amount", 3000)]),
        ("打1234", [("amount", 1234)]),
        ("打12378投诉你们", []),
        ("打110", []),
        ("打17712345678找我", [("phone", "17712345678")]),
        ("打02112345678", []),
        # 2-4. dates
        ("昨儿就还了", [("date", "2026-11-29")]),
        ("上个月28号已经还了", [("date", "2026-10-28")]),
        ("上月28号还的", [("date", "2026-10-28")]),
        ("上周五还了2000", [("date", "2026-11-27"), ("amount", 2000)]),
        ("这个月28号", [("date", "2026-11-28")]),
        ("元旦前还清", [("date", "2027-01-01")]),
        # 5. 分期 after a number
        ("每月1500分期行不行", [("amount", 1500)]),
        # 6. English tenors
        ("12 months", [("installments", 12)]),
        ("over 12 months", [("installments", 12)]),
        ("in 6 installments", [("installments", 6)]),
        ("I can pay 500 a month over 12 months", [("amount", 500), ("installments", 12)]),
        ("3 months ago", []),
        # 7. shopping festivals
        ("双十一", []),
        ("双11", []),
        ("双十二", []),
        ("双12", []),
        ("618买的", []),
        ("618活动", []),
        ("双十一买的手机花了3000", [("amount", 3000)]),
        ("618", [("amount", 618)]),
        # 8. years only in repayment context
        ("分一年还", [("installments", 12)]),
        ("一年还清", [("installments", 12)]),
        ("医保一年交多少钱", []),
        ("存十万定期一年利息多少", [("amount", 100000)]),
        # 9. goodbye slang
        ("88", []),
        ("886", []),
        ("拜拜88", []),
        ("88啦", []),
        ("不聊了 88", []),
        ("886啦", []),
        ("还88块", [("amount", 88)]),
        ("88元", [("amount", 88)]),
        # 10. identifiers
        ("身份证后四3344", [("id_last4", "3344")]),
        ("验证：18012345678/3312", [("phone", "18012345678"), ("id_last4", "3312")]),
        ("手机尾号1111 不对是13800001111", [("phone", "13800001111")]),
        ("手机尾号1111", []),
        ("一三八零零零零一一一一", [("phone", "13800001111")]),
        ("后四位一二三四", [("id_last4", "1234")]),
        ("身份证号码后四位330X，名字王丽", [("id_last4", "330X")]),
    ],
)
def test_observed_gaps(text, expected):
    assert kinds_on_monday(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 1. partly masked phone numbers are not identifiers
        ("手机138****1111", []),
        ("159****2233 后四位身份证是770X", [("id_last4", "770X")]),
        ("138 **** 1111", []),
        ("138****1111/3312", [("id_last4", "3312")]),
        # 2. a phone tail before the phone word
        ("尾号1111的那个手机", []),
        ("手机尾号是1111的", []),
        ("尾号1111的那个手机，身份证后四位567X", [("id_last4", "567X")]),
        # 3. a number prefix
        ("手机号138开头", []),
        # 4. vague quantities
        ("话费欠了几十块", []),
        ("几百块", []),
        ("几千", []),
        ("十几块", []),
        # 5. plans
        ("按18个月做个方案行不行", [("installments", 18)]),
        ("做个12期的计划", [("installments", 12)]),
        # 6. goodbye slang after 那/好/行
        ("那886", []),
        ("好的886", []),
        ("88了", []),
        ("还88块", [("amount", 88)]),
        ("88元", [("amount", 88)]),
        ("还88", [("amount", 88)]),
        # 7. approximate amounts: the lower bound
        ("三千多", [("amount", 3000)]),
        ("八千多", [("amount", 8000)]),
        ("两万多", [("amount", 20000)]),
        ("三千左右", [("amount", 3000)]),
        ("一万出头", [("amount", 10000)]),
        ("3000多", [("amount", 3000)]),
        ("三千多万", []),
    ],
)
def test_more_observed_gaps(text, expected):
    assert kinds_on_monday(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 1. 上/下/这/本/每 一期 is a billing period, not a tenor
        ("下一期什么时候到期", []),
        ("这一期", []),
        ("上一期", []),
        ("本期", []),
        ("下期", []),
        ("这一期还多少", []),
        ("每一期还800", [("amount", 800)]),
        ("下一期还不上，能分12期吗", [("installments", 12)]),
        ("分一期", [("installments", 1)]),
        # 2. "X多" needs X >= 100, unless 块/元/钱 follows
        ("我七十多了 就靠那点养老金", []),
        ("70多了", []),
        ("五十多块", [("amount", 50)]),
        ("五十多元", [("amount", 50)]),
        ("三千多", [("amount", 3000)]),
        ("一百多", [("amount", 100)]),
        # 3. "X来" is X before 块/元/钱, or when X >= 100 and 来 ends the phrase
        ("我现在每个月就只能拿出五百来 多了真没有", [("amount", 500)]),
        ("两千来块", [("amount", 2000)]),
        ("五十来块钱", [("amount", 50)]),
        ("一千来，不能再多了", [("amount", 1000)]),
        ("五百来", [("amount", 500)]),
        ("三百来个人", []),
        ("二十来岁", []),
        ("二十来", []),
        ("五百来着", []),
        # 4. any N年 tenor needs repayment context; 还是 is "or", not repaying
        ("存定期现在利息多少 三年的划算还是五年的划算", []),
        ("三年还是五年", []),
        ("三年定存利息怎么算", []),
        ("分三年还", [("installments", 36)]),
        ("五年还清", [("installments", 60)]),
        ("三年还是五年还清", [("installments", 36), ("installments", 60)]),
        ("做个三年的还款计划", [("installments", 36)]),
        ("五年的方案行吗", [("installments", 60)]),
    ],
)
def test_observed_gaps_round_three(text, expected):
    assert kinds_on_monday(text) == expected


def test_approximate_amount_span_is_the_number():
    (entity,) = extract_entities("下周能还两万多块", MON)[1:]
    assert (entity["entity"], entity["value"], entity["text"]) == ("amount", 20000, "两万")


def test_read_out_phone_keeps_original_offsets():
    text = "手机一三八零零零零一一一一"
    (entity,) = extract_entities(text, MON)
    assert (entity["start"], entity["end"], entity["text"]) == (2, 13, "一三八零零零零一一一一")


def test_about_amount_span_is_the_number():
    (entity,) = extract_entities("我现在每个月就只能拿出五百来 多了真没有", MON)
    assert (entity["entity"], entity["value"], entity["text"]) == ("amount", 500, "五百")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("听说逾期超过三个月就算恶意透支了？", []),  # time overdue, not a tenor
        ("现在手头交关紧 宽限两个月好伐", []),  # a wait, not a tenor
        ("一个月能挤出两百来还", [("amount", 200)]),
        ("阿拉要到12378去举报侬", []),  # the regulator's hotline, not money
        ("分两个月还", [("installments", 2)]),
    ],
)
def test_waits_overdue_time_and_hotlines_are_not_plans_or_money(text, expected):
    found = [(e["entity"], e["value"]) for e in extract_entities(text, dt.date(2026, 11, 30))]
    assert found == expected


# --- issue 12: several identifiers and amounts in one message ----------------------------

MONDAY = dt.date(2026, 11, 30)


def typed(text):
    return sorted((e["entity"], e["value"]) for e in extract_entities(text, MONDAY))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 3 9 0 0 1 2 7 7 8 8", [("phone", "13900127788")]),
        ("一五九，二二三三，四四五五", [("phone", "15922334455")]),
        ("幺八六 零零七三 五五二八", [("phone", "18600735528")]),
        ("4 4 0 x", [("id_last4", "440X")]),
        ("三 七 八 叉", [("id_last4", "378X")]),
        ("两 两 零 五", [("id_last4", "2205")]),
        ("后四位1 2 3 4", [("id_last4", "1234")]),
        ("1 2 3 4", [("id_last4", "1234")]),  # spaced out: an ID, never an amount
        ("卡号6 2 2 8 4 8", []),
        (
            "身份证后四位6 0 1 x，手机一八九 零五六二 三三七四",
            [("id_last4", "601X"), ("phone", "18905623374")],
        ),
    ],
)
def test_spaced_or_spoken_digits_are_one_identifier_never_amounts(text, expected):
    assert typed(text) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我周五先还6000", [("amount", 6000), ("date", "2026-12-04")]),
        ("还2000块", [("amount", 2000)]),
        ("先还3000元", [("amount", 3000)]),
        (
            "13700003333，9012，我周五先还6000",
            [
                ("amount", 6000),
                ("date", "2026-12-04"),
                ("id_last4", "9012"),
                ("phone", "13700003333"),
            ],
        ),
        ("身份证1234，还了3000", [("amount", 3000), ("id_last4", "1234")]),
        ("13700003333，9012", [("id_last4", "9012"), ("phone", "13700003333")]),
    ],
)
def test_four_digits_in_money_context_are_an_amount_not_an_id(text, expected):
    assert typed(text) == sorted(expected)


@pytest.mark.parametrize(
    "text", ["138****1111", "我手机是138****1111", "短信发到153****6620这个号上的"]
)
def test_masked_phone_yields_no_phone_and_no_amount(text):
    assert [kind for kind, _ in typed(text)] == []


@pytest.mark.parametrize(
    "text",
    [
        "split it into 12 monthly payments",
        "fen 6 qi",
        "wo xiang fen 6 qi",
        "分6其",
        "12 installments",
    ],
)
def test_a_tenor_is_never_also_an_amount(text):
    kinds_found = [kind for kind, _ in typed(text)]
    assert kinds_found == ["installments"]
