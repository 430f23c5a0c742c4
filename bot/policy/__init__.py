"""Issuer policy and the pure plan, promise and waiver arithmetic.

Nothing here touches the database or Rasa: functions take Decimal amounts, dates and the
validated ``Policy`` and return frozen decisions.
"""

from bot.policy.config import Policy, PromiseMinimum, load_policy, parse_policy
from bot.policy.errors import (
    InvalidAmountError,
    PolicyError,
    PolicyFileError,
    UnknownTenorError,
)
from bot.policy.figures import AccountFigures
from bot.policy.plans import (
    PlanKind,
    PlanQuote,
    affordable_quote,
    all_quotes,
    hardship_quote,
    quote_installment,
)
from bot.policy.promises import (
    PromiseDecision,
    PromiseReason,
    check_promise,
    latest_promise_date,
    minimum_promise_amount,
)
from bot.policy.waivers import (
    FeeWaiverDecision,
    WaiverOutcome,
    check_fee_waiver,
    waiver_deadline,
)

__all__ = [
    "AccountFigures",
    "FeeWaiverDecision",
    "InvalidAmountError",
    "PlanKind",
    "PlanQuote",
    "Policy",
    "PolicyError",
    "PolicyFileError",
    "PromiseDecision",
    "PromiseMinimum",
    "PromiseReason",
    "UnknownTenorError",
    "WaiverOutcome",
    "affordable_quote",
    "all_quotes",
    "check_fee_waiver",
    "check_promise",
    "hardship_quote",
    "latest_promise_date",
    "load_policy",
    "minimum_promise_amount",
    "parse_policy",
    "quote_installment",
    "waiver_deadline",
]
