import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.db.models import ConversationOutcome, Handoff, RepaymentPlan
from bot.db.settings import session_scope
from bot.policy import load_policy
from bot.scripts import load_library
from bot.web import assist
from bot.web.assist import Parsed
from tests.unit.web.conftest import parse_result
from tests.unit.web.sample_data import ZONE

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZONE)
POLICY = load_policy()
LIBRARY = load_library()


def _parsed(text: str) -> Parsed:
    return assist.parsed_from_rasa(text, parse_result(text))


def _advise(session, text: str, account_id=None, history=()) -> assist.Advice:
    return assist.advise(
        session,
        _parsed(text),
        [_parsed(line) for line in history],
        account_id,
        library=LIBRARY,
        policy=POLICY,
        now=NOW,
        low_confidence=0.6,
    )


def _rows(session) -> tuple[int, int, int]:
    return tuple(
        session.execute(select(func.count(model.id))).scalar_one()
        for model in (RepaymentPlan, ConversationOutcome, Handoff)
    )


def test_parsed_from_rasa_masks_entity_values() -> None:
    parsed = _parsed("13800001111 身份证后四位1234")
    assert parsed.intent == "provide_identity" and parsed.confidence == 0.96
    public = parsed.public()
    assert public["entities"][0] == {
        "entity": "phone",
        "value": "138****1111",
        "text": "138****1111",
    }
    assert public["text"] == "138****1111 身份证后四位1234"
    assert parsed.raw_entities[0]["value"] == "13800001111"
    assert assist.parsed_from_rasa("x", {}).intent == "nlu_fallback"


def test_borrower_lines() -> None:
    history = "客户：我想分期\n坐席：好的，请问分几期？\n\nagent: ok\n每月最多800\nB: 好的"
    assert assist.borrower_lines(history) == ["我想分期", "每月最多800", "好的"]
    assert assist.borrower_lines(history, limit=1) == ["好的"]


def test_mask_name_and_account_choices(session_factory) -> None:
    assert assist.mask_name("张伟") == "张*"
    assert assist.mask_name("欧阳娜娜") == "欧***"
    with session_scope(session_factory) as session:
        labels = [choice.label for choice in assist.account_choices(session)]
    assert labels[0] == "王* · 尾号8810 · 逾期120天"
    assert not any("张伟" in label or "李娜" in label for label in labels)


def test_fill_leaves_unknown_placeholders_visible() -> None:
    assert assist.fill("应还{total_due}元，{date}前", {"total_due": "1.00"}) == (
        "应还1.00元，{date}前",
        ("date",),
    )
    assert assist.fill("{{字面}}", {}) == ("{字面}", ())


def test_placeholder_values() -> None:
    values = assist.placeholder_values(POLICY, dt.date(2026, 11, 30))
    assert values["institution"] == "示例银行信用卡中心"
    assert values["max_date"] == "2026年12月30日"
    assert values["deadline"] == "2026年12月7日"
    assert "total_due" not in values
    with_amount = assist.placeholder_values(POLICY, dt.date(2026, 11, 30), None, {"amount": 800})
    assert with_amount["offer"] == "800.00"


def test_request_installment_for_a_verified_account(session_factory) -> None:
    with session_scope(session_factory) as session:
        before = _rows(session)
        advice = _advise(session, "我想分12期", account_id=1)
        after = _rows(session)
    first = advice.suggestions[0]
    assert (first.script_id, first.source) == ("plans.quote", "assistant")
    assert "1,131.36" in first.text and "996.34" in first.text
    assert all(not s.missing for s in advice.suggestions)
    assert len(advice.suggestions) <= assist.MAX_SUGGESTIONS
    assert before == after  # nothing is written


def test_a_yes_after_a_quote_is_the_plan_confirmation_but_nothing_is_recorded(
    session_factory,
) -> None:
    with session_scope(session_factory) as session:
        before = _rows(session)
        advice = _advise(session, "好的", account_id=1, history=["我想分12期"])
        assert _rows(session) == before
    assert advice.suggestions[0].script_id == "plans.recorded"
    assert "13,576.34" in advice.suggestions[0].text


def test_unverified_debt_question_gets_verification_scripts_only(session_factory) -> None:
    with session_scope(session_factory) as session:
        advice = _advise(session, "我还欠多少钱")
    assert advice.situation.verified is False
    assert any("核身" in note for note in advice.situation.notes)
    ids = [s.script_id for s in advice.suggestions]
    assert ids[0] == "verification.verify_first"
    assert "balance.summary" not in ids
    assert all(not LIBRARY.get(i).requires_verification for i in ids)


def test_distress_anywhere_puts_the_safety_script_first(session_factory) -> None:
    with session_scope(session_factory) as session:
        advice = _advise(session, "我想分12期", account_id=1, history=["我不想活了"])
    assert advice.suggestions[0].script_id == "safety.distress"
    assert "12356" in advice.suggestions[0].text
    assert any("12356" in note for note in advice.situation.notes)


def test_low_confidence_adds_a_note_and_the_rephrase_script(session_factory) -> None:
    with session_scope(session_factory) as session:
        advice = _advise(session, "呃那个", account_id=1)
    assert any("把握不大" in note for note in advice.situation.notes)
    assert "fallback.rephrase" in [s.script_id for s in advice.suggestions]


def test_unknown_account(session_factory) -> None:
    with session_scope(session_factory) as session, pytest.raises(assist.UnknownAccountError):
        _advise(session, "我想分12期", account_id=999)


def test_public_view_is_masked() -> None:
    suggestion = assist.Suggestion("x.y", 1, "x", "请拨打13800001111")
    assert suggestion.public()["text"] == "请拨打138****1111"


def test_draft_check_highlights_violations_and_offers_the_truthful_alternative() -> None:
    values = assist.placeholder_values(POLICY, dt.date(2026, 11, 30))
    result = assist.check_draft("不还就让你坐牢，老赖！", LIBRARY, values, verified=True)
    assert not result.ok
    assert {v["rule"] for v in result.violations} == {"no-threat", "no-insult"}
    assert "".join(s.text for s in result.segments) == "不还就让你坐牢，老赖！"
    flagged = {s.text: s.rules for s in result.segments if s.rules}
    assert flagged == {"坐牢": ("no-threat",), "老赖": ("no-insult",)}
    assert result.alternative.script_id == "consequences.truthful"


def test_draft_check_of_a_compliant_sentence() -> None:
    values = assist.placeholder_values(POLICY, dt.date(2026, 11, 30))
    result = assist.check_draft("请通过官方客服电话核实", LIBRARY, values, verified=False)
    assert result.ok and result.violations == []
    assert [s.rules for s in result.segments] == [()]


def test_draft_check_masks_the_text_it_returns() -> None:
    values = assist.placeholder_values(POLICY, dt.date(2026, 11, 30))
    result = assist.check_draft("您的卡号6217000012345678逾期了", LIBRARY, values, verified=True)
    assert "6217000012345678" not in "".join(s.text for s in result.segments)
    assert all("6217000012345678" not in v["excerpt"] for v in result.violations)


def test_closest_script_prefers_the_stage_of_the_broken_rule() -> None:
    values = assist.placeholder_values(POLICY, dt.date(2026, 11, 30))
    plain = assist.closest_script("请通过手机银行App还款", LIBRARY, values, verified=True)
    assert plain.script_id == "payment_methods.official"
    channel = assist.closest_script(
        "转到我个人卡上", LIBRARY, values, verified=True, rules=["official-channels"]
    )
    assert channel.script_id == "payment_methods.official"
    unverified = assist.closest_script("您的应还总额是", LIBRARY, values, verified=False)
    assert not LIBRARY.get(unverified.script_id).requires_verification


def test_bigram_cosine() -> None:
    assert assist.cosine(assist.bigrams("分期还款"), assist.bigrams("分期还款")) == pytest.approx(1)
    assert assist.cosine(assist.bigrams("分期"), assist.bigrams("征信")) == 0
    assert assist.bigrams("{x}，。") == {}


def test_conditional_scripts_are_left_out_when_their_condition_fails(session_factory) -> None:
    assert assist.applies("plans.tenor_unavailable", {"tenor": "36", "tenors": "3、6、12、24"})
    assert not assist.applies("plans.tenor_unavailable", {"tenor": "12", "tenors": "3、6、12、24"})
    assert not assist.applies("plans.tenor_unavailable", {"tenors": "3、6"})
    with session_scope(session_factory) as session:
        ids = [s.script_id for s in _advise(session, "我想分12期", account_id=1).suggestions]
    assert "plans.tenor_unavailable" not in ids
