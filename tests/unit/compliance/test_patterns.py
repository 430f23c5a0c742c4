import pytest

from bot.compliance import patterns
from bot.compliance.text import normalize


def categories(text: str) -> set[str]:
    return {hit.category for hit in patterns.find(normalize(text).text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("再不还我们就报警", "no-threat"),
        ("我们会派人去你家堵你", "no-threat"),
        ("您的行为已经涉嫌信用卡诈骗", "criminal-accusation"),
        ("你这个人渣", "no-insult"),
        ("本次来电由公安机关发起", "no-impersonation"),
        ("法院已经判决了", "no-false-legal"),
        ("你孩子以后考公都会受影响", "no-exaggeration"),
        ("我们会联系你的紧急联系人", "no-third-party"),
        ("需要先交一笔手续费", "official-channels"),
        ("找朋友借点钱先还上", "no-new-debt"),
        ("只要今天还一半，剩下的就全免", "no-false-relief"),
    ],
)
def test_each_category_has_a_pattern(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "我们不会通知您的单位",
        "谨防骗子冒充我行工作人员",
        "请勿向任何个人账户转账",
        "我们不建议通过网贷还款",
        "我们无法保证减免",
        "征信中并没有黑名单一说",
        "我们无权冻结您的账户",
        "如有人要求您转账到私人账户，请立即挂断",
    ],
)
def test_negation_and_warning_cues_suppress_a_hit(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "不还就让你坐牢",  # "不还" is a condition, not a denial of the threat
        "你要是不还，我们就通知你单位",
        "if you don't pay you will be arrested",
    ],
)
def test_conditions_are_not_negations(text: str) -> None:
    assert categories(text)


def test_english_negation_reaches_across_or() -> None:
    assert categories("We will never threaten you or contact the police.") == set()


def test_hits_carry_the_legal_action() -> None:
    hits = patterns.find(normalize("传票已经发出，法院已经判决").text)
    assert {hit.action for hit in hits} == {"lawsuit", "judgment"}


def test_overlapping_hits_of_one_category_are_merged() -> None:
    hits = patterns.find(normalize("公安马上来抓你").text)
    threat = [hit for hit in hits if hit.category == "no-threat"]
    assert len(threat) == 1
    assert (threat[0].start, threat[0].end) == (0, 6)  # 公安马上来抓


def test_is_negated_only_looks_inside_the_clause() -> None:
    text = normalize("我们不会骗你，但老赖就是老赖").text
    assert not patterns.is_negated(text, text.index("老赖"))


@pytest.mark.parametrize(
    "text",
    [
        "This does not mean you will go to jail.",
        "Falling behind on payments does not mean you will go to jail.",
        "我无法承诺减免，但可以帮您转给人工同事",
        "目前无法向您承诺任何减免",
        "没有人会去您单位找您",
        "如果有人上门骚扰您，请直接报警",
    ],
)
def test_denials_beyond_three_words_suppress_a_hit(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "We won't hesitate to call the police.",
        "Don't make us call the police.",
        "You don't want to end up in jail.",
        "I'm not joking, you will be arrested",
        "Not today, but you will be arrested",
    ],
)
def test_negations_that_are_no_denial_keep_the_hit(text: str) -> None:
    assert "no-threat" in categories(text)
