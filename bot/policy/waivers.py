"""Fee-waiver decisions the bot may make on its own.

Only late fees can be waived by the bot, and only if the whole total due is paid within the
policy window. Interest and any other charge can be waived only by a human.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from bot.policy.config import Policy
from bot.policy.figures import AccountFigures


class WaiverOutcome(str, Enum):
    """What the bot may say about waiving the late fees."""

    WAIVABLE = "waivable"
    """The borrower commits to full payment within the window: late fees are waived."""
    CONDITIONAL = "conditional"
    """No date given yet: late fees are waived only if the total due is paid by the deadline."""
    DATE_IN_PAST = "date_in_past"
    """The full-payment date is before today."""
    DATE_TOO_LATE = "date_too_late"
    """Full payment after the deadline: the bot cannot waive the late fees."""
    NO_LATE_FEES = "no_late_fees"
    """The account carries no late fees."""


@dataclass(frozen=True)
class FeeWaiverDecision:
    """The verdict on a fee-waiver request.

    Attributes:
        outcome: What the bot may say about the late fees.
        late_fees: Late fees the waiver concerns.
        pay_in_full_amount: Amount to pay in full for the waiver: the total due.
        deadline: Last day for full payment (today plus the policy window).
        human_only: Charges only a human may waive and that the account carries
            (``"interest"``, ``"other_charges"``).
        human_only_amount: Sum of those charges.
    """

    outcome: WaiverOutcome
    late_fees: Decimal
    pay_in_full_amount: Decimal
    deadline: date
    human_only: tuple[str, ...]
    human_only_amount: Decimal

    @property
    def late_fees_waivable(self) -> bool:
        """True if the late fees are waived for the stated full-payment date."""
        return self.outcome is WaiverOutcome.WAIVABLE


def waiver_deadline(today: date, policy: Policy) -> date:
    """Last day on which paying the total due in full waives the late fees (both inclusive)."""
    return today + timedelta(days=policy.late_fee_waiver.pay_in_full_within_days)


def check_fee_waiver(
    account: AccountFigures,
    pay_in_full_by: date | None,
    today: date,
    policy: Policy,
) -> FeeWaiverDecision:
    """Decide what the bot may grant on a fee-waiver request.

    Args:
        account: The account's ledger figures.
        pay_in_full_by: Date by which the borrower commits to pay the whole total due; None if
            no such commitment has been made yet.
        today: Today's date in the policy time zone.
        policy: The issuer policy.

    Returns:
        The decision. Late fees are waivable iff the total due is paid in full between today
        and the deadline (both inclusive); interest and other charges are listed in
        ``human_only`` for a hand-off.
    """
    deadline = waiver_deadline(today, policy)
    charges = (("interest", account.interest), ("other_charges", account.other_charges))
    human_only = tuple(name for name, value in charges if value > 0)
    return FeeWaiverDecision(
        outcome=_outcome(account, pay_in_full_by, today, deadline),
        late_fees=account.late_fees,
        pay_in_full_amount=account.total_due,
        deadline=deadline,
        human_only=human_only,
        human_only_amount=account.interest + account.other_charges,
    )


def _outcome(
    account: AccountFigures, pay_in_full_by: date | None, today: date, deadline: date
) -> WaiverOutcome:
    if account.late_fees <= 0:
        return WaiverOutcome.NO_LATE_FEES
    if pay_in_full_by is None:
        return WaiverOutcome.CONDITIONAL
    if pay_in_full_by < today:
        return WaiverOutcome.DATE_IN_PAST
    if pay_in_full_by > deadline:
        return WaiverOutcome.DATE_TOO_LATE
    return WaiverOutcome.WAIVABLE
