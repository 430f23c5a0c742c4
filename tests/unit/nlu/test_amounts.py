from decimal import Decimal

import pytest

from bot.nlu.amounts import find_amounts


def amounts(text):
    return [(text[m.start : m.end], m.value) for m in find_amounts(text)]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("800", "800", 800),
        ("2,000元", "2,000元", 2000),
        ("五百", "五百", 500),
        ("三千五", "三千五", 3500),
        ("一千二", "一千二", 1200),
        ("两万", "两万", 20000),
        ("1.5万", "1.5万", 15000),
        ("800块", "800块", 800),
        ("八百块钱", "八百块钱", 800),
        ("一万二", "一万二", 12000),
        ("1万2", "1万2", 12000),
        ("两千五百元", "两千五百元", 2500),
        ("3k", "3k", 3000),
        ("326.05元", "326.05元", Decimal("326.05")),
        ("¥800", "¥800", 800),
        ("￥1,500", "￥1,500", 1500),
        ("RMB 800", "RMB 800", 800),
        ("800rmb", "800rmb", 800),
        ("人民币5000元", "人民币5000元", 5000),
        ("100块钱", "100块钱", 100),
        ("300 元", "300 元", 300),
        ("两块五", "两块五", Decimal("2.5")),
        ("十块", "十块", 10),
        ("一百块", "一百块", 100),
        ("五十", "五十", 50),
        ("还8百", "8百", 800),
        ("还1千2", "1千2", 1200),
        ("2千块", "2千块", 2000),
        ("一点五万", "一点五万", 15000),
        ("三点五万块", "三点五万块", 35000),
        ("1.5w", "1.5w", 15000),
        ("2.5k", "2.5k", 2500),
        ("3K", "3K", 3000),
        ("10万", "10万", 100000),
        ("十万", "十万", 100000),
        ("一万零五百", "一万零五百", 10500),
        ("两万五", "两万五", 25000),
        ("一千零一", "一千零一", 1001),
        ("12.5", "12.5", Decimal("12.5")),
        ("0.5元", "0.5元", Decimal("0.5")),
        ("12,345.67元", "12,345.67元", Decimal("12345.67")),
        ("壹万贰仟元", "壹万贰仟元", 12000),
        ("5000元/月", "5000元", 5000),
        ("两万一次性还清", "两万", 20000),
        ("每期还800", "800", 800),
        ("先还500吧", "500", 500),
        ("我已经还了500", "500", 500),
        ("欠款一万五千块", "一万五千块", 15000),
        ("大概2千", "2千", 2000),
        ("3000左右", "3000", 3000),
        ("还一万二吧", "一万二", 12000),
        ("800一个月", "800", 800),
        ("每个月只能还这么多:800", "800", 800),
        ("I can pay 500 a month", "500", 500),
        ("这笔5000不是我花的", "5000", 5000),
        ("88块", "88块", 88),
    ],
)
def test_finds_amount(text, span, value):
    assert amounts(text) == [(span, Decimal(value))]


@pytest.mark.parametrize(
    "text",
    [
        "几百块",
        "两三千",
        "三四百",
        "我有2个孩子",
        "我今年30岁",
        "10:30再打",
        "下午两点五十还",
        "十分抱歉",
        "一下子还不上",
        "万一还不上",
        "千万别打我单位",
        "十万火急",
        "第3次",
        "iPhone15",
        "利息5%",
        "百分之五",
        "6222021234567890123",
        "123456789",
        "一次",
        "两个人",
        "我住3楼",
        "3点",
        "打12378投诉你们",
        "我要投诉到315",
        "拨打95555",
        "1+1等于几",
        "88",
        "886",
        "666!",
        "500ml",
    ],
)
def test_no_amount(text):
    assert amounts(text) == []


def test_several_amounts_in_order():
    assert amounts("先还500，下次再还1,000元") == [("500", 500), ("1,000元", 1000)]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        # 打 before an amount is sending money
        ("先给你们打两千", "两千", 2000),
        ("每个月给你们打500", "500", 500),
        ("周六打3000过去", "3000", 3000),
        ("我打一千", "一千", 1000),
        ("打500块", "500块", 500),
        ("打2000到卡上", "2000", 2000),
        ("打100过去", "100", 100),
        ("给你们打10000", "10000", 10000),
        # 分期 after a number is not the unit 分
        ("每月1500分期行不行", "1500", 1500),
        ("两千分期", "两千", 2000),
        # "88" with a currency or a money word is money
        ("还88块", "88块", 88),
        ("88元", "88元", 88),
        ("还88", "88", 88),
        # a bare 618 is an offer; with a currency it is money anyway
        ("618", "618", 618),
        ("还618", "618", 618),
        ("618块", "618块", 618),
        ("双11买的2000块", "2000块", 2000),
        # approximate amounts read as their lower bound; the span is the number alone
        ("三千多", "三千", 3000),
        ("八千多", "八千", 8000),
        ("两万多", "两万", 20000),
        ("三千多块", "三千", 3000),
        ("3000多", "3000", 3000),
        ("欠了一万二多", "一万二", 12000),
        ("五千余元", "五千", 5000),
        ("三千左右", "三千", 3000),
        ("一万出头", "一万", 10000),
        # below 100, 多/余 need 块/元/钱 after them
        ("五十多块", "五十", 50),
        ("50多元", "50", 50),
        ("六十余块钱", "六十", 60),
        # "X来" is X before 块/元/钱, or from 100 up when 来 ends the phrase
        ("两千来块", "两千", 2000),
        ("五十来块钱", "五十", 50),
        ("3000来元", "3000", 3000),
        ("只能拿出五百来 多了真没有", "五百", 500),
        ("一千来，不能再多了", "一千", 1000),
        ("每月八百来。", "八百", 800),
        ("五百来", "五百", 500),
        # "88" with a word other than a goodbye or 那/好/行 stays money
        ("那就还88", "88", 88),
    ],
)
def test_finds_amount_in_edge_cases(text, span, value):
    assert amounts(text) == [(span, Decimal(value))]


@pytest.mark.parametrize(
    "text",
    [
        # numbers to dial after 打
        "打110",
        "打12378了",
        "打95555",
        "打02112345678",
        "打12345678",
        "打8折",
        "打400-820-8820",
        "打021-12345678",
        "1000-2000",
        # English units
        "12 months",
        "over 12 months",
        "in 6 installments",
        "3 months ago",
        "2 years",
        "a 12-month plan",
        # shopping festivals
        "双十一",
        "双11",
        "双十二",
        "双12",
        "双十一买的",
        "618买的",
        "618活动",
        "京东618",
        "去年618的时候",
        # goodbye slang
        "拜拜88",
        "88啦",
        "不聊了 88",
        "886啦",
        "好的，88~",
        "bye 886",
        "那886",
        "好的886",
        "88了",
        "行88",
        # a number prefix
        "手机号138开头",
        "1380打头的",
        # vague quantities
        "话费欠了几十块",
        "几百块",
        "几千",
        "十几块",
        "好几千",
        "几万块钱",
        # 多/余 before a magnitude, 少 or a measure word
        "三千多万",
        "3千多万",
        "三千多少",
        "三十多岁",
        "一百多天",
        "两千多人",
        "十多年",
        # below 100, 多/余 without 块/元/钱 is a count or an age
        "我七十多了 就靠那点养老金",
        "70多了",
        "五十多",
        "七十余",
        # 来 as a measure, or below 100 without 块/元/钱
        "三百来个人",
        "二十来岁",
        "二十来",
        "五百来着",
    ],
)
def test_no_amount_in_edge_cases(text):
    assert amounts(text) == []


@pytest.mark.parametrize("text", ["你个二百五", "你是二百五吧", "真是个二百五"])
def test_the_insult_erbaiwu_is_not_money(text):
    assert find_amounts(text) == []


@pytest.mark.parametrize("text", ["我能还二百五", "先还二百五块"])
def test_erbaiwu_paid_is_money(text):
    assert [m.value for m in find_amounts(text)] == [Decimal(250)]


# --- issue 12: pinyin, Cantonese 蚊, brand names -------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("wo xian huan yi qian xing ma", "yi qian", Decimal(1000)),
        ("mei ge yue huan wu bai", "wu bai", Decimal(500)),
        ("zhi neng huan liang qian", "liang qian", Decimal(2000)),
        ("san qian wu kuai", "san qian wu kuai", Decimal(3500)),
        ("我每个月最多还到五百蚊", "五百蚊", Decimal(500)),
        ("点解多咗二百蚊", "二百蚊", Decimal(200)),
    ],
)
def test_finds_pinyin_and_cantonese_amounts(text, span, value):
    assert amounts(text) == [(span, value)]


@pytest.mark.parametrize(
    "text",
    [
        "wo yi qian huan guo",  # 以前: "before", no paying word
        "wo hai qian duo shao qian",
        "wo yi jing huan le",
        "三只蚊子",
        "360借条逾期了怎么办",
    ],
)
def test_no_pinyin_or_brand_amount(text):
    assert amounts(text) == []
