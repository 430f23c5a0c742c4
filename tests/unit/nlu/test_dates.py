import datetime as dt

import pytest

from bot.nlu.dates import find_dates

WED = dt.date(2026, 11, 25)  # a Wednesday; its Monday-start week runs 11-23 .. 11-29


def resolve(text, today=WED):
    return [(text[m.start : m.end], m.value.isoformat()) for m in find_dates(text, today)]


def only(text, today=WED):
    found = resolve(text, today)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", "2026-11-25"),
        ("今晚", "2026-11-25"),
        ("明天", "2026-11-26"),
        ("明儿", "2026-11-26"),
        ("明早", "2026-11-26"),
        ("后天", "2026-11-27"),
        ("大后天", "2026-11-28"),
        ("昨天", "2026-11-24"),
        ("前天", "2026-11-23"),
        ("三天后", "2026-11-28"),
        ("3天后", "2026-11-28"),
        ("3天以后", "2026-11-28"),
        ("十天之后", "2026-12-05"),
        ("两天后", "2026-11-27"),
        ("过两天", "2026-11-27"),
        ("过5天", "2026-11-30"),
        ("三天前", "2026-11-22"),
        ("一周后", "2026-12-02"),
        ("1周后", "2026-12-02"),
        ("两周后", "2026-12-09"),
        ("一个星期后", "2026-12-02"),
        ("一个礼拜以后", "2026-12-02"),
        ("过一周", "2026-12-02"),
        ("半个月后", "2026-12-10"),
        ("一个月后", "2026-12-25"),
        ("两个月后", "2027-01-25"),
        ("下周", "2026-12-02"),
        ("下星期", "2026-12-02"),
        ("下个礼拜", "2026-12-02"),
        ("下下周", "2026-12-09"),
        ("周五", "2026-11-27"),
        ("这周五", "2026-11-27"),
        ("本周五", "2026-11-27"),
        ("星期五", "2026-11-27"),
        ("礼拜五", "2026-11-27"),
        ("这个星期五", "2026-11-27"),
        ("周5", "2026-11-27"),
        ("周三", "2026-11-25"),
        ("周一", "2026-11-30"),
        ("周二", "2026-12-01"),
        ("这周一", "2026-11-30"),
        ("周日", "2026-11-29"),
        ("星期天", "2026-11-29"),
        ("礼拜天", "2026-11-29"),
        ("下周五", "2026-12-04"),
        ("下星期五", "2026-12-04"),
        ("下个礼拜五", "2026-12-04"),
        ("下周一", "2026-11-30"),
        ("下周日", "2026-12-06"),
        ("下下周二", "2026-12-08"),
        ("上周五", "2026-11-20"),
        ("周末", "2026-11-28"),
        ("这周末", "2026-11-28"),
        ("下周末", "2026-12-05"),
        ("15号", "2026-12-15"),
        ("15日", "2026-12-15"),
        ("十五号", "2026-12-15"),
        ("25号", "2026-11-25"),
        ("26号", "2026-11-26"),
        ("30号", "2026-11-30"),
        ("31号", "2026-12-31"),
        ("1号", "2026-12-01"),
        ("二十号", "2026-12-20"),
        ("三十一号", "2026-12-31"),
        ("月底", "2026-11-30"),
        ("月末", "2026-11-30"),
        ("这个月底", "2026-11-30"),
        ("本月底", "2026-11-30"),
        ("下个月底", "2026-12-31"),
        ("下月底", "2026-12-31"),
        ("月初", "2026-12-01"),
        ("这个月初", "2026-11-01"),
        ("下月初", "2026-12-01"),
        ("下个月初", "2026-12-01"),
        ("月中", "2026-12-15"),
        ("这个月中", "2026-11-15"),
        ("下月中", "2026-12-15"),
        ("下个月中旬", "2026-12-15"),
        ("下个月5号", "2026-12-05"),
        ("下月5号", "2026-12-05"),
        ("下个月五号", "2026-12-05"),
        ("下个月的5号", "2026-12-05"),
        ("下月5日", "2026-12-05"),
        ("这个月5号", "2026-11-05"),
        ("本月28号", "2026-11-28"),
        ("12月5号", "2026-12-05"),
        ("12月5日", "2026-12-05"),
        ("十二月五号", "2026-12-05"),
        ("12月5", "2026-12-05"),
        ("12/5", "2026-12-05"),
        ("11月25号", "2026-11-25"),
        ("11月20号", "2026-11-20"),  # five days ago, not next November (nearest year)
        ("1月1号", "2027-01-01"),
        ("3/1", "2027-03-01"),
        ("12月底", "2026-12-31"),
        ("1月中", "2027-01-15"),
        ("年底", "2026-12-31"),
        ("2026-12-05", "2026-12-05"),
        ("2026/12/05", "2026-12-05"),
        ("2026.12.5", "2026-12-05"),
        ("2027年1月5日", "2027-01-05"),
        ("2026年12月5号", "2026-12-05"),
        ("二〇二六年十二月五日", "2026-12-05"),
    ],
)
def test_resolves_against_wednesday(text, expected):
    assert only(text) == (text, expected)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # Sunday 2027-01-31: its week is 01-25 .. 01-31
        ("下个月5号", dt.date(2027, 1, 31), "2027-02-05"),
        ("下个月31号", dt.date(2027, 1, 31), "2027-02-28"),
        ("月底", dt.date(2027, 1, 31), "2027-01-31"),
        ("31号", dt.date(2027, 1, 31), "2027-01-31"),
        ("30号", dt.date(2027, 1, 31), "2027-03-30"),
        ("周末", dt.date(2027, 1, 31), "2027-01-31"),
        ("周日", dt.date(2027, 1, 31), "2027-01-31"),
        ("周一", dt.date(2027, 1, 31), "2027-02-01"),
        ("下周一", dt.date(2027, 1, 31), "2027-02-01"),
        ("一个月后", dt.date(2027, 1, 31), "2027-02-28"),
        # year end
        ("下月初", dt.date(2026, 12, 30), "2027-01-01"),
        ("下个月5号", dt.date(2026, 12, 30), "2027-01-05"),
        ("12月5号", dt.date(2026, 12, 30), "2026-12-05"),  # the nearest year
        ("1月1号", dt.date(2026, 12, 30), "2027-01-01"),
        ("月中", dt.date(2026, 12, 30), "2027-01-15"),
        ("明天", dt.date(2026, 12, 31), "2027-01-01"),
        ("年底", dt.date(2026, 12, 30), "2026-12-31"),
        # the 15th itself, and the 1st
        ("月中", dt.date(2026, 11, 15), "2026-11-15"),
        ("月初", dt.date(2026, 11, 1), "2026-11-01"),
        ("15号", dt.date(2026, 11, 15), "2026-11-15"),
        # leap years
        ("29号", dt.date(2028, 2, 10), "2028-02-29"),
        ("29号", dt.date(2027, 2, 10), "2027-03-29"),
        ("月底", dt.date(2028, 2, 10), "2028-02-29"),
        # Monday: this week's Monday is today
        ("周一", dt.date(2026, 11, 23), "2026-11-23"),
        ("下周一", dt.date(2026, 11, 23), "2026-11-30"),
    ],
)
def test_resolves_edges(text, today, expected):
    assert only(text, today) == (text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我明天还八百", [("明天", "2026-11-26")]),
        ("下个月五号还三千五", [("下个月五号", "2026-12-05")]),
        ("下周五之前还两千", [("下周五", "2026-12-04")]),
        ("今天还不了，后天吧", [("今天", "2026-11-25"), ("后天", "2026-11-27")]),
        ("还款日是每月8号", [("8号", "2026-12-08")]),
        ("早上周五还", [("周五", "2026-11-27")]),
    ],
)
def test_finds_dates_in_sentences(text, expected):
    assert resolve(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "以后天天还",
        "2月30号",
        "13月5号",
        "32号",
        "5号线",
        "逾期两个月了",
        "三个月前借的",
        "一周一次",
        "我有点事",
        "十分抱歉",
        "下个月",
        "800",
    ],
)
def test_no_date(text):
    assert resolve(text) == []


def test_offsets_point_at_the_expression():
    text = "好的，我下个月5号一定还"
    (match,) = find_dates(text, WED)
    assert (match.start, match.end) == (4, 9)
    assert text[match.start : match.end] == "下个月5号"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下周一定还", ("下周", "2026-12-02")),  # "surely next week", not next Monday
        ("下下周一定还上", ("下下周", "2026-12-09")),
        ("下周一下午还", ("下周一", "2026-11-30")),  # Monday afternoon is still Monday
    ],
)
def test_yiding_is_not_monday(text, expected):
    assert only(text) == expected


def test_zhou_yiding_alone_is_no_date():
    assert resolve("周一定还清") == []


MON = dt.date(2026, 11, 30)  # a Monday; its week runs 11-30 .. 12-06, last week 11-23 .. 11-29


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昨儿", "2026-11-29"),
        ("昨天", "2026-11-29"),
        ("上个月28号", "2026-10-28"),
        ("上月28号", "2026-10-28"),
        ("上个月的5号", "2026-10-05"),
        ("上月5日", "2026-10-05"),
        ("上个月三十一号", "2026-10-31"),
        ("上个月底", "2026-10-31"),
        ("上月底", "2026-10-31"),
        ("上月末", "2026-10-31"),
        ("上个月初", "2026-10-01"),
        ("上个月中旬", "2026-10-15"),
        ("上周一", "2026-11-23"),
        ("上周三", "2026-11-25"),
        ("上个礼拜五", "2026-11-27"),
        ("上星期天", "2026-11-29"),
        ("这个月28号", "2026-11-28"),
        ("本月5号", "2026-11-05"),
        ("下个月28号", "2026-12-28"),
        ("元旦", "2027-01-01"),
        ("元旦节", "2027-01-01"),
        ("周六", "2026-12-05"),
    ],
)
def test_resolves_against_monday(text, expected):
    assert only(text, MON) == (text, expected)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("上个月30号", dt.date(2026, 3, 15), "2026-02-28"),  # clamped to February's last day
        ("上个月5号", dt.date(2027, 1, 10), "2026-12-05"),  # across the year
        ("上月底", dt.date(2027, 1, 10), "2026-12-31"),
        ("元旦", dt.date(2027, 1, 1), "2027-01-01"),  # today is New Year's Day
        ("元旦", dt.date(2027, 1, 2), "2028-01-01"),
    ],
)
def test_last_month_and_new_year_edges(text, today, expected):
    assert only(text, today) == (text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昨儿就还了", [("昨儿", "2026-11-29")]),
        ("上个月28号已经还了", [("上个月28号", "2026-10-28")]),
        ("元旦前还清", [("元旦", "2027-01-01")]),
        ("马上月底了", [("月底", "2026-11-30")]),  # 马上 is "soon", not 上月
        ("周六打3000过去", [("周六", "2026-12-05")]),
    ],
)
def test_finds_dates_in_sentences_on_monday(text, expected):
    assert resolve(text, MON) == expected


@pytest.mark.parametrize("text", ["双十一", "618活动", "上个月"])
def test_no_date_on_monday(text):
    assert resolve(text, MON) == []


# --- issue 12: dialect, pinyin and typos; the past tense resolves backwards -----------------


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("听日就还", "听日", "2026-12-01"),
        ("听朝转畀你", "听朝", "2026-12-01"),
        ("后儿个一准儿还上", "后儿个", "2026-12-02"),
        ("后个还", "后个", "2026-12-02"),
        ("后儿就还", "后儿", "2026-12-02"),
        ("明儿个还", "明儿个", "2026-12-01"),
        ("我琴日已经还咗", "琴日", "2026-11-29"),
        ("寻日还咗", "寻日", "2026-11-29"),
        ("前日还咗", "前日", "2026-11-28"),
        ("前儿个就整过去了", "前儿个", "2026-11-28"),
        ("今儿个天儿咋样", "今儿个", "2026-11-30"),
        ("ming tian jiu huan", "ming tian", "2026-12-01"),
        ("MingTian huan", "MingTian", "2026-12-01"),
        ("hou tian huan", "hou tian", "2026-12-02"),
        ("jin tian tian qi zen me yang", "jin tian", "2026-11-30"),
        ("wo zuo tian huan de", "zuo tian", "2026-11-29"),
        ("明添还款，放心", "明添", "2026-12-01"),
        ("名天就还", "名天", "2026-12-01"),
        ("15 hao huan", "15 hao", "2026-12-15"),
        ("zhou wu qian huan 2000", "zhou wu", "2026-12-04"),
        ("xia zhou yi huan", "xia zhou yi", "2026-12-07"),
        ("xing qi san", "xing qi san", "2026-12-02"),
        ("I will pay tomorrow，先还 2000", "tomorrow", "2026-12-01"),
        ("the day after tomorrow ok", "the day after tomorrow", "2026-12-02"),
        ("paid yesterday", "yesterday", "2026-11-29"),
        ("I'll pay the full amount this Friday", "this Friday", "2026-12-04"),
        ("next Monday", "next Monday", "2026-12-07"),
        ("I paid on Friday", "Friday", "2026-11-27"),
    ],
)
def test_dialect_pinyin_and_typo_date_words(text, span, expected):
    assert resolve(text, MON) == [(span, expected)]


@pytest.mark.parametrize("text", ["最后个", "以前日子", "然后个人", "落后个把月"])
def test_dialect_words_do_not_fire_inside_other_words(text):
    assert resolve(text, MON) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("下礼拜一准还你", ("下礼拜", "2026-12-07")), ("下周一准时还", ("下周一", "2026-12-07"))],
)
def test_yizhun_is_not_monday(text, expected):
    assert only(text, MON) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28号就还了", ("28号", "2026-11-28")),
        ("我15号已经还了", ("15号", "2026-11-15")),
        ("我15号已经还了怎么还没到账", ("15号", "2026-11-15")),
        ("前天还的", ("前天", "2026-11-28")),
        ("我周五转的", ("周五", "2026-11-27")),
        ("周三还过了", ("周三", "2026-11-25")),
        ("28号还咗", ("28号", "2026-11-28")),
        ("月中就还了", ("月中", "2026-11-15")),
        ("12月5号已经还了", ("12月5号", "2025-12-05")),
        ("周末还了", ("周末", "2026-11-28")),
        ("元旦就还了", ("元旦", "2026-01-01")),
    ],
)
def test_past_tense_resolves_on_or_before_today(text, expected):
    assert only(text, MON) == expected
    assert expected[1] <= MON.isoformat()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28号还", ("28号", "2026-12-28")),
        ("15号之前还上", ("15号", "2026-12-15")),
        ("周五还", ("周五", "2026-12-04")),
        ("等15号发了工资就还", ("15号", "2026-12-15")),
        ("15号还的话行吗", ("15号", "2026-12-15")),
        ("15号把钱打过去", ("15号", "2026-12-15")),
        ("15号还了才能再借吗", ("15号", "2026-12-15")),
    ],
)
def test_future_phrasing_is_unchanged(text, expected):
    assert only(text, MON) == expected


def test_past_tense_is_read_per_clause():
    text = "28号已经还了一部分，剩下的28号再还"
    assert [value for _, value in resolve(text, MON)] == ["2026-11-28", "2026-12-28"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a month and day read in the nearest year when the tense's year is half a year away
        ("不是不还啊 12月15号发年终奖就全还了", ("12月15号", "2026-12-15")),
        ("不是没还 是11月26号就用手机银行还了三千五", ("11月26号", "2026-11-26")),
        # a negation that belongs to another verb leaves the payment in the past
        ("钱礼拜五就转了 你们没收到？", ("礼拜五", "2026-11-27")),
        # a clause put in the future by 等 stays in the future
        ("等我15号发了工资 就把三千还了", ("15号", "2026-12-15")),
    ],
)
def test_tense_and_year_read_as_a_borrower_means_them(text, expected):
    assert only(text, MON) == expected
