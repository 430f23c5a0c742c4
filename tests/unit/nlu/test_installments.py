import pytest

from bot.nlu.installments import find_installments, months_for


def tenors(text):
    return [(text[m.start : m.end], m.value) for m in find_installments(text)]


@pytest.mark.parametrize(
    ("text", "span", "months"),
    [
        ("12期", "12期", 12),
        ("分六期", "六期", 6),
        ("24个月", "24个月", 24),
        ("三期", "三期", 3),
        ("分12个月", "12个月", 12),
        ("分12月", "12月", 12),
        ("分 12 期", "12 期", 12),
        ("分成三期", "三期", 3),
        ("分为十二期", "十二期", 12),
        ("十二期", "十二期", 12),
        ("三十六期", "三十六期", 36),
        ("36期", "36期", 36),
        ("分两期还", "两期", 2),
        ("分两次还", "两次", 2),
        ("分两年", "两年", 24),
        ("分三年", "三年", 36),
        ("分一年半", "一年半", 18),
        ("分半年", "半年", 6),
        ("分期半年还", "半年", 6),
        ("半年还清", "半年", 6),
        ("一年还清", "一年", 12),
        ("两年分期", "两年", 24),
        ("分期的话两年可以吗", "两年", 24),
        ("一年内还完", "一年", 12),
        ("能不能分24个月还", "24个月", 24),
        ("分期12个月", "12个月", 12),
        ("我想分期，24个月", "24个月", 24),
        ("24个月吧", "24个月", 24),
        ("那就6个月", "6个月", 6),
        ("每个月还一点，十个月还完", "十个月", 10),
        ("我要办12期的分期", "12期", 12),
        ("能分60期吗", "60期", 60),
    ],
)
def test_finds_tenor(text, span, months):
    assert tenors(text) == [(span, months)]


@pytest.mark.parametrize(
    "text",
    [
        "逾期两个月了",
        "已经逾期三个月",
        "三个月前借的",
        "三个月以前",
        "我失业两个月了",
        "我还了三个月",
        "有三个月没还了",
        "两个月没还",
        "逾期半年了",
        "一年没还了",
        "我工作两年了",
        "等我半年",
        "一年",
        "第三期",
        "第3期",
        "我儿子三个月大",
        "分0期",
        "分400期",
        "还款期限",
        "一个月能还一千",
        "只能还三百一个月",
        "每个月还800",
    ],
)
def test_no_tenor(text):
    assert tenors(text) == []


def test_split_trigger_is_consumed_but_not_in_span():
    (match,) = find_installments("我想分六期")
    assert (match.start, match.end) == (3, 5)
    assert match.claimed == (2, 5)


@pytest.mark.parametrize(
    ("number", "unit", "months"),
    [("六", "期", 6), ("12", "个月", 12), ("两", "年", 24), ("一", "年半", 18), ("半", "年", 6)],
)
def test_months_for(number, unit, months):
    assert months_for(number, unit) == months


def test_months_for_rejects_half_period():
    assert months_for("半", "期") is None


@pytest.mark.parametrize(
    ("text", "span", "months"),
    [
        ("分一年还", "一年", 12),
        ("两年还完", "两年", 24),
        ("一年付清", "一年", 12),
        ("12 months", "12 months", 12),
        ("over 12 months", "12 months", 12),
        ("can I pay over 24 months?", "24 months", 24),
        ("in 6 installments", "6 installments", 6),
        ("6 instalments", "6 instalments", 6),
        ("a 12-month plan", "12-month", 12),
        ("12 Months", "12 Months", 12),
        ("24 payments", "24 payments", 24),
        ("I lost my job, can I pay over 6 months", "6 months", 6),
        # a plan (方案/计划) is about repaying
        ("按18个月做个方案行不行", "18个月", 18),
        ("做个12期的计划", "12期", 12),
        ("24个月的还款计划", "24个月", 24),
        ("方案能不能做成36个月", "36个月", 36),
        ("做个三年的计划", "三年", 36),
        ("五年的方案行吗", "五年", 60),
        ("下一期还不上，分12期吧", "12期", 12),
        ("分一期", "一期", 1),
    ],
)
def test_finds_tenor_in_edge_cases(text, span, months):
    assert tenors(text) == [(span, months)]


@pytest.mark.parametrize(
    "text",
    [
        # 一年 as "per year" or a deposit term
        "医保一年交多少钱",
        "存十万定期一年利息多少",
        "一年交一次",
        # English elapsed time
        "3 months ago",
        "I'm 3 months behind",
        "3 months overdue",
        "I have been out of work for 3 months",
        "for the past 6 months",
        "I made 3 payments already",
        "1 month",
        # singular: "a 500 payment" is an amount
        "a 300 payment",
        "500 installment",
        # 一期 after 上/下/这/本/那/每 is a billing period
        "下一期什么时候到期",
        "这一期",
        "上一期",
        "本期",
        "下期",
        "那一期没还",
        "每一期还800",
        # 还是/还有 are not repaying: "N年" stays a deposit term
        "存定期现在利息多少 三年的划算还是五年的划算",
        "三年还是五年",
        "三年定存还有利息吗",
        # a plan does not make elapsed time a tenor
        "计划三个月后还",
        "逾期两个月了，有什么方案",
    ],
)
def test_no_tenor_in_edge_cases(text):
    assert tenors(text) == []


# --- issue 12: English, pinyin and typos ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "months"),
    [
        ("split it into 12 monthly payments", "12 monthly payments", 12),
        ("12 installments", "12 installments", 12),
        ("in 6 equal installments", "6 equal installments", 6),
        ("fen 6 qi", "6 qi", 6),
        ("wo xiang fen 6 qi", "6 qi", 6),
        ("FEN 12 QI", "12 QI", 12),
        ("fen shi er qi xing ma", "shi er qi", 12),
        ("neng bu neng fen liu ge yue", "liu ge yue", 6),
        ("fen cheng 24 qi", "24 qi", 24),
        ("wo yao 12 qi", "12 qi", 12),
        ("分6其", "6其", 6),
        ("能分十二其吗", "十二其", 12),
    ],
)
def test_finds_tenor_in_english_pinyin_and_typos(text, span, months):
    assert tenors(text) == [(span, months)]


@pytest.mark.parametrize(
    "text",
    [
        "分其还款",
        "neng fen qi ma",
        "fen qi huan kuan",
        "I made 3 monthly payments already",
        "车贷逾期两期了",
        "已经还了三期",
    ],
)
def test_no_tenor_without_number_or_when_elapsed(text):
    assert tenors(text) == []
