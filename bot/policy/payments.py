"""Pure payment arithmetic: allocation, promises kept or broken, plans' paid periods.

Nothing here touches the database: ``bot.payments`` reads the figures, calls these functions and
writes the results through the repositories.

- **Allocation order**: a payment pays the late fees first, then the interest, then the
  principal (the usual order for overdue card debt); what is left once
  all three are zero is *unapplied* (a credit the issuer refunds or carries; we do not invent a
  negative balance).
- **Promise kept / broken**: a promise is kept when the payments dated from the day it was made
  to its due date (both inclusive, dates in the policy's time zone) add up to its amount; it is
  broken once its due date has passed without that; otherwise it stays open.
- **Plan periods**: the payments since the plan was accepted, divided by its monthly amount
  (whole periods, at most the tenor).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Allocation:
    """How one payment splits over an account's figures.

    Attributes:
        late_fees: Paid off the late fees.
        interest: Paid off the interest.
        principal: Paid off the principal.
        unapplied: Left over once nothing was owed.
    """

    late_fees: Decimal
    interest: Decimal
    principal: Decimal
    unapplied: Decimal

    @property
    def applied(self) -> Decimal:
        """What the payment took off the debt."""
        return self.late_fees + self.interest + self.principal


def allocate(
    amount: Decimal, *, late_fees: Decimal, interest: Decimal, principal: Decimal
) -> Allocation:
    """Split a payment over late fees, then interest, then principal.

    Args:
        amount: The payment (positive, whole cents).
        late_fees: Late fees outstanding.
        interest: Interest outstanding.
        principal: Principal outstanding.

    Returns:
        The split; its parts add up to ``amount``.

    Raises:
        ValueError: The amount is not positive.
    """
    if amount <= 0:
        raise ValueError("a payment must be positive")
    left = amount
    parts = []
    for owed in (late_fees, interest, principal):
        part = min(left, max(owed, ZERO))
        parts.append(part)
        left -= part
    return Allocation(late_fees=parts[0], interest=parts[1], principal=parts[2], unapplied=left)


class PromiseOutcome(str, enum.Enum):
    """What the payments make of a promise (the values of the ledger's promise status)."""

    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


def promise_outcome(
    amount: Decimal, paid_in_window: Decimal, due_date: dt.date, today: dt.date
) -> PromiseOutcome:
    """Decide whether a promise is kept, broken or still open.

    Args:
        amount: The promised amount.
        paid_in_window: Payments dated from the promise's day to its due date (both inclusive,
            in the policy's time zone), recorded so far.
        due_date: The promised date.
        today: Today in the policy's time zone.

    Returns:
        ``kept`` when the payments reach the amount (even before the due date), ``broken`` when
        the due date has passed without that, else ``open``.
    """
    if paid_in_window >= amount:
        return PromiseOutcome.KEPT
    if today > due_date:
        return PromiseOutcome.BROKEN
    return PromiseOutcome.OPEN


def promise_window(
    created_at: dt.datetime, due_date: dt.date, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """Return the moments bounding a promise's payment window, ``[start, end)``.

    Args:
        created_at: When the promise was recorded (aware).
        due_date: The promised date.
        zone: The policy's time zone.

    Returns:
        The start of the promise's day and the start of the day after its due date, in
        ``zone`` (aware datetimes).
    """
    first_day = created_at.astimezone(zone).date()
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(due_date + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start, end


def paid_periods(paid_since_acceptance: Decimal, monthly_amount: Decimal, tenor: int) -> int:
    """Return how many whole periods of a plan the payments cover (at most the tenor).

    Args:
        paid_since_acceptance: Payments dated at or after the plan's acceptance.
        monthly_amount: The plan's regular payment.
        tenor: The plan's number of periods.
    """
    if monthly_amount <= 0 or paid_since_acceptance <= 0:
        return 0
    return min(tenor, int(paid_since_acceptance // monthly_amount))
