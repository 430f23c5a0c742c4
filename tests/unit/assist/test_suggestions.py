import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.assist.accounts import UnknownAccountError
from bot.assist.parsing import Parsed, parsed_from_rasa
from bot.assist.suggestions import (
    MAX_SUGGESTIONS,
    Advice,
    Suggestion,
    advise,
    applies,
    fill,
)
from bot.db.models import ConversationOutcome, Handoff, RepaymentPlan
from bot.db.settings import session_scope
from bot.dialogue.values import placeholder_values
from bot.policy import load_policy
from bot.scripts import load_library
from tests.unit.web.conftest import parse_result
from tests.unit.web.sample_data import ZONE

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZONE)
POLICY = load_policy()
LIBRARY = load_library()


def _parsed(text: str) -> Parsed:
    return parsed_from_rasa(text, parse_result(text))


def _advise(session, text: str, account_id=None, history=()) -> Advice:
    return advise(
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


def test_fill_leaves_unknown_placeholders_visible() -> None:
    assert fill("应还{total_due}元，{date}前", {"total_due": "1.00"}) == (
        "应还1.00元，{date}前",
        ("date",),
    )
    assert fill("{{字面}}", {}) == ("{字面}", ())


def test_placeholder_values() -> None:
    values = placeholder_values(POLICY, dt.date(2026, 11, 30))
    assert values["institution"] == "示例银行信用卡中心"
    assert values["max_date"] == "2026年12月30日"
    assert values["deadline"] == "2026年12月7日"
    assert "total_due" not in values
    with_amount = placeholder_values(POLICY, dt.date(2026, 11, 30), None, {"amount": 800})
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
    assert len(advice.suggestions) <= MAX_SUGGESTIONS
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
    assert any("心理援助热线" in note for note in advice.situation.notes)


def test_low_confidence_adds_a_note_and_the_rephrase_script(session_factory) -> None:
    with session_scope(session_factory) as session:
        advice = _advise(session, "呃那个", account_id=1)
    assert any("把握不大" in note for note in advice.situation.notes)
    assert "fallback.rephrase" in [s.script_id for s in advice.suggestions]


def test_unknown_account(session_factory) -> None:
    with session_scope(session_factory) as session, pytest.raises(UnknownAccountError):
        _advise(session, "我想分12期", account_id=999)


def test_public_view_is_masked() -> None:
    suggestion = Suggestion("x.y", 1, "x", "请拨打13800001111")
    assert suggestion.public()["text"] == "请拨打138****1111"


def test_conditional_scripts_are_left_out_when_their_condition_fails(session_factory) -> None:
    assert applies("plans.tenor_unavailable", {"tenor": "36", "tenors": "3、6、12、24"})
    assert not applies("plans.tenor_unavailable", {"tenor": "12", "tenors": "3、6、12、24"})
    assert not applies("plans.tenor_unavailable", {"tenors": "3、6"})
    with session_scope(session_factory) as session:
        ids = [s.script_id for s in _advise(session, "我想分12期", account_id=1).suggestions]
    assert "plans.tenor_unavailable" not in ids
