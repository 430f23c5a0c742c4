"""One handler per borrower intent: decide what to say and what to record.

Handlers are plain functions ``(turn, ctx) -> Outcome``. They never talk to Rasa; the actions in
``actions/`` build the :class:`Turn` and send the replies. Every debt fact comes from the ledger
(``ctx.store``), every number of a plan or deadline from the policy file (``ctx.policy``).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.dialogue.formatting import chinese_date, money
from bot.dialogue.messages import render_inline
from bot.dialogue.store import AccountView, Store
from bot.dialogue.turn import LOCKED, UNVERIFIED, VERIFICATION, VERIFIED, Outcome, Turn
from bot.policy.config import Policy
from bot.policy.plans import (
    PlanQuote,
    affordable_quote,
    all_quotes,
    hardship_quote,
    quote_installment,
)
from bot.policy.promises import PromiseReason, check_promise

logger = logging.getLogger(__name__)

FULL_PAYMENT = re.compile(r"还清|全部|全额|结清|一次性|所有的?钱|pay (it )?all|in full", re.I)


@dataclass(frozen=True)
class Context:
    """What a handler may use besides the turn."""

    store: Store
    policy: Policy


Handler = Callable[[Turn, Context], Outcome]


def requires_verification(handler: Handler) -> Handler:
    """Right-party rule: the handler runs only for a verified borrower.

    Unverified, the question is remembered and verification starts; locked, nothing is
    disclosed and the hotline or a human is offered.
    """

    @functools.wraps(handler)
    def guarded(turn: Turn, ctx: Context) -> Outcome:
        state = turn.slots.get(VERIFICATION, UNVERIFIED)
        if state == LOCKED:
            return refuse_locked(turn, ctx)
        if state != VERIFIED:
            return verify_first(turn, ctx)
        return handler(turn, ctx)

    guarded.requires_verification = True  # type: ignore[attr-defined]
    return guarded


def _account(turn: Turn, ctx: Context) -> AccountView:
    return ctx.store.account(int(turn.slots["account_id"]))


def _customer_id(turn: Turn) -> int | None:
    """The verified customer, or None: an unverified party is never tied to a customer."""
    value = turn.slots.get("customer_id")
    return int(value) if value is not None and turn.verified else None


def _account_id(turn: Turn) -> int | None:
    """The verified borrower's account, or None."""
    value = turn.slots.get("account_id")
    return int(value) if value is not None and turn.verified else None


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _plan_params(quote: PlanQuote) -> dict[str, str]:
    return {
        "tenor": str(quote.tenor),
        "monthly": money(quote.monthly_payment),
        "fees": money(quote.total_fees),
        "total": money(quote.total_repaid),
    }


# ------------------------------------------------------------------ verification


def verify_first(turn: Turn, ctx: Context) -> Outcome:
    """A debt question before verification: remember it and ask who we talk to."""
    out = Outcome()
    if turn.intent == "financial_hardship":
        out.say("hardship.empathy")
        out.slots["hardship_stated"] = True
    out.say("verification.verify_first")
    out.slots["pending_request"] = {
        "intent": turn.intent,
        "entities": dict(turn.entities),
        "text": turn.text,
    }
    return out


def check_identity(turn: Turn, ctx: Context, mobile: str, id_last4: str) -> Outcome:
    """Verify mobile + ID last four (called by the verification form's validation)."""
    result = ctx.store.verify(turn.conversation_id, mobile, id_last4, turn.now, turn.client)
    out = Outcome()
    if result.status == VERIFIED:
        # The identifiers have done their work: they do not stay in the tracker.
        out.slots.update(
            {
                VERIFICATION: VERIFIED,
                "customer_id": result.customer_id,
                "account_id": result.account_id,
                "mobile": None,
                "id_last4": None,
            }
        )
    elif result.status == LOCKED:
        out.slots[VERIFICATION] = LOCKED
    else:
        out.say("verification.mismatch")
        out.slots.update({"mobile": None, "id_last4": None, VERIFICATION: UNVERIFIED})
    return out


def after_verification(turn: Turn, ctx: Context) -> Outcome:
    """The verification form finished: confirm and answer the remembered question, or refuse."""
    if turn.slots.get(VERIFICATION) == LOCKED:
        return refuse_locked(turn, ctx)
    if not turn.verified:
        return Outcome().say("verification.ask_both")
    out = Outcome().say("verification.success")
    pending = turn.slots.get("pending_request") or {}
    out.slots["pending_request"] = None
    intent = pending.get("intent") if isinstance(pending, dict) else None
    if intent in DEBT_INTENTS:
        replay = Turn(
            conversation_id=turn.conversation_id,
            intent=intent,
            text=str(pending.get("text", "")),
            entities=dict(pending.get("entities") or {}),
            slots=turn.slots,
            channel=turn.channel,
            now=turn.now,
        )
        return out.extend(respond(replay, ctx))
    return out.say("verification.what_next")


def refuse_locked(turn: Turn, ctx: Context) -> Outcome:
    """After a lock the conversation discloses nothing and offers the hotline or a human."""
    return Outcome().say("verification.locked", hotline=ctx.policy.institution.hotline)


@requires_verification
def provide_identity(turn: Turn, ctx: Context) -> Outcome:
    """Identity given again after verification (or an amount answered with a bare number)."""
    pending = turn.slots.get("pending_offer") or {}
    if pending.get("kind") == "promise" and (turn.entity("amount") or turn.entity("date")):
        return promise_to_pay(turn, ctx)
    return Outcome().say("verification.already_verified")


# ------------------------------------------------------------------ account facts


@requires_verification
def ask_balance(turn: Turn, ctx: Context) -> Outcome:
    """State total due, minimum payment and days past due."""
    account = _account(turn, ctx)
    f = account.figures
    return Outcome().say(
        "balance.summary",
        card_last4=account.card_last4,
        total_due=money(f.total_due),
        minimum_payment=money(f.minimum_payment),
        days_past_due=f.days_past_due,
    )


@requires_verification
def ask_fees(turn: Turn, ctx: Context) -> Outcome:
    """Break the total due into principal, interest and late fees."""
    f = _account(turn, ctx).figures
    return Outcome().say(
        "fees.breakdown",
        total_due=money(f.total_due),
        principal=money(f.principal),
        interest=money(f.interest),
        late_fees=money(f.late_fees),
    )


@requires_verification
def ask_consequences(turn: Turn, ctx: Context) -> Outcome:
    """State the consequences truthfully, never as threats."""
    return Outcome().say("consequences.truthful")


def ask_payment_methods(turn: Turn, ctx: Context) -> Outcome:
    """Name the official repayment channels only."""
    channels = "、".join(c.label for c in ctx.policy.institution.payment_channels)
    return Outcome().say("payment_methods.official", channels=channels)


# ------------------------------------------------------------------ plans


@requires_verification
def request_installment(turn: Turn, ctx: Context) -> Outcome:
    """Quote the asked tenor, or list every standard plan; an amount means affordability."""
    tenor = turn.entity("installments")
    if tenor is None and _decimal(turn.entity("amount")):
        return offer_amount(turn, ctx)
    total = _account(turn, ctx).figures.total_due
    tenors = [rate.tenor for rate in ctx.policy.installments.rates]
    out = Outcome()
    if tenor is not None and int(tenor) in tenors:
        quote = quote_installment(total, int(tenor), ctx.policy)
        out.slots["pending_offer"] = {"kind": "installment", "tenor": quote.tenor}
        return out.say("plans.quote", **_plan_params(quote))
    if tenor is not None:
        out.say("plans.tenor_unavailable", tenor=tenor, tenors="、".join(map(str, tenors)))
    options = "；".join(
        render_inline("plans.option_line", _plan_params(quote))
        for quote in all_quotes(total, ctx.policy)
    )
    out.slots["pending_offer"] = {"kind": "choose_plan"}
    return out.say("plans.options", total_due=money(total), options=options)


@requires_verification
def offer_amount(turn: Turn, ctx: Context) -> Outcome:
    """The borrower names what they can pay a month: propose the shortest plan that fits."""
    pending = turn.slots.get("pending_offer") or {}
    if pending.get("kind") == "promise":
        return promise_to_pay(turn, ctx)
    offer = _decimal(turn.entity("amount"))
    if offer is None:
        return Outcome().say("plans.ask_offer")
    total = _account(turn, ctx).figures.total_due
    quote = affordable_quote(total, offer, ctx.policy)
    out = Outcome()
    if quote is not None:
        out.slots["pending_offer"] = {"kind": "installment", "tenor": quote.tenor}
        return out.say("plans.affordable", offer=money(offer), **_plan_params(quote))
    if turn.slots.get("hardship_stated"):
        return _hardship_offer(turn, ctx, offer)
    out.slots["pending_offer"] = {"kind": "hardship_check", "offer": str(offer)}
    return out.say("plans.none_fits", offer=money(offer), max_months=ctx.policy.hardship.max_months)


def _hardship_offer(turn: Turn, ctx: Context, offer: Decimal) -> Outcome:
    total = _account(turn, ctx).figures.total_due
    out = Outcome()
    out.slots["hardship_stated"] = True
    quote = affordable_quote(total, offer, ctx.policy)
    if quote is not None:  # a standard plan fits after all: it is the better deal
        out.slots["pending_offer"] = {"kind": "installment", "tenor": quote.tenor}
        return out.say("plans.affordable", offer=money(offer), **_plan_params(quote))
    quote = hardship_quote(total, offer, ctx.policy)
    max_months = ctx.policy.hardship.max_months
    if quote is None:
        out.slots["pending_offer"] = None
        _handoff(turn, ctx, "hardship")
        return out.say("hardship.too_low", offer=money(offer), max_months=max_months)
    out.slots["pending_offer"] = {"kind": "hardship", "months": quote.tenor, "offer": str(offer)}
    return out.say(
        "hardship.quote",
        offer=money(offer),
        months=quote.tenor,
        monthly=money(quote.monthly_payment),
    )


@requires_verification
def financial_hardship(turn: Turn, ctx: Context) -> Outcome:
    """Empathy first, then the hardship route (personalised plan, pending human approval)."""
    offer = _decimal(turn.entity("amount"))
    already_comforted = bool(turn.slots.get("hardship_stated"))
    out = Outcome() if already_comforted else Outcome().say("hardship.empathy")
    out.slots["hardship_stated"] = True
    if offer is not None:
        return out.extend(_hardship_offer(turn, ctx, offer))
    out.slots["pending_offer"] = {"kind": "hardship_offer"}
    return out.say("hardship.ask_offer", max_months=ctx.policy.hardship.max_months)


# ------------------------------------------------------------------ yes / no


def affirm(turn: Turn, ctx: Context) -> Outcome:
    """Yes to whatever the bot offered last."""
    pending = turn.slots.get("pending_offer") or {}
    kind = pending.get("kind")
    account_id = _account_id(turn)
    out = Outcome()
    out.slots["pending_offer"] = None
    if kind == "installment" and account_id is not None:
        total = ctx.store.account(account_id).figures.total_due
        quote = quote_installment(total, int(pending["tenor"]), ctx.policy)
        ctx.store.record_plan(turn.conversation_id, account_id, quote, "installment", "accepted")
        ctx.store.record_outcome(turn.conversation_id, "plan", account_id, f"{quote.tenor} periods")
        return out.say("plans.recorded", **_plan_params(quote))
    if kind == "hardship" and account_id is not None:
        total = ctx.store.account(account_id).figures.total_due
        quote = hardship_quote(total, Decimal(pending["offer"]), ctx.policy)
        if quote is not None:
            ctx.store.record_plan(
                turn.conversation_id, account_id, quote, "hardship", "pending_approval"
            )
            _handoff(turn, ctx, "hardship", outcome=False)
            ctx.store.record_outcome(
                turn.conversation_id, "plan", account_id, f"hardship {quote.tenor} months, pending"
            )
            return out.say(
                "hardship.submitted", months=quote.tenor, monthly=money(quote.monthly_payment)
            )
    if kind == "hardship_check":
        stated = Turn(**{**turn.__dict__, "slots": {**turn.slots, "hardship_stated": False}})
        out.say("hardship.empathy")
        return out.extend(_hardship_offer(stated, ctx, Decimal(pending["offer"])))
    if kind == "waiver_handoff":
        return out.extend(request_human(turn, ctx, reason="fee_waiver"))
    if kind in ("choose_plan", "hardship_offer"):
        return out.say("plans.ask_offer")
    return out.say("closing.anything_else")


def deny(turn: Turn, ctx: Context) -> Outcome:
    """No to the last offer: ask what would work instead."""
    pending = turn.slots.get("pending_offer") or {}
    out = Outcome()
    out.slots["pending_offer"] = None
    if pending.get("kind") in ("installment", "choose_plan", "hardship_check"):
        return out.say("plans.ask_offer")
    return out.say("closing.anything_else")


# ------------------------------------------------------------------ promises and claims


@requires_verification
def promise_to_pay(turn: Turn, ctx: Context) -> Outcome:
    """Collect a date and an amount, validate them against the policy, record the promise."""
    pending = turn.slots.get("pending_offer") or {}
    partial = pending if pending.get("kind") == "promise" else {}
    account = _account(turn, ctx)
    figures = account.figures
    amount = _decimal(turn.entity("amount")) or _decimal(partial.get("amount"))
    if FULL_PAYMENT.search(turn.text or ""):
        amount = figures.total_due
    due = _date(turn.entity("date")) or _date(partial.get("date"))
    decision = check_promise(amount, due, turn.today, figures, ctx.policy)
    out = Outcome()
    keep = {"kind": "promise", "amount": str(amount) if amount else None}
    if decision.accepted and amount is not None and due is not None:
        ctx.store.record_promise(turn.conversation_id, account.account_id, amount, due)
        ctx.store.record_outcome(turn.conversation_id, "promise", account.account_id, str(due))
        out.slots["pending_offer"] = None
        return out.say("promise.recorded", date=chinese_date(due), amount=money(amount))
    reason = decision.reason
    latest = chinese_date(decision.latest_date)
    if reason is PromiseReason.DATE_MISSING:
        out.slots["pending_offer"] = keep
        return out.say("promise.ask_date", max_date=latest)
    if reason is PromiseReason.AMOUNT_MISSING:
        out.slots["pending_offer"] = {"kind": "promise", "date": due.isoformat() if due else None}
        return out.say(
            "promise.ask_amount",
            minimum_payment=money(decision.minimum_amount),
            total_due=money(figures.total_due),
        )
    if reason in (PromiseReason.DATE_IN_PAST, PromiseReason.DATE_TOO_FAR):
        out.slots["pending_offer"] = keep
        return out.say("promise.date_invalid", max_date=latest)
    if reason is PromiseReason.AMOUNT_ABOVE_TOTAL_DUE and due is not None:
        ctx.store.record_promise(turn.conversation_id, account.account_id, figures.total_due, due)
        ctx.store.record_outcome(turn.conversation_id, "promise", account.account_id, str(due))
        out.slots["pending_offer"] = None
        return out.say("promise.recorded", date=chinese_date(due), amount=money(figures.total_due))
    out.slots["pending_offer"] = None
    return out.say("promise.amount_too_low", minimum_payment=money(decision.minimum_amount))


@requires_verification
def claim_paid(turn: Turn, ctx: Context) -> Outcome:
    """Record an "I already paid" claim for checking and pause collection meanwhile."""
    account_id = int(turn.slots["account_id"])
    ctx.store.record_paid_claim(turn.conversation_id, account_id)
    ctx.store.set_account_status(account_id, "paused")
    ctx.store.record_outcome(turn.conversation_id, "paid_claim", account_id)
    return Outcome().say("promise.paid_claim")


@requires_verification
def request_fee_waiver(turn: Turn, ctx: Context) -> Outcome:
    """State the waiver policy; anything beyond it goes to a human."""
    f = _account(turn, ctx).figures
    deadline = turn.today + dt.timedelta(days=ctx.policy.late_fee_waiver.pay_in_full_within_days)
    out = Outcome()
    out.slots["pending_offer"] = {"kind": "waiver_handoff"}
    return out.say(
        "waiver.policy",
        deadline=chinese_date(deadline),
        total_due=money(f.total_due),
        late_fees=money(f.late_fees),
    )


@requires_verification
def dispute_debt(turn: Turn, ctx: Context) -> Outcome:
    """Record the dispute, pause the account, ask a human to follow up."""
    account_id = int(turn.slots["account_id"])
    ctx.store.record_dispute(turn.conversation_id, account_id, (turn.text or "")[:500])
    ctx.store.set_account_status(account_id, "disputed")
    _handoff(turn, ctx, "dispute", outcome=False)
    ctx.store.record_outcome(turn.conversation_id, "dispute", account_id)
    return Outcome().say("dispute.recorded")


# ------------------------------------------------------------------ contact and safety


def wrong_person(turn: Turn, ctx: Context) -> Outcome:
    """Apologise, disclose nothing, mark the number."""
    ctx.store.record_contact_preference(
        turn.conversation_id,
        _customer_id(turn),
        turn.slots.get("mobile"),
        turn.channel,
        wrong_number=True,
    )
    ctx.store.record_outcome(turn.conversation_id, "wrong_person", None)
    out = Outcome(end_form=True).say("wrong_person.apology")
    out.slots.update({"pending_request": None, "pending_offer": None})
    return out


def stop_contact(turn: Turn, ctx: Context) -> Outcome:
    """Acknowledge and record a stop-contact request for this channel."""
    ctx.store.record_contact_preference(
        turn.conversation_id,
        _customer_id(turn),
        turn.slots.get("mobile"),
        turn.channel,
        stop_contact=True,
    )
    ctx.store.record_outcome(turn.conversation_id, "stop_contact", _account_id(turn))
    out = Outcome(end_form=True).say("stop_contact.ack", hotline=ctx.policy.institution.hotline)
    out.slots["pending_request"] = None
    return out


def _handoff(
    turn: Turn, ctx: Context, reason: str, urgency: str = "normal", *, outcome: bool = True
) -> None:
    customer_id = _customer_id(turn)
    account_id = _account_id(turn)
    ctx.store.record_handoff(turn.conversation_id, customer_id, account_id, reason, urgency)
    if outcome:
        ctx.store.record_outcome(turn.conversation_id, "handoff", account_id, reason)


def request_human(turn: Turn, ctx: Context, reason: str = "request") -> Outcome:
    """Hand the conversation to a human."""
    _handoff(turn, ctx, reason)
    out = Outcome(end_form=True).say("handoff.to_human")
    out.slots["pending_request"] = None
    return out


def complain(turn: Turn, ctx: Context) -> Outcome:
    """A calm reply and the complaint channel; a human follows up."""
    _handoff(turn, ctx, "complaint")
    return Outcome().say("complaint.calm", hotline=ctx.policy.institution.hotline)


def express_distress(turn: Turn, ctx: Context) -> Outcome:
    """Care, the national psychological assistance hotline, collection stops, urgent hand-off."""
    account_id = _account_id(turn)
    if account_id is not None:
        ctx.store.set_account_status(account_id, "paused")
    _handoff(turn, ctx, "distress", "urgent", outcome=False)
    ctx.store.record_outcome(turn.conversation_id, "distress", account_id)
    out = Outcome(end_form=True).say("safety.distress")
    out.slots.update({"pending_request": None, "pending_offer": None})
    return out


# ------------------------------------------------------------------ small talk and fallback


def greet(turn: Turn, ctx: Context) -> Outcome:
    """Greeting after verification; before it the verification form asks its question."""
    return Outcome().say("opening.greet_verified") if turn.verified else Outcome()


def ask_bot_identity(turn: Turn, ctx: Context) -> Outcome:
    """Say plainly that this is an automated assistant of the institution, recorded."""
    return Outcome().say("opening.bot_identity", institution=ctx.policy.institution.name)


def goodbye(turn: Turn, ctx: Context) -> Outcome:
    """Close politely."""
    return Outcome(end_form=True).say("closing.goodbye")


def fallback(turn: Turn, ctx: Context) -> Outcome:
    """Two-step fallback: ask to rephrase once, then hand off to a human."""
    if turn.recent_fallbacks >= 1:
        _handoff(turn, ctx, "fallback")
        return Outcome(end_form=True).say("fallback.handoff")
    return Outcome().say("fallback.rephrase")


def opening(turn: Turn, ctx: Context) -> Outcome:
    """First message of a session: who we are, automated, recorded.

    A new session verifies again: the server forgets this conversation's verification.
    """
    ctx.store.forget_verification(turn.conversation_id)
    return Outcome().say("opening.disclosure", institution=ctx.policy.institution.name)


HANDLERS: dict[str, Handler] = {
    "greet": greet,
    "goodbye": goodbye,
    "affirm": affirm,
    "deny": deny,
    "ask_bot_identity": ask_bot_identity,
    "provide_identity": provide_identity,
    "ask_balance": ask_balance,
    "ask_fees": ask_fees,
    "ask_consequences": ask_consequences,
    "ask_payment_methods": ask_payment_methods,
    "request_installment": request_installment,
    "offer_amount": offer_amount,
    "promise_to_pay": promise_to_pay,
    "claim_paid": claim_paid,
    "financial_hardship": financial_hardship,
    "request_fee_waiver": request_fee_waiver,
    "dispute_debt": dispute_debt,
    "wrong_person": wrong_person,
    "stop_contact": stop_contact,
    "request_human": request_human,
    "complain": complain,
    "express_distress": express_distress,
    "out_of_scope": fallback,
    "nlu_fallback": fallback,
}


# Questions about the debt, answered only after verification: derived from the handlers, so the
# right-party rule is written once (the @requires_verification decorator).
DEBT_INTENTS = frozenset(
    intent
    for intent, handler in HANDLERS.items()
    if getattr(handler, "requires_verification", False) and intent != "provide_identity"
)


def respond(turn: Turn, ctx: Context) -> Outcome:
    """Answer a turn with the handler of its intent (unknown intents fall back)."""
    return HANDLERS.get(turn.intent, fallback)(turn, ctx)
