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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from bot.dialogue.formatting import chinese_date, money
from bot.dialogue.messages import library
from bot.dialogue.questions import ANSWERS as FEAR_ANSWERS
from bot.dialogue.questions import fears
from bot.dialogue.store import AccountView, Store
from bot.dialogue.turn import (
    IDENTITY_RETRY,
    IN_DISTRESS,
    LOCKED,
    PENDING_OFFER,
    REQUEST_ENTITY,
    UNVERIFIED,
    VERIFICATION,
    VERIFIED,
    OfferKind,
    Outcome,
    PendingOffer,
    Turn,
    make_offer,
    pending_offer,
)
from bot.dialogue.values import (
    channels,
    ledger_values,
    plan_options,
    plan_values,
    policy_values,
    promise_parts,
)
from bot.dialogue.values import tenors as policy_tenors
from bot.intent_names import FINANCIAL_HARDSHIP
from bot.policy.config import Policy
from bot.policy.plans import (
    affordable_quote,
    hardship_quote,
    quote_installment,
)
from bot.policy.promises import PromiseReason, check_promise
from bot.policy.waivers import check_fee_waiver

logger = logging.getLogger(__name__)

FULL_PAYMENT = re.compile(r"还清|全部|全额|结清|一次性|所有的?钱|pay (it )?all|in full", re.I)
# The minimum payment named without its figure ("先还最低的", "还最低还款额").
MINIMUM_PAYMENT = re.compile(r"最低(?:的|还款额?|那个|额度)?|(?:the )?minimum", re.I)
# The borrower accepts in the same breath as naming the plan ("那就12期，确认办理").
CONFIRMATION = re.compile(
    r"确认|确定|办理吧|就办|就这个|就它了|就这样|没问题|confirm|"
    r"^\s*(?:行|好的?|可以|嗯|成|中|ok)(?:[，,。!！\s]|$)|"
    r"(?:那)?就\s*(?:\d+|[一二三四五六七八九十两]+)\s*期",
    re.I,
)
# The borrower corrects what they said before ("不对，改成3000", "15号来不及，改到下周一").
CORRECTION = re.compile(
    r"不对|错了|说错|搞错|改成|改为|改到|改在|换成|更正|其实是|应该是|actually|change it", re.I
)


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


def _pending(turn: Turn) -> PendingOffer:
    """What the bot offered last (``{}`` when nothing is pending)."""
    return pending_offer(turn.slots) or cast(PendingOffer, {})


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


def _corrects_promise(turn: Turn, ctx: Context) -> bool:
    """A correction with a new amount or date, after this conversation recorded a promise.

    "不对，改成3000" may be read as an amount offer, a bare identifier or a "no"; whatever the
    intent, it corrects the promise just made.
    """
    account_id = _account_id(turn)
    if account_id is None or not CORRECTION.search(turn.text or ""):
        return False
    if turn.entity("amount") is None and turn.entity("date") is None:
        return False
    return ctx.store.latest_promise(turn.conversation_id, account_id) is not None


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


def say(script_id: str) -> Handler:
    """A handler that answers with one approved script, its placeholders filled from the policy.

    For an intent whose reply needs no logic (``docs/adding-an-intent.md``); wrap it in
    :func:`requires_verification` when the answer is for a verified borrower only.
    """

    def handler(turn: Turn, ctx: Context) -> Outcome:
        return Outcome().say(script_id, **policy_values(ctx.policy, turn.today))

    handler.__name__ = handler.__qualname__ = f"say_{script_id.replace('.', '_')}"
    handler.__doc__ = f"Answer with the approved script ``{script_id}``."
    return handler


# ------------------------------------------------------------------ verification


def verify_first(turn: Turn, ctx: Context) -> Outcome:
    """A debt question before verification: remember it and ask who we talk to.

    Where the question has a general answer (how fees, plans or waivers work), that is given
    first, in full: it holds for everyone and needs no verification. The account's own figures
    follow once verified.
    """
    from bot.dialogue.intents import BY_NAME  # the registry imports this module

    out = Outcome()
    intent = BY_NAME.get(turn.intent or "")
    if intent is not None and intent.general_script:
        out.say(intent.general_script, **policy_values(ctx.policy, turn.today))
    if turn.intent == FINANCIAL_HARDSHIP:
        out.say("hardship.empathy")
        out.slots["hardship_stated"] = True
    out.say("verification.verify_first")
    out.slots["pending_request"] = {
        "intent": turn.intent,
        "entities": dict(turn.entities),
        "text": turn.text,
    }
    return out


# Entities of an identity message that belong to the identity, not to the request in it.
IDENTITY_ENTITIES = frozenset({"phone", "id_last4", REQUEST_ENTITY})


def request_with_identity(turn: Turn) -> dict[str, Any] | None:
    """The request in a message that also gives identity ("13800001111 1234 想分6期"), or None.

    The NLU names it in the ``request`` entity (the intent of the message without its
    identifiers); it is remembered like a debt question before verification and answered right
    after it, with the message's other entities (a tenor, an amount, a date).
    """
    from bot.dialogue.intents import ANSWERED_AFTER_VERIFICATION  # the registry imports us

    intent = turn.entity(REQUEST_ENTITY)
    if intent not in ANSWERED_AFTER_VERIFICATION:
        return None
    entities = {k: v for k, v in turn.entities.items() if k not in IDENTITY_ENTITIES}
    return {"intent": intent, "entities": entities, "text": turn.text}


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
                IDENTITY_RETRY: False,
            }
        )
    elif result.status == LOCKED:
        out.slots.update({VERIFICATION: LOCKED, "mobile": None, "id_last4": None})
    else:
        # The mobile number stays: the borrower corrects the ID last four, or gives another
        # number. The reply does not say which of the two was wrong.
        out.say("verification.mismatch")
        out.slots.update({"id_last4": None, VERIFICATION: UNVERIFIED, IDENTITY_RETRY: True})
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
    from bot.dialogue.intents import ANSWERED_AFTER_VERIFICATION  # the registry imports us

    if intent in ANSWERED_AFTER_VERIFICATION:
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
    pending = _pending(turn)
    if pending.get("kind") == OfferKind.PROMISE and (turn.entity("amount") or turn.entity("date")):
        return promise_to_pay(turn, ctx)
    if _corrects_promise(turn, ctx):
        return promise_to_pay(turn, ctx)
    return Outcome().say("verification.already_verified")


# ------------------------------------------------------------------ account facts


@requires_verification
def ask_balance(turn: Turn, ctx: Context) -> Outcome:
    """State total due, minimum payment and days past due."""
    return Outcome().say("balance.summary", **ledger_values(_account(turn, ctx)))


@requires_verification
def ask_fees(turn: Turn, ctx: Context) -> Outcome:
    """Break the total due into principal, interest and late fees."""
    return Outcome().say("fees.breakdown", **ledger_values(_account(turn, ctx)))


def ask_consequences(turn: Turn, ctx: Context) -> Outcome:
    """State the consequences truthfully, never as threats: general facts, to anyone.

    A question about arrest or about telling others gets the truthful "不会" first.
    """
    out = Outcome()
    for fear in fears(turn.text):
        out.say(FEAR_ANSWERS[fear])
    return out.say("consequences.truthful")


def ask_payment_methods(turn: Turn, ctx: Context) -> Outcome:
    """Name the official repayment channels only."""
    return Outcome().say("payment_methods.official", channels=channels(ctx.policy))


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
    pending = _pending(turn)
    quoted = pending.get("kind") == OfferKind.INSTALLMENT and str(pending.get("tenor")) == str(
        tenor
    )
    if tenor is not None and quoted and CONFIRMATION.search(turn.text or ""):
        return affirm(turn, ctx)  # the plan just quoted, accepted: record it
    if tenor is not None and int(tenor) in tenors:
        quote = quote_installment(total, int(tenor), ctx.policy)
        out.slots[PENDING_OFFER] = make_offer(OfferKind.INSTALLMENT, tenor=quote.tenor)
        return out.say("plans.quote", **plan_values(quote))
    if tenor is not None:
        out.say("plans.tenor_unavailable", tenor=tenor, tenors=policy_tenors(ctx.policy))
    options = plan_options(total, ctx.policy, library())
    out.slots[PENDING_OFFER] = make_offer(OfferKind.CHOOSE_PLAN)
    return out.say("plans.options", total_due=money(total), options=options)


@requires_verification
def offer_amount(turn: Turn, ctx: Context) -> Outcome:
    """The borrower names what they can pay a month: propose the shortest plan that fits."""
    pending = _pending(turn)
    if pending.get("kind") == OfferKind.PROMISE or _corrects_promise(turn, ctx):
        return promise_to_pay(turn, ctx)
    # Of several amounts, the smallest is what they can afford ("其实3000也很勉强…最多1000").
    offers = [a for a in map(_decimal, turn.values("amount")) if a is not None]
    offer = min(offers) if offers else None
    if offer is None:
        return Outcome().say("plans.ask_offer")
    total = _account(turn, ctx).figures.total_due
    quote = affordable_quote(total, offer, ctx.policy)
    out = Outcome()
    if quote is not None:
        out.slots[PENDING_OFFER] = make_offer(OfferKind.INSTALLMENT, tenor=quote.tenor)
        return out.say("plans.affordable", offer=money(offer), **plan_values(quote))
    if turn.slots.get("hardship_stated"):
        return _hardship_offer(turn, ctx, offer)
    out.slots[PENDING_OFFER] = make_offer(OfferKind.HARDSHIP_CHECK, offer=str(offer))
    return out.say("plans.none_fits", offer=money(offer), max_months=ctx.policy.hardship.max_months)


def _hardship_offer(turn: Turn, ctx: Context, offer: Decimal) -> Outcome:
    total = _account(turn, ctx).figures.total_due
    out = Outcome()
    out.slots["hardship_stated"] = True
    quote = affordable_quote(total, offer, ctx.policy)
    if quote is not None:  # a standard plan fits after all: it is the better deal
        out.slots[PENDING_OFFER] = make_offer(OfferKind.INSTALLMENT, tenor=quote.tenor)
        return out.say("plans.affordable", offer=money(offer), **plan_values(quote))
    quote = hardship_quote(total, offer, ctx.policy)
    max_months = ctx.policy.hardship.max_months
    if quote is None:
        out.slots[PENDING_OFFER] = None
        _handoff(turn, ctx, "hardship")
        return out.say("hardship.too_low", offer=money(offer), max_months=max_months)
    out.slots[PENDING_OFFER] = make_offer(OfferKind.HARDSHIP, months=quote.tenor, offer=str(offer))
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
    out.slots[PENDING_OFFER] = make_offer(OfferKind.HARDSHIP_OFFER)
    return out.say("hardship.ask_offer", max_months=ctx.policy.hardship.max_months)


# ------------------------------------------------------------------ yes / no


def affirm(turn: Turn, ctx: Context) -> Outcome:
    """Yes to whatever the bot offered last."""
    pending = _pending(turn)
    kind = pending.get("kind")
    account_id = _account_id(turn)
    out = Outcome()
    out.slots[PENDING_OFFER] = None
    if kind == OfferKind.INSTALLMENT and account_id is not None:
        total = ctx.store.account(account_id).figures.total_due
        quote = quote_installment(total, int(pending["tenor"]), ctx.policy)
        ctx.store.record_plan(turn.conversation_id, account_id, quote, "installment", "accepted")
        ctx.store.record_outcome(turn.conversation_id, "plan", account_id, f"{quote.tenor} periods")
        return out.say("plans.recorded", **plan_values(quote))
    if kind == OfferKind.HARDSHIP and account_id is not None:
        total = ctx.store.account(account_id).figures.total_due
        hardship = hardship_quote(total, Decimal(pending["offer"]), ctx.policy)
        if hardship is not None:
            ctx.store.record_plan(
                turn.conversation_id, account_id, hardship, "hardship", "pending_approval"
            )
            _handoff(turn, ctx, "hardship", outcome=False)
            detail = f"hardship {hardship.tenor} months, pending"
            ctx.store.record_outcome(turn.conversation_id, "plan", account_id, detail)
            return out.say(
                "hardship.submitted", months=hardship.tenor, monthly=money(hardship.monthly_payment)
            )
    if kind == OfferKind.HARDSHIP_CHECK:
        stated = Turn(**{**turn.__dict__, "slots": {**turn.slots, "hardship_stated": False}})
        out.say("hardship.empathy")
        return out.extend(_hardship_offer(stated, ctx, Decimal(pending["offer"])))
    if kind == OfferKind.WAIVER_HANDOFF:
        return out.extend(request_human(turn, ctx, reason="fee_waiver"))
    if kind in (OfferKind.CHOOSE_PLAN, OfferKind.HARDSHIP_OFFER):
        return out.say("plans.ask_offer")
    return out.say("closing.anything_else")


def deny(turn: Turn, ctx: Context) -> Outcome:
    """No to the last offer: ask what would work instead (or a correction of the promise)."""
    if turn.verified and _corrects_promise(turn, ctx):
        return promise_to_pay(turn, ctx)
    pending = _pending(turn)
    out = Outcome()
    out.slots[PENDING_OFFER] = None
    if pending.get("kind") in (
        OfferKind.INSTALLMENT,
        OfferKind.CHOOSE_PLAN,
        OfferKind.HARDSHIP_CHECK,
    ):
        return out.say("plans.ask_offer")
    return out.say("closing.anything_else")


# ------------------------------------------------------------------ promises and claims


@requires_verification
def promise_to_pay(turn: Turn, ctx: Context) -> Outcome:
    """Collect a date and an amount, validate them against the policy, record the promise.

    A correction ("不对，改成3000") changes the conversation's latest promise instead of adding
    one; several dates with as many amounts ("下周一还500，周五再还800") are a split promise.
    """
    pending = _pending(turn)
    partial: Mapping[str, Any] = pending if pending.get("kind") == OfferKind.PROMISE else {}
    account = _account(turn, ctx)
    figures = account.figures
    amounts = [a for a in map(_decimal, turn.values("amount")) if a is not None]
    dates = [d for d in map(_date, turn.values("date")) if d is not None]
    previous = (
        ctx.store.latest_promise(turn.conversation_id, account.account_id)
        if CORRECTION.search(turn.text or "")
        else None
    )
    if previous is None and len(dates) > 1:
        return _split_promise(turn, ctx, account, amounts, dates)
    amount: Decimal | None
    due: dt.date | None
    if previous is not None:  # the new value is the one said last
        amount = amounts[-1] if amounts else previous.amount
        due = dates[-1] if dates else previous.due
    else:
        amount = (amounts[0] if amounts else None) or _decimal(partial.get("amount"))
        due = (dates[0] if dates else None) or _date(partial.get("date"))
    if FULL_PAYMENT.search(turn.text or ""):
        amount = figures.total_due
    elif amount is None and MINIMUM_PAYMENT.search(turn.text or ""):
        amount = figures.minimum_payment
    decision = check_promise(amount, due, turn.today, figures, ctx.policy)
    out = Outcome()
    keep = make_offer(OfferKind.PROMISE, amount=str(amount) if amount else None)
    if decision.accepted and amount is not None and due is not None:
        ctx.store.record_promise(
            turn.conversation_id, account.account_id, amount, due, amend_latest=bool(previous)
        )
        ctx.store.record_outcome(turn.conversation_id, "promise", account.account_id, str(due))
        out.slots[PENDING_OFFER] = None
        script = "promise.updated" if previous else "promise.recorded"
        return out.say(script, date=chinese_date(due), amount=money(amount))
    reason = decision.reason
    latest = chinese_date(decision.latest_date)
    if reason is PromiseReason.DATE_MISSING:
        out.slots[PENDING_OFFER] = keep
        return out.say("promise.ask_date", max_date=latest)
    if reason is PromiseReason.AMOUNT_MISSING:
        out.slots[PENDING_OFFER] = make_offer(
            OfferKind.PROMISE, date=due.isoformat() if due else None
        )
        return out.say(
            "promise.ask_amount",
            minimum_payment=money(decision.minimum_amount),
            total_due=money(figures.total_due),
        )
    if reason in (PromiseReason.DATE_IN_PAST, PromiseReason.DATE_TOO_FAR):
        out.slots[PENDING_OFFER] = keep
        return out.say("promise.date_invalid", max_date=latest)
    if reason is PromiseReason.AMOUNT_ABOVE_TOTAL_DUE and due is not None:
        ctx.store.record_promise(turn.conversation_id, account.account_id, figures.total_due, due)
        ctx.store.record_outcome(turn.conversation_id, "promise", account.account_id, str(due))
        out.slots[PENDING_OFFER] = None
        return out.say("promise.recorded", date=chinese_date(due), amount=money(figures.total_due))
    out.slots[PENDING_OFFER] = None
    return out.say("promise.amount_too_low", minimum_payment=money(decision.minimum_amount))


def _split_promise(
    turn: Turn, ctx: Context, account: AccountView, amounts: list[Decimal], dates: list[dt.date]
) -> Outcome:
    """Several dates: one amount for each is a split promise; anything else is asked again.

    Each part's date must be in the policy window, and the parts together must reach the
    promise minimum (and not exceed the total due), as for a single promise.
    """
    figures = account.figures
    total = sum(amounts, Decimal(0))
    decisions = [check_promise(total, due, turn.today, figures, ctx.policy) for due in dates]
    latest = chinese_date(decisions[0].latest_date)
    out = Outcome()
    if len(amounts) != len(dates):
        out.slots[PENDING_OFFER] = make_offer(OfferKind.PROMISE)
        return out.say("promise.ask_which", max_date=latest)
    if not all(decision.accepted for decision in decisions):
        reasons = {reason for decision in decisions for reason in decision.reasons}
        if reasons & {PromiseReason.DATE_IN_PAST, PromiseReason.DATE_TOO_FAR}:
            out.slots[PENDING_OFFER] = make_offer(OfferKind.PROMISE)
            return out.say("promise.date_invalid", max_date=latest)
        return out.say("promise.amount_too_low", minimum_payment=money(decisions[0].minimum_amount))
    parts = sorted(zip(dates, amounts, strict=True))
    for due, amount in parts:
        ctx.store.record_promise(turn.conversation_id, account.account_id, amount, due)
    detail = ", ".join(f"{due}:{amount}" for due, amount in parts)
    ctx.store.record_outcome(turn.conversation_id, "promise", account.account_id, detail)
    out.slots[PENDING_OFFER] = None
    lines = promise_parts(parts, library())
    return out.say("promise.recorded_split", parts=lines, total=money(total))


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
    account = _account(turn, ctx)
    decision = check_fee_waiver(account.figures, None, turn.today, ctx.policy)
    out = Outcome()
    out.slots[PENDING_OFFER] = make_offer(OfferKind.WAIVER_HANDOFF)
    return out.say(
        "waiver.policy",
        deadline=chinese_date(decision.deadline),
        **ledger_values(account),
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
    """Apologise, disclose nothing, mark the number.

    Said after verification ("我是他弟弟"), it ends the verification: whoever types now is not
    the borrower, so nothing more is disclosed until someone verifies again.
    """
    ctx.store.record_contact_preference(
        turn.conversation_id,
        _customer_id(turn),
        turn.slots.get("mobile"),
        turn.channel,
        wrong_number=True,
    )
    ctx.store.record_outcome(turn.conversation_id, "wrong_person", None)
    out = Outcome(end_form=True).say("wrong_person.apology")
    out.slots.update({"pending_request": None, PENDING_OFFER: None})
    if turn.verified:
        ctx.store.forget_verification(turn.conversation_id)
        out.slots.update({VERIFICATION: UNVERIFIED, "customer_id": None, "account_id": None})
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
    out.slots.update({"pending_request": None, PENDING_OFFER: None, IN_DISTRESS: True})
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
    """Two-step fallback: ask to rephrase once, then hand off to a human.

    A short answer to the promise being collected is that answer, however unsure the NLU is
    of it alone ("先还最低的" after the date): the promise takes it.
    """
    if _answers_pending_promise(turn):
        return promise_to_pay(turn, ctx)
    if turn.recent_fallbacks >= 1:
        _handoff(turn, ctx, "fallback")
        return Outcome(end_form=True).say("fallback.handoff")
    return Outcome().say("fallback.rephrase")


def _answers_pending_promise(turn: Turn) -> bool:
    """Whether a message not understood alone gives what the pending promise lacks."""
    if not turn.verified or _pending(turn).get("kind") != OfferKind.PROMISE:
        return False
    text = turn.text or ""
    named = turn.entity("amount") is not None or turn.entity("date") is not None
    return named or bool(MINIMUM_PAYMENT.search(text) or FULL_PAYMENT.search(text))


def opening(turn: Turn, ctx: Context) -> Outcome:
    """First message of a session: who we are, automated, recorded.

    A new session verifies again: the server forgets this conversation's verification.
    """
    ctx.store.forget_verification(turn.conversation_id)
    return Outcome().say("opening.disclosure", institution=ctx.policy.institution.name)


def respond(turn: Turn, ctx: Context) -> Outcome:
    """Answer a turn with the handler of its intent (see :mod:`bot.dialogue.intents`)."""
    from bot.dialogue import intents  # the registry imports this module

    return intents.respond(turn, ctx)
