"""Behaviour of bot.compliance.check: the examples of shared/compliance.md, spans, context."""

from datetime import datetime, time

import pytest

from bot.compliance import GuardContext, Verdict, Violation, check
from bot.compliance.guard import in_window

# "Phrases that must never pass" in shared/compliance.md, with the rule each must raise.
MUST_NEVER_PASS = [
    ("不还就让你坐牢", "no-threat"),
    ("公安马上来抓你", "no-threat"),
    ("you will be arrested", "no-threat"),
    ("你已经构成诈骗罪", "no-threat"),  # criminal accusation reports no-threat
    ("老赖", "no-insult"),
    ("骗子", "no-insult"),
    ("废物", "no-insult"),
    ("deadbeat", "no-insult"),
    ("我是法院的", "no-impersonation"),
    ("this is the sheriff's office", "no-impersonation"),
    ("传票已经发出", "no-false-legal"),
    ("明天就起诉你", "no-false-legal"),
    ("列入全国黑名单", "no-exaggeration"),
    ("子女不能考公", "no-exaggeration"),
    ("冻结你所有银行卡", "no-exaggeration"),
    ("通知你单位领导", "no-third-party"),
    ("爆你通讯录", "no-third-party"),
    ("发朋友圈曝光", "no-third-party"),
    ("转到我个人卡", "official-channels"),
    ("加我私人微信", "official-channels"),
    ("去借网贷先还上", "no-new-debt"),
    ("保证停息挂账", "no-false-relief"),
]

MUST_PASS = [
    "逾期可能影响您的个人征信记录",
    "will be reported to credit bureaus as required",
    "可以为您申请分期，是否批准以银行审核为准",
    "请通过官方客服电话核实",
    "如有异议，我们会暂停并为您核实",
]


@pytest.mark.parametrize(("text", "rule"), MUST_NEVER_PASS)
def test_must_never_pass(text: str, rule: str) -> None:
    verdict = check(text)
    assert not verdict.ok
    assert rule in verdict.rules


@pytest.mark.parametrize("text", MUST_PASS)
def test_must_pass(text: str) -> None:
    verdict = check(text)
    assert verdict.ok, verdict.violations


@pytest.mark.parametrize("text", MUST_PASS)
def test_must_pass_for_verified_borrower_in_daytime(text: str) -> None:
    context = GuardContext(verified=True, local_time=datetime(2024, 5, 20, 10, 0))
    assert check(text, context).ok


@pytest.mark.parametrize(
    ("text", "offending"),
    [
        ("您好，不还就让你坐牢。", "坐牢"),
        ("请尽快处理，否则我们会通知你单位领导", "通知你单位"),
        ("您好！加我私人微信，方便沟通。", "加我私人微信"),
        ("你就是个老赖，赶紧还钱", "老赖"),
        ("Pay now. This is the sheriff's office.", "This is the sheriff"),
    ],
)
def test_pattern_span_points_at_the_offending_words(text: str, offending: str) -> None:
    verdict = check(text)
    spans = [text[v.start : v.end] for v in verdict.violations if v.source == "pattern"]
    assert offending in spans


def test_span_maps_back_through_fullwidth_and_spaces() -> None:
    text = "好的。 坐 牢 的事你想清楚"
    violation = next(v for v in check(text).violations if v.source == "pattern")
    assert text[violation.start : violation.end] == "坐 牢"


def test_violation_carries_chinese_message_and_category() -> None:
    violation = check("你已经构成诈骗罪").violations[0]
    assert isinstance(violation, Violation)
    assert violation.rule == "no-threat"
    assert violation.category == "criminal-accusation"
    assert "犯罪" in violation.message


def test_classifier_flags_a_paraphrase_with_the_whole_sentence() -> None:
    text = "您好。你这种人活该一辈子抬不起头，没人看得起你。"
    verdict = check(text)
    assert not verdict.ok
    classifier_hits = [v for v in verdict.violations if v.source == "classifier"]
    assert classifier_hits
    hit = classifier_hits[0]
    assert text[hit.start : hit.end] == "你这种人活该一辈子抬不起头，没人看得起你。"


def test_several_sentences_report_several_violations() -> None:
    verdict = check("老赖！明天就起诉你。加我私人微信。")
    assert {"no-insult", "no-false-legal", "official-channels"} <= verdict.rules
    assert [v.start for v in verdict.violations] == sorted(v.start for v in verdict.violations)


def test_negated_statement_passes() -> None:
    assert check("我们绝对不会通知您的单位或家人").ok
    assert check("We will never contact your employer.").ok


# --- right-party -------------------------------------------------------------------------


def test_unverified_party_must_not_hear_the_balance() -> None:
    text = "您本期应还金额为3,260元"
    verdict = check(text, GuardContext(verified=False))
    assert "right-party" in verdict.rules
    spans = {text[v.start : v.end] for v in verdict.violations if v.rule == "right-party"}
    assert spans == {"应还", "3,260元"}


def test_verified_borrower_may_hear_the_balance() -> None:
    assert check("您本期应还金额为3,260元", GuardContext(verified=True)).ok


def test_unknown_verification_does_not_apply_right_party() -> None:
    assert check("您本期应还金额为3,260元", GuardContext(verified=None)).ok


@pytest.mark.parametrize(
    "text",
    ["尾号8812的信用卡", "您的信用卡已逾期45天", "Your balance is past due."],
)
def test_card_digits_and_overdue_status_are_debt_facts(text: str) -> None:
    assert "right-party" in check(text, GuardContext(verified=False)).rules


def test_borrower_name_is_a_debt_fact_when_unverified() -> None:
    context = GuardContext(verified=False, borrower_name="张伟")
    verdict = check("请问张伟在吗？", context)
    violation = next(v for v in verdict.violations if v.rule == "right-party")
    assert (violation.start, violation.end) == (2, 4)


def test_verification_prompts_pass_for_unverified_party() -> None:
    context = GuardContext(verified=False)
    assert check("请问您是机主本人吗？", context).ok
    assert check("核验通过前，我们无法透露任何账户信息", context).ok
    assert check("请提供身份证号后四位完成核验", context).ok


# --- quiet hours -------------------------------------------------------------------------


def test_quiet_hours_block_a_message_at_23() -> None:
    text = "提醒您今天是还款日"
    verdict = check(text, GuardContext(local_time=datetime(2024, 5, 20, 23, 0)))
    assert verdict.rules == {"quiet-hours"}
    assert (verdict.violations[0].start, verdict.violations[0].end) == (0, len(text))


@pytest.mark.parametrize(
    ("hour", "minute", "jurisdiction", "blocked"),
    [
        (21, 59, "CN", False),
        (22, 0, "CN", True),
        (7, 59, "CN", True),
        (8, 0, "CN", False),
        (21, 0, "US", True),
        (20, 59, "US", False),
        (7, 30, "US", True),
    ],
)
def test_quiet_hours_edges(hour: int, minute: int, jurisdiction: str, blocked: bool) -> None:
    context = GuardContext(
        local_time=datetime(2024, 5, 20, hour, minute), jurisdiction=jurisdiction
    )
    assert ("quiet-hours" in check("提醒您今天是还款日", context).rules) is blocked


def test_quiet_hours_come_from_the_context_when_given() -> None:
    context = GuardContext(
        local_time=datetime(2024, 5, 20, 20, 30), quiet_hours=(time(20, 0), time(9, 0))
    )
    assert "quiet-hours" in check("提醒您今天是还款日", context).rules


def test_borrower_initiated_chat_is_not_blocked_by_quiet_hours() -> None:
    context = GuardContext(local_time=datetime(2024, 5, 20, 23, 30), borrower_initiated=True)
    assert check("好的，已为您记录还款日期", context).ok


def test_in_window_handles_windows_that_do_not_wrap() -> None:
    assert in_window(time(13, 0), time(12, 0), time(14, 0))
    assert not in_window(time(14, 0), time(12, 0), time(14, 0))


# --- no-false-legal with recorded actions -------------------------------------------------


def test_recorded_lawsuit_lets_a_true_statement_pass() -> None:
    context = GuardContext(recorded_legal_actions={"lawsuit"})
    assert check("已向法院提起诉讼", context).ok


def test_unrecorded_lawsuit_is_a_false_legal_claim() -> None:
    assert "no-false-legal" in check("已向法院提起诉讼").rules
    assert "no-false-legal" in check("已向法院提起诉讼", GuardContext()).rules


def test_recording_one_action_does_not_cover_another() -> None:
    context = GuardContext(recorded_legal_actions={"lawsuit"})
    assert "no-false-legal" in check("法院已经判决，下周强制执行", context).rules


def test_recorded_action_does_not_excuse_other_rules() -> None:
    context = GuardContext(recorded_legal_actions={"lawsuit"})
    assert "no-insult" in check("已向法院提起诉讼，老赖", context).rules


# --- PII ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("您的卡号是6222021234567890123", "6222021234567890123"),
        ("卡号 6222 0212 3456 7890 请核对", "6222 0212 3456 7890"),
        ("证件号110101199003071234已登记", "110101199003071234"),
        ("ID 44030119851212345X on file", "44030119851212345X"),
    ],
)
def test_full_card_and_id_numbers_are_violations(text: str, number: str) -> None:
    verdict = check(text)
    violation = next(v for v in verdict.violations if v.rule == "pii-masking")
    assert text[violation.start : violation.end] == number


@pytest.mark.parametrize("text", ["您尾号7890的信用卡", "卡号6222 **** **** 7890", "客服热线95588"])
def test_masked_numbers_pass(text: str) -> None:
    assert check(text).ok


# --- English -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("We will call your employer about this debt.", "no-third-party"),
        ("Send the payment to my personal account.", "official-channels"),
        ("We have filed a lawsuit against you.", "no-false-legal"),
        ("You should take out a payday loan.", "no-new-debt"),
        ("We guarantee a full waiver of your interest.", "no-false-relief"),
        ("You'll be blacklisted from every bank.", "no-exaggeration"),
    ],
)
def test_english_violations(text: str, rule: str) -> None:
    assert rule in check(text).rules


@pytest.mark.parametrize(
    "text",
    [
        "Please pay through the official app or at a branch.",
        "You have the right to dispute this debt.",
        "Would you like to set up a payment plan?",
    ],
)
def test_english_compliant(text: str) -> None:
    assert check(text).ok


# --- robustness --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\n", "？？？", "1234", "🙂🙂", "\u200b", "a" * 5000, "。" * 100, "\x00\x01"],
)
def test_empty_and_garbage_input_does_not_crash(text: str) -> None:
    verdict = check(text)
    assert isinstance(verdict, Verdict)
    for violation in verdict.violations:
        assert 0 <= violation.start <= violation.end <= len(text)


def test_none_and_non_text_are_tolerated() -> None:
    assert check(None).ok  # type: ignore[arg-type]
    assert isinstance(check(12345), Verdict)  # type: ignore[arg-type]


def test_blank_message_in_quiet_hours_sends_nothing_and_passes() -> None:
    assert check("", GuardContext(local_time=datetime(2024, 5, 20, 23, 0))).ok


# --- model loading -------------------------------------------------------------------------


@pytest.fixture
def isolated_model(monkeypatch: pytest.MonkeyPatch, tmp_path, tiny_dataset):
    from bot.compliance import paths
    from bot.compliance.guard import set_model

    monkeypatch.setattr(paths, "MODEL_DIR", tmp_path / "models")
    monkeypatch.setattr(paths, "TRAIN_DIR", tiny_dataset)
    set_model(None)
    yield tmp_path / "models" / "guard.npz"
    set_model(None)


def test_missing_model_is_built_once_and_saved(isolated_model) -> None:
    from bot.compliance.guard import get_model

    assert not isolated_model.exists()
    assert "no-insult" in check("你这个废物").rules
    assert isolated_model.exists()
    assert get_model() is get_model()


def test_stale_model_is_rebuilt(isolated_model, tiny_dataset) -> None:
    from bot.compliance import train
    from bot.compliance.guard import get_model

    old = train.build_model(tiny_dataset)
    old.fingerprint = "from other data"
    old.save(isolated_model)
    assert get_model().fingerprint == train.training_fingerprint(tiny_dataset)


def test_no_model_and_no_data_raises_a_clear_error(
    isolated_model, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from bot.compliance import GuardModelError, paths

    monkeypatch.setattr(paths, "TRAIN_DIR", tmp_path / "empty")
    with pytest.raises(GuardModelError, match=r"python -m bot\.compliance\.train"):
        check("你好")


def test_import_loads_no_model_and_no_training_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.compliance\n"
        "from bot.compliance import guard\n"
        "assert guard._model is None\n"
        "assert 'sklearn' not in sys.modules and 'spacy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
