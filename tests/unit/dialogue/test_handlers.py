"""Dialogue handlers on the demo ledger: what the borrower reads and what gets recorded."""

import dataclasses
from decimal import Decimal

from sqlalchemy import select

from bot.db import models
from bot.dialogue import handlers
from bot.dialogue.handlers import check_identity, respond
from bot.dialogue.messages import compose

from .conftest import make_turn


def texts(outcome) -> str:
    return "\n".join(m.text for m in compose(outcome.replies, seed="t").messages)


def rows(session, model):
    return session.execute(select(model)).scalars().all()


def test_debt_question_before_verification_discloses_nothing(ctx, session):
    out = respond(make_turn("ask_balance", "我欠多少钱"), ctx)
    said = texts(out)
    assert "12,580" not in said and "6217" not in said and "张伟" not in said
    assert [r.script_id for r in out.replies] == ["verification.verify_first"]
    assert out.slots["pending_request"]["intent"] == "ask_balance"


def test_balance_after_verification_comes_from_the_ledger(ctx, verified_slots):
    out = respond(make_turn("ask_balance", slots=verified_slots()), ctx)
    said = texts(out)
    assert "6217" in said and "12,580.00" in said and "1,258.00" in said and "45" in said


def test_pending_question_is_answered_right_after_verification(ctx, verified_slots):
    slots = {**verified_slots("13900002222"), "pending_request": {"intent": "ask_fees"}}
    out = handlers.after_verification(make_turn("provide_identity", slots=slots), ctx)
    ids = [r.script_id for r in out.replies]
    assert ids == ["verification.success", "fees.breakdown"]
    assert "3,100.00" in texts(out) and "110.50" in texts(out) and "50.00" in texts(out)
    assert out.slots["pending_request"] is None


def test_three_failures_lock_even_correct_details(ctx):
    turn = make_turn("provide_identity")
    first = check_identity(turn, ctx, "13800001111", "0000")
    assert first.slots["verification"] == "unverified" and "未能通过核实" in texts(first)
    assert not any(ch.isdigit() for ch in texts(first))  # no attempts left: that was an oracle
    other = dataclasses.replace(make_turn("provide_identity"), conversation_id="conv-other")
    stranger = check_identity(other, ctx, "13912345678", "0000")
    assert texts(stranger) == texts(first)  # a debtor's number and an unknown one look the same
    check_identity(turn, ctx, "13800001111", "1111")
    third = check_identity(turn, ctx, "13800001111", "2222")
    assert third.slots["verification"] == "locked"
    again = check_identity(make_turn("provide_identity"), ctx, "13800001111", "1234")
    assert again.slots["verification"] == "locked"
    refused = respond(make_turn("ask_balance", slots={"verification": "locked"}), ctx)
    assert "12,580" not in texts(refused) and "400-800-0000" in texts(refused)


def test_installment_quote_and_confirmation_records_the_plan(ctx, session, verified_slots):
    slots = verified_slots()
    quote = respond(make_turn("request_installment", "分12期", slots, installments=12), ctx)
    assert "1,131.36" in texts(quote) and "996.34" in texts(quote)
    slots.update(quote.slots)
    done = respond(make_turn("affirm", "好的", slots), ctx)
    assert done.replies[0].script_id == "plans.recorded"
    (plan,) = rows(session, models.RepaymentPlan)
    assert (plan.tenor, plan.monthly_amount, plan.status) == (12, Decimal("1131.36"), "accepted")
    assert [o.outcome for o in rows(session, models.ConversationOutcome)] == ["plan"]


def test_affordability_proposes_the_shortest_fitting_plan(ctx, verified_slots):
    out = respond(make_turn("offer_amount", "每月800", verified_slots(), amount=800), ctx)
    assert out.slots["pending_offer"] == {"kind": "installment", "tenor": 24}
    assert "605.94" in texts(out)


def test_no_standard_plan_fits_leads_to_a_hardship_application(ctx, session, verified_slots):
    slots = verified_slots()
    out = respond(make_turn("offer_amount", "每月300", slots, amount=300), ctx)
    assert out.replies[0].script_id == "plans.none_fits"
    slots.update(out.slots)
    out = respond(make_turn("affirm", "是的", slots), ctx)
    assert [r.script_id for r in out.replies] == ["hardship.empathy", "hardship.quote"]
    assert "人工审核" in texts(out)
    slots.update(out.slots)
    out = respond(make_turn("affirm", "提交吧", slots), ctx)
    assert out.replies[0].script_id == "hardship.submitted"
    (plan,) = rows(session, models.RepaymentPlan)
    assert plan.kind == "hardship" and plan.status == "pending_approval" and plan.tenor <= 60
    assert plan.total_fees == 0
    assert [h.reason for h in rows(session, models.Handoff)] == ["hardship"]


def test_promise_with_date_and_amount_is_recorded_and_read_back(ctx, session, verified_slots):
    out = respond(
        make_turn("promise_to_pay", "明天还1258", verified_slots(), date="2026-12-01", amount=1258),
        ctx,
    )
    assert "2026年12月1日" in texts(out) and "1,258.00" in texts(out)
    (promise,) = rows(session, models.PromiseToPay)
    assert promise.amount == Decimal("1258.00") and str(promise.due_date) == "2026-12-01"


def test_promise_below_minimum_or_too_late_is_negotiated_not_recorded(ctx, session, verified_slots):
    slots = verified_slots()
    low = respond(make_turn("promise_to_pay", "", slots, date="2026-12-01", amount=500), ctx)
    assert low.replies[0].script_id == "promise.amount_too_low" and "1,258.00" in texts(low)
    late = respond(make_turn("promise_to_pay", "", slots, date="2027-02-01", amount=2000), ctx)
    assert late.replies[0].script_id == "promise.date_invalid"
    assert rows(session, models.PromiseToPay) == []


def test_promise_collects_the_missing_amount(ctx, session, verified_slots):
    slots = verified_slots()
    ask = respond(make_turn("promise_to_pay", "下周五还", slots, date="2026-12-11"), ctx)
    assert ask.replies[0].script_id == "promise.ask_amount"
    slots.update(ask.slots)
    done = respond(make_turn("offer_amount", "2000", slots, amount=2000), ctx)
    assert done.replies[0].script_id == "promise.recorded"
    assert "2026年12月11日" in texts(done)


def test_paying_in_full_means_the_total_due(ctx, session, verified_slots):
    out = respond(make_turn("promise_to_pay", "月底还清", verified_slots(), date="2026-11-30"), ctx)
    assert "12,580.00" in texts(out)
    assert rows(session, models.PromiseToPay)[0].amount == Decimal("12580.00")


def test_paid_claim_pauses_collection(ctx, session, verified_slots):
    slots = verified_slots()
    respond(make_turn("claim_paid", "我已经还了", slots), ctx)
    account = session.get(models.Account, slots["account_id"])
    assert account.status == "paused"
    assert len(rows(session, models.PaymentClaim)) == 1


def test_dispute_is_recorded_and_pauses_the_account(ctx, session, verified_slots):
    slots = verified_slots()
    respond(make_turn("dispute_debt", "这笔不是我刷的，卡号6217000011112222", slots), ctx)
    (dispute,) = rows(session, models.Dispute)
    assert "6217000011112222" not in dispute.reason
    assert session.get(models.Account, slots["account_id"]).status == "disputed"
    assert [h.reason for h in rows(session, models.Handoff)] == ["dispute"]


def test_wrong_person_discloses_nothing_and_marks_the_number(ctx, session):
    out = respond(make_turn("wrong_person", "打错了", {"mobile": "13800001111"}), ctx)
    assert out.end_form and "张伟" not in texts(out) and "12,580" not in texts(out)
    (pref,) = rows(session, models.ContactPreference)
    assert pref.wrong_number and pref.mobile == "13800001111"


def test_stop_contact_is_recorded_for_the_channel(ctx, session, verified_slots):
    respond(make_turn("stop_contact", "别再联系我", verified_slots()), ctx)
    (pref,) = rows(session, models.ContactPreference)
    assert pref.stop_contact and pref.channel == "chat"


def test_distress_gets_care_the_hotline_and_an_urgent_handoff(ctx, session, verified_slots):
    slots = verified_slots()
    out = respond(make_turn("express_distress", "不想活了", slots), ctx)
    said = texts(out)
    assert "12356" in said and "还款" in said and "12,580" not in said
    (handoff,) = rows(session, models.Handoff)
    assert handoff.reason == "distress" and handoff.urgency == "urgent"
    assert session.get(models.Account, slots["account_id"]).status == "paused"


def test_distress_before_verification_is_answered_too(ctx, session):
    out = respond(make_turn("express_distress", "活着没意思"), ctx)
    assert "12356" in texts(out)
    assert rows(session, models.Handoff)[0].urgency == "urgent"


def test_second_fallback_in_a_row_hands_off(ctx, session):
    first = respond(make_turn("nlu_fallback", "asdf"), ctx)
    assert first.replies[0].script_id == "fallback.rephrase"
    second = handlers.fallback(
        handlers.Turn(conversation_id="c", intent="nlu_fallback", recent_fallbacks=1), ctx
    )
    assert second.replies[0].script_id == "fallback.handoff"
    assert [h.reason for h in rows(session, models.Handoff)] == ["fallback"]


def test_payment_methods_name_official_channels_only(ctx):
    said = texts(respond(make_turn("ask_payment_methods"), ctx))
    assert "手机银行App" in said and "个人账户" in said


def test_fee_waiver_states_the_policy_and_offers_a_human(ctx, session, verified_slots):
    slots = verified_slots()
    out = respond(make_turn("request_fee_waiver", "滞纳金能免吗", slots), ctx)
    said = texts(out)
    assert "2026年12月7日" in said and "200.00" in said and "人工" in said
    slots.update(out.slots)
    respond(make_turn("affirm", "好", slots), ctx)
    assert [h.reason for h in rows(session, models.Handoff)] == ["fee_waiver"]


def test_say_answers_with_one_script_and_the_policy_values(ctx):
    out = handlers.say("opening.bot_identity")(make_turn("ask_bot_identity"), ctx)
    assert [r.script_id for r in out.replies] == ["opening.bot_identity"]
    assert out.replies[0].params["institution"] == ctx.policy.institution.name
    assert handlers.say("opening.bot_identity").__name__ == "say_opening_bot_identity"
