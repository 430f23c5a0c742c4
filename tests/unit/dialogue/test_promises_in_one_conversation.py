"""Promises and plans as a borrower really states them (issue 12).

Corrections change the promise instead of adding one, several dates with their amounts are a
split promise, and a repeated promise or plan is stored once, so the dashboard counts what the
borrower committed to, not how often they said it.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.db import models
from bot.dialogue.handlers import affirm, offer_amount, promise_to_pay, respond
from bot.dialogue.messages import compose

from .conftest import make_turn

TODAY = make_turn("greet").today


def texts(outcome) -> str:
    return "\n".join(m.text for m in compose(outcome.replies, seed="t").messages)


def promises(session) -> list[tuple[Decimal, dt.date]]:
    rows = session.execute(select(models.PromiseToPay).order_by(models.PromiseToPay.id)).scalars()
    return [(Decimal(p.amount), p.due_date) for p in rows]


def day(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def test_a_repeated_promise_is_stored_once(ctx, session, verified_slots):
    slots = verified_slots()
    for _ in range(2):
        turn = make_turn("promise_to_pay", "周五还2000", slots=slots, amount=2000, date=day(4))
        out = promise_to_pay(turn, ctx)
        assert out.replies[-1].script_id == "promise.recorded"
    assert promises(session) == [(Decimal("2000.00"), TODAY + dt.timedelta(days=4))]


def test_a_corrected_amount_changes_the_promise_instead_of_adding_one(ctx, session, verified_slots):
    slots = verified_slots()
    promise_to_pay(make_turn("promise_to_pay", "周五还2000", slots, amount=2000, date=day(4)), ctx)
    out = respond(make_turn("offer_amount", "不对，改成3000", slots, amount=3000), ctx)
    assert out.replies[-1].script_id == "promise.updated"
    assert "3,000.00" in texts(out)
    assert promises(session) == [(Decimal("3000.00"), TODAY + dt.timedelta(days=4))]


def test_a_corrected_date_takes_the_date_said_last(ctx, session, verified_slots):
    slots = verified_slots("13900002222")
    promise_to_pay(make_turn("promise_to_pay", "15号还1000", slots, amount=1000, date=day(15)), ctx)
    turn = make_turn("promise_to_pay", "15号来不及，改到下周一吧", slots, date=day(15))
    turn = type(turn)(**{**turn.__dict__, "entity_lists": {"date": (day(15), day(7))}})
    out = promise_to_pay(turn, ctx)
    assert out.replies[-1].script_id == "promise.updated"
    assert promises(session) == [(Decimal("1000.00"), TODAY + dt.timedelta(days=7))]


def _split_turn(slots, amounts, dates):
    turn = make_turn("promise_to_pay", "下周一还500，周五再还800", slots)
    lists = {"amount": tuple(amounts), "date": tuple(dates)}
    return type(turn)(**{**turn.__dict__, "entity_lists": lists})


def test_several_dates_with_their_amounts_are_a_split_promise(ctx, session, verified_slots):
    slots = verified_slots("13900002222")  # minimum payment 326.05
    out = promise_to_pay(_split_turn(slots, [500, 800], [day(7), day(4)]), ctx)
    assert out.replies[-1].script_id == "promise.recorded_split"
    said = texts(out)
    assert "500.00" in said and "800.00" in said and "1,300.00" in said
    assert promises(session) == [
        (Decimal("800.00"), TODAY + dt.timedelta(days=4)),
        (Decimal("500.00"), TODAY + dt.timedelta(days=7)),
    ]


def test_a_split_promise_is_checked_like_one(ctx, session, verified_slots):
    slots = verified_slots()  # minimum payment 1,258.00
    too_low = promise_to_pay(_split_turn(slots, [100, 200], [day(3), day(5)]), ctx)
    assert too_low.replies[-1].script_id == "promise.amount_too_low"
    too_late = promise_to_pay(_split_turn(slots, [1000, 1000], [day(3), day(90)]), ctx)
    assert too_late.replies[-1].script_id == "promise.date_invalid"
    unpaired = promise_to_pay(_split_turn(slots, [1500], [day(3), day(5)]), ctx)
    assert unpaired.replies[-1].script_id == "promise.ask_which"
    assert promises(session) == []


def test_of_several_amounts_the_offer_is_the_smallest(ctx, verified_slots):
    turn = make_turn(
        "offer_amount", "其实3000也很勉强…现在每个月最多拿得出1000", verified_slots(), amount=3000
    )
    turn = type(turn)(**{**turn.__dict__, "entity_lists": {"amount": (3000, 1000)}})
    out = offer_amount(turn, ctx)
    assert "1,000.00" in texts(out) and "3,000.00" not in texts(out)


def test_saying_yes_twice_to_a_plan_records_it_once(ctx, session, verified_slots):
    slots = {**verified_slots(), "pending_offer": {"kind": "installment", "tenor": 12}}
    affirm(make_turn("affirm", "好的", slots), ctx)
    affirm(make_turn("affirm", "好的", slots), ctx)
    plans = session.execute(select(models.RepaymentPlan)).scalars().all()
    assert [(p.tenor, str(p.status.value)) for p in plans] == [(12, "accepted")]


def test_naming_the_quoted_plan_with_a_confirmation_records_it(ctx, session, verified_slots):
    slots = {**verified_slots(), "pending_offer": {"kind": "installment", "tenor": 12}}
    out = respond(
        make_turn("request_installment", "好吧，那就12期，确认办理", slots, installments=12), ctx
    )
    assert out.replies[-1].script_id == "plans.recorded"
    plans = session.execute(select(models.RepaymentPlan)).scalars().all()
    assert [p.tenor for p in plans] == [12]
    # Without a confirmation, naming a tenor quotes it (and records nothing).
    again = respond(make_turn("request_installment", "那6期呢", slots, installments=6), ctx)
    assert again.replies[-1].script_id == "plans.quote"


@pytest.mark.parametrize("text", ["行，就12期吧", "好，就十二期", "可以 就12期"])
def test_a_plain_yes_naming_the_quoted_tenor_records_it(ctx, session, verified_slots, text):
    slots = {**verified_slots(), "pending_offer": {"kind": "installment", "tenor": 12}}
    out = respond(make_turn("request_installment", text, slots, installments=12), ctx)
    assert out.replies[-1].script_id == "plans.recorded"


def test_the_minimum_named_in_words_is_the_minimum_payment(ctx, session, verified_slots):
    slots = {**verified_slots(), "pending_offer": {"kind": "promise", "date": "2026-12-10"}}
    out = respond(make_turn("promise_to_pay", "先还最低的", slots), ctx)
    assert out.replies[-1].script_id == "promise.recorded"
    (promise,) = session.execute(select(models.PromiseToPay)).scalars().all()
    assert str(promise.amount) == "1258.00"


def test_a_short_answer_the_nlu_did_not_understand_completes_the_pending_promise(
    ctx, session, verified_slots
):
    slots = {**verified_slots(), "pending_offer": {"kind": "promise", "date": "2026-12-10"}}
    out = respond(make_turn("nlu_fallback", "先还最低的", slots), ctx)
    assert out.replies[-1].script_id == "promise.recorded"
    # Without a promise under way it is not understood, as before.
    plain = respond(make_turn("nlu_fallback", "先还最低的", verified_slots()), ctx)
    assert plain.replies[-1].script_id == "fallback.rephrase"
