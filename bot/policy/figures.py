"""The account figures the policy layer decides on, independent of the database."""

from dataclasses import dataclass
from decimal import Decimal

from bot.policy.errors import InvalidAmountError

_MONEY_FIELDS = ("total_due", "principal", "interest", "late_fees", "minimum_payment")


@dataclass(frozen=True)
class AccountFigures:
    """Ledger figures of one account, as the database layer maps them.

    Attributes:
        total_due: Everything owed now (principal + interest + late fees + any other charge).
        principal: Outstanding principal.
        interest: Accrued interest.
        late_fees: Late-payment fees (违约金).
        minimum_payment: The account's minimum payment for the current statement.
        days_past_due: Days the account is overdue.
    """

    total_due: Decimal
    principal: Decimal
    interest: Decimal
    late_fees: Decimal
    minimum_payment: Decimal
    days_past_due: int

    def __post_init__(self) -> None:
        for name in _MONEY_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise TypeError(f"AccountFigures.{name} must be a finite Decimal, got {value!r}")
            if value < 0:
                raise InvalidAmountError(f"AccountFigures.{name} must not be negative: {value}")
        if isinstance(self.days_past_due, bool) or not isinstance(self.days_past_due, int):
            raise TypeError(f"AccountFigures.days_past_due must be an int: {self.days_past_due!r}")
        if self.days_past_due < 0:
            raise InvalidAmountError(f"days_past_due must not be negative: {self.days_past_due}")
        if self.minimum_payment > self.total_due:
            raise InvalidAmountError(
                f"minimum_payment {self.minimum_payment} exceeds total_due {self.total_due}"
            )
        if self.principal + self.interest + self.late_fees > self.total_due:
            raise InvalidAmountError(
                f"principal + interest + late_fees exceeds total_due {self.total_due}"
            )

    @property
    def other_charges(self) -> Decimal:
        """Part of the total due that is neither principal, interest nor late fees."""
        return self.total_due - self.principal - self.interest - self.late_fees
