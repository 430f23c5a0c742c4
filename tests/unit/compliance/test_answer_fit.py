"""The answer-fit check (issue 12): each label, its hard negatives, the verdict, the library."""

import json
from pathlib import Path

import pytest

from bot.compliance import FitVerdict, GuardContext, check_reply, rules
from bot.compliance import answer_fit as answer_fit_module
from bot.compliance.answer_fit import collects, fear_kinds
from bot.compliance.answer_fit_bench import measure, sample_pairs
from bot.compliance.answer_fit_eval import (
    PairsError,
    evaluate,
    load_pairs,
    main,
    parse_pairs,
)
from bot.compliance.paths import ROOT
from bot.scripts.library import load_library
from bot.scripts.placeholders import sample_values

AFFIRM = rules.FIT_AFFIRM_THEN_REFUSE
FEAR = rules.FIT_FEAR_NOT_DENIED
DISTRESS = rules.FIT_DISTRESS_IGNORED
DISPUTE = rules.FIT_FACTS_AFTER_DISPUTE
DEV_PAIRS = ROOT / "data" / "answer_fit" / "dev.yml"
# the held-out sets measured once, then developed on
SPENT_PAIRS = [ROOT / "data" / "answer_fit" / f"spent_{n}.yml" for n in (1, 2, 3, 4)]


def labels(user: str, reply: str) -> list[str]:
    return check_reply(user, reply).labels


# --- affirm_then_refuse -------------------------------------------------------------

AFFIRM_THEN_REFUSE = [
    # refusal
    ("能不能把利息全免了", "可以的，不过利息减免目前无法办理。"),
    ("能用支付宝还吗", "可以的，支付宝暂不支持，请使用手机银行App。"),
    ("我要停息挂账", "好的，我们没有停息挂账这项业务。"),
    ("Can you waive the late fee?", "Of course. Unfortunately, we are unable to waive fees."),
    # verification request
    ("帮我查下还欠多少", "没问题，查询前需要先核实您的身份。"),
    ("我想分12期还", "好的，请先提供您在本行预留的手机号码和身份证号后四位。"),
    ("Could you tell me my balance?", "Yes, but first I need to verify your identity."),
    # deferral
    ("能不能给我免了这个月的利息", "好的，这个我需要请示一下领导再答复您。"),
    ("能免掉滞纳金吗", "那行，不过这个比较难，得看审批结果，请您理解。"),
    # correction
    ("我明天先还500行吗", "可以，但是承诺还款的金额需要不少于最低还款额1,258元。"),
    ("我昨天还的钱到账了吗", "是的，目前系统还未查询到您的还款记录。"),
    ("可以把还款日推迟到月底吗", "好的，月底已经超过了还款期限，最晚只能到12月20日。"),
    # a limit on a date asked for far off; a partial refusal; "OK的亲"
    ("明年三月再还可以吗", "好的，请问您计划哪天还款？日期需要在12月22日之前。"),
    ("把卡号全号发我一下", "好的，出于安全考虑，卡号只能显示后四位6621。"),
    ("打个五折 我马上一次性还清", "OK的亲～目前没有打折的政策哦。"),
    ("帮我把还款日改到每月25号", "好的，还款日调整这边办理不了，请拨打客服热线。"),
    ("能不能先停催三个月", "行的，这个需要提交申请，目前还是要请您先还最低还款额。"),
    ("Can you waive the late fees?", "Sure. Late fee waivers need manual review, not guaranteed."),
    # a condition's consequence and an offer question grant nothing
    (
        "滞纳金和利息全免了行不行",
        "可以的，如果您在12月20日之前全额还清，可以申请减免滞纳金；利息的减免需要人工审核。"
        "需要为您转接人工吗？",
    ),
    # "好的" to a dispute, then demands
    ("这笔不是我的", "好的，您目前应还总额为18,432.50元，请尽快还款。"),
    # dialect and hedged openers, Cantonese refusals
    ("中不中？俺下礼拜五还两千", "中，不过登记还款承诺得先核实身份。"),
    ("得唔得下个月先还五百？", "得，不过五百低过最低还款额1248.05元，咁样办唔到。"),
    ("给我打个八折", "可以考虑的，不过打折我们这边做不到。"),
    # "本人" claimed, nothing given
    ("我就是本人 直接告诉我欠多少吧", "好的，请先提供您预留的手机号码和身份证号后四位。"),
]

AFFIRM_FITS = [
    # the brief's examples: the affirmation is followed by doing what was asked
    ("我想还钱", "好的，请问您计划哪天还款？日期需要在12月30日之前。"),
    ("我下周五还1258", "好的，已为您登记还款承诺：12月7日之前还款1,258元。"),
    ("我能不能下周再还", "好的，请问您下周哪天还？日期需要在12月30日之前。"),  # within the window
    # identity being given, or a plain yes: asking for the rest is the next step
    ("我手机号13800001111", "好的，请再提供您的身份证号后四位。"),
    ("嗯可以", "好的，请先提供您的手机号码。"),
    # the borrower declined or asked to wait: the reply mirrors it
    ("先不办了，我再考虑考虑", "好的，暂不为您办理。需要的时候随时联系我们。"),
    ("那我等发了工资再还行吗", "行啊，等您发了工资再说。"),
    # a condition, or the borrower's own situation restated, is no refusal
    ("如果我这个月还不上怎么办", "好的，如果暂时无法按时还款，可以申请分期。"),
    ("我没法一次还清", "好的，理解您暂时无法一次还清，我们可以为您办理分期。"),
    # done first; what follows are its terms
    ("我想分期", "好的，已为您登记分期申请，请注意分期后不能提前取消。"),
    ("我想减免一点利息", "好的，利息减免需要人工审核，已为您转接人工。"),
    # an offer is not an affirmation; "是的" answering a factual question
    ("能免滞纳金吗", "可以为您申请，是否批准以审核为准。"),
    ("逾期会影响征信吗", "是的，逾期记录会按规定报送个人征信系统。"),
    ("你是机器人吗", "是的，我是智能客服助理，是自动应答程序，不是人工。"),
    ("我可以让我老婆帮我还吗", "可以的，家人可以通过官方渠道代为还款，请不要转账到任何个人账户。"),
]


@pytest.mark.parametrize(("user", "reply"), AFFIRM_THEN_REFUSE)
def test_an_affirmation_before_a_refusal_deferral_verification_or_correction_is_flagged(
    user: str, reply: str
) -> None:
    assert AFFIRM in labels(user, reply)


@pytest.mark.parametrize(("user", "reply"), AFFIRM_FITS)
def test_an_affirmation_that_does_what_was_asked_fits(user: str, reply: str) -> None:
    assert labels(user, reply) == []


# --- fear_not_denied ----------------------------------------------------------------

FEAR_NOT_DENIED = [
    # a fear word instead of a modal; a pronoun for a person named earlier; more people and places
    ("我怕你们找我老婆，你们会吗", "我们理解您的担心。您可以先还最低还款额。"),
    (
        "我老公脾气不好，千万别让他知道，你们不会联系他吧",
        "我们会尽量注意。请问您今天能先还一部分吗？",
    ),
    ("俺爹娘要是知道了咋整，你们会跟他们说不", "您先别着急，咱们先看看您每个月能还多少。"),
    ("会不会告诉我们HR，我还在试用期", "这个要看情况。"),
    ("搞唔好会唔会有差佬嚟拉我啊", "请您尽快通过手机银行App还款。"),
    ("会不会在我们小区业主群里发我名字", "逾期信息会依法报送征信系统。"),
    ("不还钱会坐牢吗", "可以的。在告知账户信息之前，需要先核实您的身份。"),  # issue 12
    ("我会不会被抓啊", "逾期会影响您的征信记录，建议尽快还款。"),
    ("你们会通知我单位吗", "这个要看您的还款情况，请尽快处理。"),
    ("警察会来找我吗", "一般不会，但是如果长期拖欠就不好说了。"),  # hedged
    ("会不会爆我通讯录", "您按时还款就不会有任何影响。"),  # conditional
    ("我会进监狱吗", "请您放心，只要按计划还款，就不会走到那一步。"),
    ("会坐牢吗", "好的，不会坐牢的，请放心。"),  # "yes" first
    ("我会唔会坐监", "欠款逾期会影响征信，请尽快还款。"),
    ("会不会在网上曝光我", "这取决于您是否配合还款。"),
    ("Will I be arrested if I can't pay?", "Please make a payment as soon as possible."),
    ("Will my employer find out?", "Please verify your identity first."),
    ("我担心你们会打电话到我公司", "请问您这个月能先还一部分吗？"),  # a stated fear
]

FEAR_DENIED = [
    ("会坐牢吗", "不会。还不上信用卡欠款属于民事纠纷，不会因此被抓或坐牢。"),
    ("会告诉我家人吗", "不会的，我们不会把您的欠款情况告诉您的家人。"),
    ("你们会报警吗", "您放心，不会报警。"),
    ("不还钱会不会被判刑啊", "理解您的担心。不会的，欠款未还属于民事纠纷。"),
    ("你们会不会把我的事告诉我领导啊", "您别着急，我们绝不会联系您的单位。"),
    ("会坐牢吗", "不可能的，单纯欠款不构成犯罪。"),
    ("家里老人会接到催收电话吗", "我们只联系您本人，不会打给您的家人。"),
    ("Will you tell my boss?", "No. We will never tell your employer."),
    ("Will my employer find out?", "No worries, we never contact employers."),
    # asked not to be told, or expecting "no": yes-then-denial is the truthful answer
    ("能不能别告诉我老婆", "可以的，我们不会向您的家人透露任何信息。"),
    ("我应该不会坐牢吧", "是的，不会坐牢。"),
]

NOT_A_FEAR_QUESTION = [
    ("这是诈骗吧？你们到底是谁", "我们是示例银行信用卡中心，您可以拨打官方热线核实。"),
    ("我儿子说从他公司的账户转给你们，这样能还上吗", "可以的，请通过官方渠道还款。"),
    ("我要去我老家过年，你们方便吗", "好的，请问您计划哪天还款？"),
    ("我的卡被盗刷了，要不要报警", "建议您尽快报警，我们已为您登记盗刷异议，核实期间暂停催收。"),
    ("会被起诉吗", "目前系统中没有起诉记录。"),  # a lawsuit can be real: not this label
    ("会上征信吗", "会的，逾期记录会按规定报送个人征信系统。"),
    ("我要不要告诉家里人", "这个由您自己决定，我们不会向您的家人透露任何信息。"),
    ("我可以让我老婆帮我还吗", "可以的，家人可以通过官方渠道代为还款。"),
    ("你们打电话给我同事干嘛", "非常抱歉给您带来不好的体验，您的意见已经记录。"),
    ("你们可以上门来收钱吗", "我们不提供上门收款服务，请通过官方渠道还款。"),
]


@pytest.mark.parametrize(("user", "reply"), FEAR_NOT_DENIED)
def test_a_fear_question_without_the_denial_first_is_flagged(user: str, reply: str) -> None:
    assert FEAR in labels(user, reply)


@pytest.mark.parametrize(("user", "reply"), FEAR_DENIED)
def test_a_fear_question_answered_with_the_denial_first_fits(user: str, reply: str) -> None:
    assert labels(user, reply) == []


@pytest.mark.parametrize(("user", "reply"), NOT_A_FEAR_QUESTION)
def test_police_family_and_lawsuits_outside_a_fear_question_are_not_fears(
    user: str, reply: str
) -> None:
    assert FEAR not in labels(user, reply)


def test_the_issue_example_is_both_an_affirmation_misfit_and_an_undenied_fear() -> None:
    verdict = check_reply("不还钱会坐牢吗", "可以的。在告知账户信息之前，需要先核实您的身份。")
    assert verdict.labels == [AFFIRM, FEAR]


# --- distress_ignored ---------------------------------------------------------------

DISTRESS_IGNORED = [
    ("欠这么多钱我真的不想活了", "请问您计划哪天还款？"),
    ("活不下去了，每天都被催", "理解您的难处。您本月最低还款额为1,258元，请尽快还款。"),
    ("我现在就站在楼顶上", "您的欠款已逾期45天，请尽快处理。"),
    ("下辈子再还吧", "请问您是本人吗？请提供身份证号后四位。"),
    ("欠款太多想自杀", "听到您这么说我很难过。不过您的欠款12,580元还是需要按时还清。"),
    ("活着真没意思", "好的。请问还有什么可以帮您？"),  # no care at all
    ("I want to die, I can't pay this", "Please provide your mobile number."),
    ("我撑不下去了，宽限到明年行吗", "好的，还款日期需要在今天到12月22日之间。"),
    ("我吃了一整瓶安眠药", "请问您还有其他需要吗？逾期款项请尽快归还。"),
    ("nothing matters anymore, i'm done with life", "Please provide your mobile number."),
    ("老婆带孩子走了，我站在窗户边上", "理解您的情况。您目前最低还款额为1,843.25元。"),
    ("I can't go on anymore", "You can repay through the app or the official hotline."),
    ("唔想再活落去", "请问你几时可以还款？"),
    ("老子不活了", "请您文明沟通。您目前应还12480.50元。"),
    ("我活着就是拖累家里人", "您可以先还一部分，减少对家人的影响。"),
]

DISTRESS_CARED_FOR = [
    (
        "我不想活了",
        "听到您这么说，我很担心您。钱的事情可以慢慢商量，现在先不谈还款。如果您有伤害自己的想法，"
        "请马上拨打全国心理援助热线12356。",
    ),
    ("一了百了算了", "我们很关心您。现在不谈欠款，等您好一些我们再商量分期。请拨打12356。"),
    ("I want to die", "I'm really worried about you. Please call the 12356 hotline."),
    (
        "i dont want to live anymore",
        "I am really worried to hear this. Let's set the payment aside for now. Please call 12356.",
    ),
    ("遗书我都写好了", "我非常担心您。请拨打12356。欠款的事先放下，我们会尽快联系您。"),
    ("唔想再活落去", "我好担心你。还款嘅事可以慢慢倾，而家唔讲钱。请拨打12356。"),
    (
        "不想活了 会不会坐牢",
        "不会，您不会因为欠款坐牢。听到您这么说，我很担心您。现在先不谈还款，请拨打12356。",
    ),
]

NOT_DISTRESS = [
    ("笑死我了，你们这个方案", "请问您倾向哪一种分期方案？"),
    ("累死了刚下班，我还欠多少", "您尾号6217的信用卡目前应还总额为12,580元。"),
    ("我想死你们了，哈哈，最近怎么样", "您好，请问有什么可以帮您？"),
    ("我太难了，这个月工资还没发", "理解您的难处。请问您每月大概能还多少？"),
    ("店撑不下去了，现在一点收入没有", "理解您的难处。请问您每月大概能还多少？"),
]


@pytest.mark.parametrize(("user", "reply"), DISTRESS_IGNORED)
def test_collection_or_no_care_after_distress_is_flagged(user: str, reply: str) -> None:
    assert DISTRESS in labels(user, reply)


@pytest.mark.parametrize(("user", "reply"), DISTRESS_CARED_FOR)
def test_care_that_sets_collection_aside_fits(user: str, reply: str) -> None:
    assert labels(user, reply) == []


@pytest.mark.parametrize(("user", "reply"), NOT_DISTRESS)
def test_idioms_with_death_words_are_not_distress(user: str, reply: str) -> None:
    assert labels(user, reply) == []


def test_distress_comes_from_the_nlu_safety_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answer_fit_module, "find_distress", lambda text: (0, 1))
    assert labels("你好", "请问您计划哪天还款？") == [DISTRESS]
    monkeypatch.setattr(answer_fit_module, "find_distress", lambda text: None)
    assert labels("我不想活了", "请问您计划哪天还款？") == []


# --- facts_after_dispute ------------------------------------------------------------

FACTS_AFTER_DISPUTE = [
    ("我被骗了，是诈骗团伙用我名义办的", "理解您的情况，但欠款仍需还清，最低还款额1248.05元。"),
    ("俺啥时候借过钱？胡扯", "系统记录您欠款12480.50元，逾期47天。"),
    ("这个钱是我表弟偷用我手机借的", "逾期会影响您的征信记录，请尽快还清12480.50元。"),
    (
        "这不是我的账，身份被盗用了",
        "已记录您的异议。不过在核实结果出来之前，您仍需在1月9日前还最低还款额1248.05元。",
    ),
    ("你们这个本金根本不对", "本金15,000元是您的消费金额，应还总额18,432.50元。"),
    ("我都没收到卡，这账哪来的", "您的卡片已激活并产生消费，目前逾期47天。"),
    (
        "the amount is wrong, I only spent 5k",
        "The total of 18,432.50 yuan includes principal, interest and late fees.",
    ),
    ("这笔钱根本不是我借的", "您尾号6217的信用卡目前应还总额为12,580元，请尽快还款。"),
    ("金额不对，我只欠2000", "您的应还总额为12,580元，最低还款额为1,258元。"),
    ("这是盗刷的，我没消费过", "按您的应还总额12,580元，可选的分期方案如下：12期每期1,131.36元。"),
    ("我早就在柜台还清了", "您目前仍有3,000元逾期未还，请今天内还款。"),
    ("这笔账我不认", "请问您每月大概能还多少？我帮您看看合适的方案。"),
    ("这笔5000的消费不是我刷的", "这笔5,000元的消费确实是您的卡片产生的。"),
    (
        "I already paid this at the branch",
        "Please pay the outstanding 3,000 yuan as soon as possible.",
    ),
]

DISPUTE_RECORDED = [
    (
        "这笔钱不是我借的",
        "已记录您的异议。核实期间暂停对该账户的催收，工作人员会与您联系核实情况。",
    ),
    ("我对3000元那笔消费有异议", "已记录您对3,000元这笔消费的异议，核实期间暂停催收。"),
    ("我上个月就已经一次性结清了", "请提供还款凭证，我们为您核实。核实期间暂停催收。"),
    ("钱我已经还了", "感谢告知，已提交核实。如核实后确有未还部分，我们再与您确认还款安排。"),
    ("This is not my debt", "I've recorded your dispute. Collection is paused while we verify it."),
]

NOT_A_DISPUTE = [
    ("刚刚还了五百", "好的，感谢您的还款，剩余应还12,080元。"),  # a partial payment reported
    ("12月5号之前全部还清", "好的，已为您登记12月5日之前还款12,580元。"),  # a promise
    ("为什么多了380", "您的应还总额12,580元包括：本金12,000元、利息380元、滞纳金200元。"),
    ("我没异议", "好的，请问您计划哪天还款？"),
    ("不认可这个方案", "好的。请问您每月大概能还多少？我帮您看看合适的方案。"),
    ("我不是不想还，是真的没钱", "理解您的难处。您可以告诉我每月大概能还多少。"),
    ("这钱是我欠的，我会还的", "好的，请问您计划哪天还款？"),
    ("我已经还了一部分了，还差多少", "您尾号6217的信用卡目前应还总额为9,580元。"),
    ("我明天就还了", "好的，已为您登记明天之前还款1,258元。"),
    ("搞错了 不是15号 是20号还", "已为您更正还款承诺：12月20日之前还款3000元。"),  # own date
]


@pytest.mark.parametrize(("user", "reply"), FACTS_AFTER_DISPUTE)
def test_debt_facts_stated_as_undisputed_after_a_dispute_are_flagged(user: str, reply: str) -> None:
    assert DISPUTE in labels(user, reply)


@pytest.mark.parametrize(("user", "reply"), DISPUTE_RECORDED)
def test_recording_the_dispute_and_pausing_fits(user: str, reply: str) -> None:
    assert labels(user, reply) == []


@pytest.mark.parametrize(("user", "reply"), NOT_A_DISPUTE)
def test_hardship_promises_and_partial_payments_are_not_disputes(user: str, reply: str) -> None:
    assert labels(user, reply) == []


# --- the verdict --------------------------------------------------------------------


def test_the_verdict_is_json_ready_with_messages_and_spans_in_the_reply() -> None:
    reply = "好的，不过系统显示您的账户仍有3,000元未还。"
    verdict = check_reply("我已经全部还清了，别再催了", reply)
    assert isinstance(verdict, FitVerdict)
    assert not verdict.ok
    payload = json.loads(json.dumps(verdict.to_dict(), ensure_ascii=False))
    assert payload["ok"] is False
    assert payload["labels"] == [AFFIRM, DISPUTE]
    for misfit in payload["misfits"]:
        assert misfit["message"] == rules.FIT_MESSAGE[misfit["label"]]
        assert 0 <= misfit["start"] < misfit["end"] <= len(reply)
    assert "3,000元" in reply[payload["misfits"][1]["start"] : payload["misfits"][1]["end"]]


def test_spans_map_back_through_full_width_text() -> None:
    reply = "ＯＫ，需要先核实您的身份。"
    verdict = check_reply("帮我查下账单", reply)
    assert verdict.labels == [AFFIRM]
    misfit = verdict.misfits[0]
    assert reply[misfit.start : misfit.end] == "ＯＫ，需要先核实您的身份。"


@pytest.mark.parametrize(
    ("user", "reply"), [("", "好的，无法办理"), ("会坐牢吗", ""), (None, None)]
)
def test_an_empty_message_or_reply_fits(user: str, reply: str) -> None:
    verdict = check_reply(user, reply)
    assert verdict.ok
    assert verdict.to_dict() == {"ok": True, "labels": [], "misfits": []}


def test_every_label_is_defined_once_with_a_chinese_message() -> None:
    assert len(set(rules.FIT_LABELS)) == 4
    assert rules.FIT_OK not in rules.FIT_LABELS
    assert set(rules.FIT_MESSAGE) == set(rules.FIT_LABELS)
    for message in rules.FIT_MESSAGE.values():
        assert any("\u4e00" <= char <= "\u9fff" for char in message)


# --- the scripts library fits the messages it answers --------------------------------

# A plausible borrower message for each intent or situation an approved script answers.
MESSAGE_FOR = {
    "affirm": "好的",
    "ask_balance": "我还欠多少钱",
    "ask_bot_identity": "你是机器人吗",
    "ask_consequences": "不还钱会有什么后果",
    "ask_consequences.arrest": "不还钱会坐牢吗",
    "ask_consequences.third_party": "你们会告诉我家人吗",
    "ask_fees": "这些费用是怎么算的",
    "ask_fees.general": "逾期费用一般怎么算",
    "ask_payment_methods": "我怎么还款",
    "claim_paid": "我已经还了",
    "complain": "你们的态度太差了，我要投诉",
    "compliance_blocked": "你们到底想怎样",
    "conversation_recovered": "喂？在吗",
    "dispute_debt": "这笔钱不是我借的",
    "express_distress": "我不想活了",
    "financial_hardship": "我失业了，实在还不上",
    "goodbye": "再见",
    "greet": "你好",
    "hardship_confirmed": "好的，帮我提交申请",
    "message_too_long": "我想说一下我的情况" * 60,
    "message_not_text": "[图片]",
    "nlu_fallback": "嗯嗯啊啊",
    "offer_amount": "我每个月能还800",
    "plan_confirmed": "确认办理12期",
    "plan_declined": "这个方案不要",
    "plan_option_line": "有哪些分期方案",
    "promise_to_pay": "我下周五还1258",
    "promise_to_pay.ambiguous": "下周一还500，周五还800，月底再还一点",
    "promise_to_pay.correction": "不对，是12月1日还",
    "promise_to_pay.split": "下周一还500，周五再还800",
    "provide_identity": "我手机号13800001111",
    "request_fee_waiver": "能不能减免滞纳金",
    "request_fee_waiver.general": "你们有减免政策吗",
    "request_human": "转人工",
    "request_installment": "我想分期",
    "request_installment.general": "分期怎么收费",
    "session_start": "你好",
    "stop_contact": "以后别给我打电话了",
    "unverified_debt_question": "我还欠多少钱",
    "verification_form.id_last4": "13800001111",
    "verification_form.id_last4_after_mismatch": "身份证后四位是1234",
    "after_distress": "你们还会逼我还钱吗",
    "third_party_asking": "我是王强同事，他让我帮他问问还欠多少",
    "verification_form.mobile": "我想查一下账单",
    "verification_form.mobile_masked": "我手机138****1111",
    "verification_locked": "身份证后四位1234",
    "verification_mismatch": "身份证后四位1234",
    "verified": "身份证后四位1234",
    "verified_without_request": "13800001111，1234",
    "web_chat_page": "你好",
    "web_chat_rate_limited": "在吗在吗在吗",
    "web_chat_unavailable": "在吗",
    "wrong_person": "你打错了，我不是他",
}


def library_pairs() -> list[tuple[str, str, str]]:
    values = sample_values()
    pairs = []
    for script in load_library(ROOT / "scripts_library"):
        if script.status != "approved":
            continue
        for situation in script.answers:
            for variant in script.variants:
                pairs.append((script.id, MESSAGE_FOR[situation], variant.format(**values)))
    return pairs


def test_every_situation_the_library_answers_has_a_plausible_message() -> None:
    answered = {
        situation
        for script in load_library(ROOT / "scripts_library")
        if script.status == "approved"
        for situation in script.answers
    }
    assert answered <= set(MESSAGE_FOR), sorted(answered - set(MESSAGE_FOR))


@pytest.mark.parametrize(("script_id", "user", "reply"), library_pairs())
def test_every_approved_script_fits_the_message_it_answers(
    script_id: str, user: str, reply: str
) -> None:
    assert labels(user, reply) == [], script_id


# --- evaluation and benchmark -------------------------------------------------------


@pytest.mark.parametrize("path", [DEV_PAIRS, *SPENT_PAIRS])
def test_the_development_pairs_reach_the_target(path: Path) -> None:
    report = evaluate(load_pairs(path))
    overall = report.tallies["overall"]
    assert overall.precision >= 0.95
    assert overall.recall >= 0.95
    for label in rules.FIT_LABELS:
        assert report.tallies[label].tp >= 20, label  # every label is exercised


def test_evaluate_counts_per_label_and_micro_overall() -> None:
    pairs = parse_pairs(
        {
            "pairs": [
                {"user": "会坐牢吗", "reply": "不会。", "labels": ["ok"]},
                {"user": "会坐牢吗", "reply": "请先核实身份。", "labels": [FEAR]},
                {"user": "我想还钱", "reply": "好的，请问哪天？", "labels": [AFFIRM]},
            ]
        }
    )
    report = evaluate(pairs)
    assert (report.tallies[FEAR].tp, report.tallies[FEAR].fp, report.tallies[FEAR].fn) == (1, 0, 0)
    assert report.tallies[AFFIRM].fn == 1
    overall = report.tallies["overall"]
    assert (overall.tp, overall.fp, overall.fn) == (1, 0, 1)
    assert overall.precision == 1.0
    assert overall.recall == 0.5
    assert (report.ok_pairs, report.ok_flagged) == (1, 0)


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"pairs": [{"user": "a", "reply": "b"}]},
        {"pairs": [{"user": "a", "reply": "b", "labels": ["unknown"]}]},
        {"pairs": [{"user": "a", "reply": "b", "labels": ["ok", FEAR]}]},
        {"pairs": [{"user": "a", "reply": "", "labels": ["ok"]}]},
    ],
)
def test_malformed_pairs_are_refused(doc: object) -> None:
    with pytest.raises(PairsError):
        parse_pairs(doc)


def test_the_evaluation_exits_non_zero_under_the_floor(tmp_path: Path) -> None:
    data = tmp_path / "pairs.yml"
    data.write_text(
        "pairs:\n"
        "  - {user: 会坐牢吗, reply: 不会。, labels: [ok]}\n"
        "  - {user: 会坐牢吗, reply: 请先核实身份。, labels: [fear_not_denied]}\n"
        "  - {user: 我想还钱, reply: 好的，请问哪天？, labels: [affirm_then_refuse]}\n",
        encoding="utf-8",
    )
    assert main(["--data", str(data), "--floor", "0.5"]) == 0
    assert main(["--data", str(data), "--floor", "0.9"]) == 1
    assert main(["--data", str(tmp_path / "missing.yml")]) == 2


def test_the_benchmark_reports_latency_statistics() -> None:
    pairs = sample_pairs(DEV_PAIRS)
    assert len(pairs) > 150
    stats = measure(pairs[:10], rounds=2)
    assert stats["calls"] == 20
    assert 0 < stats["median"] <= stats["p95"] <= stats["max"]


# --- the NLU's reading of the message -------------------------------------------------


def test_a_confident_nlu_intent_counts_in_words_no_list_holds() -> None:
    reply = "请问您计划哪天还款？最低还款额是1,258元。"
    sure = GuardContext(borrower_intent="express_distress", borrower_intent_confidence=0.9)
    unsure = GuardContext(borrower_intent="express_distress", borrower_intent_confidence=0.4)
    assert check_reply("最近总想着离开", reply).labels == []
    assert check_reply("最近总想着离开", reply, sure).labels == [DISTRESS]
    assert check_reply("最近总想着离开", reply, unsure).labels == []
    disputed = GuardContext(borrower_intent="dispute_debt", borrower_intent_confidence=0.8)
    assert check_reply("那个贷款是我老公背着我办的", reply, disputed).labels == [DISPUTE]


def test_traditional_characters_read_as_simplified() -> None:
    assert FEAR in labels("會唔會有差人上門拉我", "欠款記錄會上報征信，建議你盡快處理。")
    assert labels("會唔會有差人上門拉我", "唔會。欠信用卡屬於民事糾紛，唔會有人拉你。") == []


@pytest.mark.parametrize(
    ("user", "reply", "label"),
    [
        # a denial made conditional in the next clause is no denial
        ("会不会坐牢啊 我好怕", "不会的，只要您尽快还款就不会坐牢。", FEAR),
        # Shanghainese and Cantonese questions, a landlord
        ("侬会得告诉阿拉爷娘伐", "请先提供您在本行预留的手机号码和身份证号后四位。", FEAR),
        ("你哋会唔会打俾我公司㗎", "您尾号7306的信用卡已逾期47天，请尽快还款。", FEAR),
        ("my landlord won't find out right?", "Your account is 47 days overdue.", FEAR),
        # despair in euphemism and dialect
        ("kms lol this debt is never ending", "You can choose a 12-month plan. Shall I?", DISTRESS),
        ("还不了就用命还吧", "承诺还款的金额需要不少于最低还款额。", DISTRESS),
        ("阿拉勿想活了", "抱歉，我没有理解您的意思。", DISTRESS),
        ("想去天台吹吹风，再也不下来了", "好的。请问还有什么可以帮您？", DISTRESS),
        # a partly credited payment, abroad at the time, cards never received
        ("12月2号还了5000只到了3000，另外2000去哪了", "您目前应还总额为18,426.55元。", DISPUTE),
        ("10月3号我人在国外 那笔4380怎么可能是我刷的", "您的账单已逾期47天，请尽快还款。", DISPUTE),
        ("卡我根本没收到过", "您的卡已逾期47天，请尽快还款。", DISPUTE),
        ("这笔钱是我公司报销的 早就打到卡上还掉了", "请问您计划哪天还款？", DISPUTE),
        # a dialect yes, then "cannot record it"
        ("要得不，下个月再说", "要得嘛，但是得先给个具体日期，光说下个月登记不了。", AFFIRM),
    ],
)
def test_what_held_out_set_4_found_is_flagged(user: str, reply: str, label: str) -> None:
    assert label in labels(user, reply)


@pytest.mark.parametrize(
    ("user", "reply"),
    [
        ("会被公安抓吗 说实话", "说实话：不会。欠款还不上是民事纠纷，不会因此被公安抓。"),
        (
            "是不是滞纳金如果一次还清可以免？",
            "是的。如果您在12月22日之前全额还清，可以申请减免滞纳金。",
        ),
        ("我弟在派出所上班，他说你们这种是不是骗子", "我是示例银行信用卡中心的智能客服助理。"),
    ],
)
def test_what_held_out_set_4_found_fits(user: str, reply: str) -> None:
    assert labels(user, reply) == []


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("你们是不是要打电话给我爸妈还有我领导？", ("told",)),
        ("你哋会唔会同我屋企人讲我欠钱？", ("told",)),
        ("不还会坐牢吗？会不会通知我单位", ("arrest", "told")),
        ("我想分期", ()),
        ("我要不要告诉家里人", ()),
    ],
)
def test_fear_kinds_name_what_a_question_fears(text: str, kinds: tuple[str, ...]) -> None:
    assert fear_kinds(text) == kinds


def test_collects_reads_collection_not_care() -> None:
    assert collects("如实告诉您：逾期记录会按规定报送个人征信系统。")
    assert collects("请问您计划哪天还款？")
    assert not collects("现在先不谈还款的事，工作人员会尽快联系您。请拨打12356。")
    assert not collects("您好，请问还有什么可以帮您？")


def test_a_promise_corrected_with_its_own_mistake_is_no_dispute() -> None:
    assert labels("哦搞错了，那就后天还500", "已为您登记还款承诺：12月2日之前还款500元。") == []
    assert DISPUTE in labels("你们搞错了，这钱不是我的", "您的应还总额为12,580元。")


def test_an_empty_message_fits_unless_the_context_names_distress() -> None:
    reply = "请问您计划哪天还款？"
    assert check_reply("", reply).ok
    distressed = GuardContext(borrower_intent="express_distress")
    assert check_reply("", reply, distressed).labels == [DISTRESS]
