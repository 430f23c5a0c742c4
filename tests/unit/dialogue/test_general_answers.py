"""Answers that fit the question (issue 12): general facts to anyone, the truth first.

Each test holds a defect a borrower met: "不还钱会坐牢吗" before verification was answered
"可以的。在告知账户信息之前，需要先核实您的身份。"; general questions waited for verification; a
brother who spoke up after verification was told the balance; a mistyped ID cost the mobile
number too; identity and a request in one message lost the request.
"""

import pytest
from sqlalchemy import select

from bot.compliance import GuardContext, check
from bot.db import models
from bot.dialogue import handlers
from bot.dialogue.handlers import check_identity, request_with_identity, respond
from bot.dialogue.intents import BY_NAME, INTENTS
from bot.dialogue.messages import compose, library

from .conftest import make_turn

AFFIRMATIONS = ("可以的", "好的", "没问题", "可以")
ACCOUNT_FIGURES = ("12,580", "6217", "张伟", "1,258")


def guard(text: str, context) -> list[str]:
    return [v.rule for v in check(text, context).violations]


def said_unverified(outcome) -> str:
    """What goes out to an unverified party, through the runtime's guard."""
    composed = compose(
        outcome.replies,
        seed="t",
        guard=guard,
        guard_context=GuardContext(verified=False),
        verified=False,
    )
    assert composed.blocked == [], composed.blocked
    return "\n".join(m.text for m in composed.messages)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("欠信用卡不还会坐牢吗？你们会不会报警抓我", "consequences.no_jail"),
        ("不还的话会不会通知我家人和单位", "consequences.no_third_party"),
        ("will I go to jail if I can't pay", "consequences.no_jail"),
    ],
)
def test_a_fearful_yes_no_question_gets_the_truthful_no_first(ctx, text, first):
    out = respond(make_turn("ask_consequences", text), ctx)
    assert out.replies[0].script_id == first
    said = said_unverified(out)
    assert said.startswith("不会")
    assert "征信" in said  # and then the truthful consequences, in full
    assert not any(a in said for a in ("可以的", "没问题"))


def test_consequences_are_general_facts_for_anyone_even_after_a_lock(ctx):
    for slots in ({"verification": "unverified"}, {"verification": "locked"}):
        out = respond(make_turn("ask_consequences", "不还会怎样", slots=slots), ctx)
        said = said_unverified(out)
        assert [r.script_id for r in out.replies] == ["consequences.truthful"]
        assert "征信" in said and not any(f in said for f in ACCOUNT_FIGURES)


@pytest.mark.parametrize(
    ("intent", "text", "general", "needle"),
    [
        ("ask_fees", "滞纳金怎么算的", "fees.general", "0.75%"),
        ("request_installment", "能分期吗", "plans.general", "3、6、12、24期"),
        ("request_fee_waiver", "滞纳金能给我免了吗", "waiver.general", "7天内把欠款一次还清"),
    ],
)
def test_a_debt_question_before_verification_gets_its_general_answer_then_verification(
    ctx, intent, text, general, needle
):
    out = respond(make_turn(intent, text), ctx)
    ids = [r.script_id for r in out.replies]
    assert ids == [general, "verification.verify_first"]
    said = said_unverified(out)
    assert needle in said
    assert not said.startswith(AFFIRMATIONS)
    assert "可以的" not in said
    assert not any(f in said for f in ACCOUNT_FIGURES)
    assert out.slots["pending_request"]["intent"] == intent  # the account's figures follow


def test_the_verification_request_never_opens_with_an_affirmation(ctx):
    said = said_unverified(respond(make_turn("ask_balance", "我欠多少"), ctx))
    assert not said.startswith(AFFIRMATIONS)


def test_general_facts_may_name_debts_but_never_an_accounts_figures():
    general = GuardContext(verified=False, general_facts=True)
    assert guard("逾期记录会按规定报送个人征信系统。", general) == []
    assert "right-party" in guard("您尾号6217的信用卡已逾期45天，欠款12,580.00元。", general)
    # Unmarked text said to an unverified party may not even speak of the debt.
    assert "right-party" in guard(
        "逾期记录会按规定报送个人征信系统。", GuardContext(verified=False)
    )


def test_every_general_answer_is_a_script_marked_general():
    lib = library()
    for intent in INTENTS:
        if intent.general_script:
            assert lib.approved(intent.general_script).general_facts, intent.name
    assert not BY_NAME["ask_consequences"].requires_verification


def test_wrong_person_after_verification_ends_the_verification(ctx, session):
    result = ctx.store.verify("conv-1", "13800001111", "1234", make_turn("greet").now)
    slots = {
        "verification": "verified",
        "customer_id": result.customer_id,
        "account_id": result.account_id,
    }
    out = respond(make_turn("wrong_person", "我不是他本人，我是他弟弟", slots=slots), ctx)
    assert out.slots["verification"] == "unverified"
    assert out.slots["customer_id"] is None and out.slots["account_id"] is None
    kept = session.execute(
        select(models.ConversationVerification).filter_by(conversation_id="conv-1")
    ).scalars()
    assert list(kept) == []
    after = respond(make_turn("ask_balance", "那他欠多少", slots={**slots, **out.slots}), ctx)
    said = said_unverified(after)
    assert not any(f in said for f in ACCOUNT_FIGURES)


def test_a_mismatch_keeps_the_mobile_so_the_borrower_corrects_only_the_id(ctx):
    turn = make_turn("provide_identity", "13800001111 4321")
    out = check_identity(turn, ctx, "13800001111", "4321")
    assert "mobile" not in out.slots  # kept as given
    assert out.slots["id_last4"] is None and out.slots["identity_retry"] is True
    corrected = check_identity(turn, ctx, "13800001111", "1234")
    assert corrected.slots["verification"] == "verified"
    assert corrected.slots["identity_retry"] is False
    assert corrected.slots["mobile"] is None  # the identifiers do not stay once verified


def test_identity_with_a_request_keeps_the_request_and_its_entities():
    turn = make_turn(
        "provide_identity",
        "我手机13800001111，证件后四位1234，想分6期还",
        phone="13800001111",
        id_last4="1234",
        installments=6,
        request="request_installment",
    )
    assert request_with_identity(turn) == {
        "intent": "request_installment",
        "entities": {"installments": 6},
        "text": turn.text,
    }
    assert request_with_identity(make_turn("provide_identity", "1234", request="greet")) is None
    assert request_with_identity(make_turn("provide_identity", "1234")) is None


def test_a_general_request_given_with_identity_is_answered_after_verification(ctx, verified_slots):
    slots = {**verified_slots(), "pending_request": {"intent": "ask_payment_methods"}}
    out = handlers.after_verification(make_turn("provide_identity", slots=slots), ctx)
    ids = [r.script_id for r in out.replies]
    assert ids == ["verification.success", "payment_methods.official"]


def test_two_questions_in_one_message_get_both_answers(ctx, verified_slots):
    from bot.dialogue.intents import HANDLERS, answer_second_question

    turn = make_turn(
        "ask_balance", "我现在欠多少？还有怎么还？", verified_slots(), request="ask_payment_methods"
    )
    outcome = answer_second_question(turn, ctx, HANDLERS["ask_balance"](turn, ctx))
    scripts = [reply.script_id for reply in outcome.replies]
    assert scripts[0].startswith("balance.") and scripts[-1] == "payment_methods.official"


def test_before_verification_only_the_first_question_starts_verification(ctx):
    from bot.dialogue.intents import answer_second_question
    from bot.dialogue.turn import Outcome

    turn = make_turn("ask_balance", "欠多少？怎么还？", request="ask_payment_methods")
    assert answer_second_question(turn, ctx, Outcome()).replies == []


def test_a_fear_question_the_nlu_read_as_a_complaint_still_gets_the_no_first(ctx):
    from bot.dialogue.intents import ACTION_HANDLERS, answer_turn

    turn = make_turn("complain", "你们是不是要打电话给我爸妈还有我领导？")
    outcome = answer_turn(ACTION_HANDLERS["action_handle_complaint"], turn, ctx)
    assert outcome.replies[0].script_id == "consequences.no_third_party"
    assert len([r for r in outcome.replies if r.script_id.startswith("consequences.no_")]) == 1


def test_a_cantonese_fear_of_family_being_told_gets_the_no_first(ctx):
    from bot.dialogue.intents import ACTION_HANDLERS, answer_turn

    turn = make_turn("ask_consequences", "你哋会唔会同我屋企人讲我欠钱？")
    outcome = answer_turn(ACTION_HANDLERS["action_explain_consequences"], turn, ctx)
    assert outcome.replies[0].script_id == "consequences.no_third_party"


def test_after_distress_the_conversation_collects_no_more(ctx, verified_slots):
    from bot.dialogue.intents import ACTION_HANDLERS, answer_turn

    slots = {**verified_slots(), "in_distress": True}
    turn = make_turn("ask_consequences", "你们还会逼我还钱吗", slots)
    outcome = answer_turn(ACTION_HANDLERS["action_explain_consequences"], turn, ctx)
    scripts = [reply.script_id for reply in outcome.replies]
    assert "consequences.truthful" not in scripts
    assert scripts[-1] == "safety.collection_paused"
    balance = answer_turn(
        ACTION_HANDLERS["action_tell_balance"], make_turn("ask_balance", "欠多少", slots), ctx
    )
    assert [r.script_id for r in balance.replies] == ["safety.collection_paused"]
    # the distress reply itself marks the conversation
    distress = make_turn("express_distress", "我不想活了", verified_slots())
    assert answer_turn(ACTION_HANDLERS["action_handle_distress"], distress, ctx).slots[
        "in_distress"
    ]


def test_a_complaint_and_a_balance_question_get_both_answers(ctx, verified_slots):
    from bot.dialogue.intents import ACTION_HANDLERS, answer_turn

    turn = make_turn(
        "complain", "我要投诉，顺便问下我现在还欠多少", verified_slots(), request="ask_balance"
    )
    outcome = answer_turn(ACTION_HANDLERS["action_handle_complaint"], turn, ctx)
    assert [r.script_id for r in outcome.replies][-1].startswith("balance.")
