"""Promise-to-pay validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from bot.policy.config import Policy, PromiseMinimum
from bot.policy.errors import InvalidAmountError
from bot.policy.figures import AccountFigures
from bot.policy.money import is_whole_cents, to_money


class PromiseReason(str, Enum):
    """Why a promise to pay is not accepted (first listed = first to resolve)."""

    DATE_MISSING = "date_missing"
    AMOUNT_MISSING = "amount_missing"
    DATE_IN_PAST = "date_in_past"
    DATE_TOO_FAR = "date_too_far"
    AMOUNT_BELOW_MINIMUM = "amount_below_minimum"
    AMOUNT_ABOVE_TOTAL_DUE = "amount_above_total_due"


@dataclass(frozen=True)
class PromiseDecision:
    """The verdict on a promise to pay, with the limits the bot can negotiate with.

    Attributes:
        accepted: True if the promise may be recorded as it is.
        reasons: Every problem found, in the order of ``PromiseReason``; empty when accepted.
        earliest_date: First acceptable date (today).
        latest_date: Last acceptable date (today plus the policy window).
        minimum_amount: Smallest acceptable amount for this account.
        total_due: The account's total due (the full amount).
        is_full_payment: True if the promised amount equals the total due.
    """

    accepted: bool
    reasons: tuple[PromiseReason, ...]
    earliest_date: date
    latest_date: date
    minimum_amount: Decimal
    total_due: Decimal
    is_full_payment: bool

    @property
    def reason(self) -> PromiseReason | None:
        """The first problem to resolve, or None when accepted."""
        return self.reasons[0] if self.reasons else None


def minimum_promise_amount(account: AccountFigures, policy: Policy) -> Decimal:
    """Return the smallest amount a promise to pay may carry for an account.

    Args:
        account: The account's ledger figures.
        policy: The issuer policy.

    Returns:
        The minimum payment, or the total due if the policy accepts only full payment.
    """
    if policy.promise_to_pay.minimum_amount is PromiseMinimum.TOTAL_DUE:
        return account.total_due
    return min(account.minimum_payment, account.total_due)


def latest_promise_date(today: date, policy: Policy) -> date:
    """Last acceptable date of a promise to pay (today plus the policy window)."""
    return today + timedelta(days=policy.promise_to_pay.window_days)


def check_promise(
    amount: Decimal | int | str | None,
    pay_date: date | None,
    today: date,
    account: AccountFigures,
    policy: Policy,
) -> PromiseDecision:
    """Decide whether a promise to pay can be accepted.

    A promise is accepted when its date is between today and today plus the policy window
    (both inclusive) and its amount is at least the minimum payment (or the total due, if the
    policy says so) and at most the total due.

    Args:
        amount: Promised amount, in whole cents; None if the borrower has not said it.
        pay_date: Promised payment date; None if the borrower has not said it.
        today: Today's date in the policy time zone.
        account: The account's ledger figures.
        policy: The issuer policy.

    Returns:
        The decision, with every reason for refusal and the acceptable limits.

    Raises:
        InvalidAmountError: If the amount is not a decimal number in whole cents.
    """
    latest = latest_promise_date(today, policy)
    minimum = minimum_promise_amount(account, policy)
    value = None if amount is None else to_money(amount)
    if value is not None and not is_whole_cents(value):
        raise InvalidAmountError(f"a promised amount must be in whole cents, got {value}")

    reasons: list[PromiseReason] = []
    if pay_date is None:
        reasons.append(PromiseReason.DATE_MISSING)
    if value is None:
        reasons.append(PromiseReason.AMOUNT_MISSING)
    if pay_date is not None and pay_date < today:
        reasons.append(PromiseReason.DATE_IN_PAST)
    if pay_date is not None and pay_date > latest:
        reasons.append(PromiseReason.DATE_TOO_FAR)
    if value is not None and (value < minimum or value <= 0):
        reasons.append(PromiseReason.AMOUNT_BELOW_MINIMUM)
    if value is not None and value > account.total_due:
        reasons.append(PromiseReason.AMOUNT_ABOVE_TOTAL_DUE)

    return PromiseDecision(
        accepted=not reasons,
        reasons=tuple(reasons),
        earliest_date=today,
        latest_date=latest,
        minimum_amount=minimum,
        total_due=account.total_due,
        is_full_payment=value == account.total_due,
    )
