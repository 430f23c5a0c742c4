"""Installment and hardship plan calculator.

Rules (from the issuer policy):

- monthly payment = amount / N + amount x monthly rate, rounded half-up to the cent;
- total fees = amount x monthly rate x N, rounded half-up to the cent;
- total repaid = amount + total fees;
- the last period absorbs the rounding remainder, so the schedule sums exactly to the
  total repaid.

A quote "fits" an offer when every period, the last one included, is at most the offer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from bot.policy.config import Policy
from bot.policy.errors import InvalidAmountError
from bot.policy.money import is_whole_cents, round_cents, to_money

logger = logging.getLogger(__name__)


class PlanKind(str, Enum):
    """Kind of repayment plan."""

    INSTALLMENT = "installment"
    HARDSHIP = "hardship"


@dataclass(frozen=True)
class PlanQuote:
    """A quoted repayment plan.

    Attributes:
        kind: Standard installment or hardship plan.
        amount_financed: The amount split into periods (the account's total due).
        tenor: Number of monthly periods.
        monthly_payment: Payment of every period but possibly the last.
        monthly_fee_rate: Monthly fee as a fraction of the amount financed.
        total_fees: Fees over the whole plan.
        total_repaid: Amount financed plus total fees.
        schedule: Payment of each period, in order; sums exactly to ``total_repaid``.
        requires_approval: True when a human must approve the plan before it applies.
    """

    kind: PlanKind
    amount_financed: Decimal
    tenor: int
    monthly_payment: Decimal
    monthly_fee_rate: Decimal
    total_fees: Decimal
    total_repaid: Decimal
    schedule: tuple[Decimal, ...]
    requires_approval: bool

    @property
    def last_payment(self) -> Decimal:
        """Payment of the last period (it absorbs the rounding remainder)."""
        return self.schedule[-1]

    @property
    def largest_payment(self) -> Decimal:
        """Largest payment of any period."""
        return max(self.schedule)

    def fits(self, offer: Decimal) -> bool:
        """Tell whether every period is at most the offered monthly amount.

        Args:
            offer: What the borrower can pay per month.

        Returns:
            True if no period of the schedule exceeds ``offer``.
        """
        return self.largest_payment <= offer


def quote_installment(amount: Decimal | int | str, tenor: int, policy: Policy) -> PlanQuote:
    """Quote a standard installment plan.

    Args:
        amount: Amount financed (the total due), positive and in whole cents.
        tenor: Number of periods; must be a tenor the policy offers.
        policy: The issuer policy.

    Returns:
        The quote with its full schedule. Standard plans need no approval.

    Raises:
        UnknownTenorError: If the policy does not offer ``tenor``.
        InvalidAmountError: If the amount is not positive, not whole cents, or too small to
            split into ``tenor`` positive payments.
    """
    rate = policy.installments.rate_for(tenor)
    return _quote(_financed(amount), tenor, rate, PlanKind.INSTALLMENT, requires_approval=False)


def all_quotes(amount: Decimal | int | str, policy: Policy) -> tuple[PlanQuote, ...]:
    """Quote every standard tenor of the policy.

    Args:
        amount: Amount financed (the total due), positive and in whole cents.
        policy: The issuer policy.

    Returns:
        One quote per offered tenor, shortest tenor first. A tenor is left out when the amount
        is too small to split into that many positive payments (a few yuan at most).

    Raises:
        InvalidAmountError: If the amount is not positive or not in whole cents.
    """
    financed = _financed(amount)
    quotes = (
        _quote_or_none(financed, rate.tenor, rate.monthly_fee_rate, PlanKind.INSTALLMENT, False)
        for rate in policy.installments.rates
    )
    return tuple(quote for quote in quotes if quote is not None)


def affordable_quote(
    amount: Decimal | int | str, offer: Decimal | int | str, policy: Policy
) -> PlanQuote | None:
    """Find the shortest standard plan whose every payment fits the borrower's offer.

    Args:
        amount: Amount financed (the total due), positive and in whole cents.
        offer: What the borrower says they can pay per month; positive.
        policy: The issuer policy.

    Returns:
        The quote for the shortest offered tenor whose every period, the last included, is at
        most ``offer``; None if no standard tenor fits (then offer the hardship route).

    Raises:
        InvalidAmountError: If the amount or the offer is unusable.
    """
    limit = _offer(offer)
    for quote in all_quotes(amount, policy):
        if quote.fits(limit):
            return quote
    logger.debug("No standard tenor fits the offer")
    return None


def hardship_quote(
    amount: Decimal | int | str, offer: Decimal | int | str, policy: Policy
) -> PlanQuote | None:
    """Find the shortest hardship plan whose every payment fits the borrower's offer.

    Hardship plans use the policy's hardship fee rate (0 in the default policy) and any whole
    number of months up to the policy maximum. They always need a human's approval.

    Args:
        amount: Amount financed (the total due), positive and in whole cents.
        offer: What the borrower says they can pay per month; positive.
        policy: The issuer policy.

    Returns:
        The quote with the fewest months that fits, marked ``requires_approval=True``; None if
        even the longest allowed plan does not fit (then hand off to a human).

    Raises:
        InvalidAmountError: If the amount or the offer is unusable.
    """
    financed = _financed(amount)
    limit = _offer(offer)
    rate = policy.hardship.monthly_fee_rate
    for months in range(1, policy.hardship.max_months + 1):
        quote = _quote_or_none(financed, months, rate, PlanKind.HARDSHIP, True)
        if quote is not None and quote.fits(limit):
            return quote
    logger.debug("No hardship plan up to %d months fits the offer", policy.hardship.max_months)
    return None


def _quote(
    amount: Decimal, tenor: int, rate: Decimal, kind: PlanKind, requires_approval: bool
) -> PlanQuote:
    if tenor < 1:
        raise InvalidAmountError(f"a plan needs at least one period, got {tenor}")
    # amount / N + amount x rate, written with a single division (one rounding step).
    monthly = round_cents(amount * (1 + rate * tenor) / tenor)
    total_fees = round_cents(amount * rate * tenor)
    total_repaid = amount + total_fees
    last = total_repaid - monthly * (tenor - 1)
    if monthly <= 0 or last <= 0:
        raise InvalidAmountError(f"{amount} is too small to split into {tenor} payments")
    return PlanQuote(
        kind=kind,
        amount_financed=amount,
        tenor=tenor,
        monthly_payment=monthly,
        monthly_fee_rate=rate,
        total_fees=total_fees,
        total_repaid=total_repaid,
        schedule=(monthly,) * (tenor - 1) + (last,),
        requires_approval=requires_approval,
    )


def _quote_or_none(
    amount: Decimal, tenor: int, rate: Decimal, kind: PlanKind, requires_approval: bool
) -> PlanQuote | None:
    try:
        return _quote(amount, tenor, rate, kind, requires_approval)
    except InvalidAmountError:
        return None


def _financed(amount: Decimal | int | str) -> Decimal:
    value = to_money(amount)
    if value <= 0:
        raise InvalidAmountError(f"amount financed must be positive, got {value}")
    if not is_whole_cents(value):
        raise InvalidAmountError(f"amount financed must be in whole cents, got {value}")
    return value


def _offer(offer: Decimal | int | str) -> Decimal:
    value = to_money(offer)
    if value <= 0:
        raise InvalidAmountError(f"the monthly offer must be positive, got {value}")
    return value
