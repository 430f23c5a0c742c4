"""Placeholder values: the one path from the ledger and ``policy.yml`` to the words of a script.

The dialogue handlers and agent assist both fill scripts from here, so a number the bot says and
the number an agent is offered come from the same function (``bot/scripts/placeholders.py``
lists the placeholders and their sources).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from bot.dialogue import messages
from bot.dialogue.formatting import chinese_date, money
from bot.dialogue.store import AccountView
from bot.policy import PlanQuote, Policy, all_quotes, latest_promise_date, waiver_deadline
from bot.scripts import Library

logger = logging.getLogger(__name__)

OPTION_LINE = "plans.option_line"
PROMISE_PART = "promise.part_line"
#: Scripts rendered inside another script (a line of a list), never sent or proposed alone.
FRAGMENTS = frozenset({OPTION_LINE, PROMISE_PART})


def channels(policy: Policy) -> str:
    """The official repayment channels, as one phrase."""
    return "、".join(c.label for c in policy.institution.payment_channels)


def tenors(policy: Policy) -> str:
    """The standard installment tenors, as one phrase."""
    return "、".join(str(rate.tenor) for rate in policy.installments.rates)


def fee_rates(policy: Policy) -> str:
    """Each standard tenor with its monthly fee rate in percent, as one phrase."""
    return "、".join(
        f"{rate.tenor}期{rate.monthly_fee_rate * 100:.2f}%" for rate in policy.installments.rates
    )


def policy_values(policy: Policy, today: dt.date) -> dict[str, str]:
    """Every placeholder the policy and today's date determine (no debt facts)."""
    return {
        "institution": policy.institution.name,
        "hotline": policy.institution.hotline,
        "channels": channels(policy),
        "max_months": str(policy.hardship.max_months),
        "tenors": tenors(policy),
        "fee_rates": fee_rates(policy),
        "waiver_days": str(policy.late_fee_waiver.pay_in_full_within_days),
        "max_date": chinese_date(latest_promise_date(today, policy)),
        "deadline": chinese_date(waiver_deadline(today, policy)),
    }


def ledger_values(account: AccountView) -> dict[str, str]:
    """The account's ledger figures (debt facts: only for a verified borrower)."""
    figures = account.figures
    return {
        "card_last4": account.card_last4,
        "total_due": money(figures.total_due),
        "minimum_payment": money(figures.minimum_payment),
        "days_past_due": str(figures.days_past_due),
        "principal": money(figures.principal),
        "interest": money(figures.interest),
        "late_fees": money(figures.late_fees),
    }


def plan_values(quote: PlanQuote) -> dict[str, str]:
    """One plan's figures, as the plan scripts quote them."""
    return {
        "tenor": str(quote.tenor),
        "monthly": money(quote.monthly_payment),
        "fees": money(quote.total_fees),
        "total": money(quote.total_repaid),
    }


def plan_options(total_due: Decimal, policy: Policy, library: Library) -> str:
    """Every standard plan for an amount, each line the approved ``plans.option_line``."""
    return "；".join(
        library.render(OPTION_LINE, plan_values(quote)).text
        for quote in all_quotes(total_due, policy)
    )


def promise_parts(parts: Iterable[tuple[dt.date, Decimal]], library: Library) -> str:
    """The parts of a split promise, each line the approved ``promise.part_line``."""
    return "；".join(
        library.render(PROMISE_PART, {"date": chinese_date(due), "amount": money(amount)}).text
        for due, amount in parts
    )


def placeholder_values(
    policy: Policy,
    today: dt.date,
    account: AccountView | None = None,
    entities: Mapping[str, Any] | None = None,
    *,
    library: Library | None = None,
) -> dict[str, str]:
    """Return every placeholder value the policy, the account and the message determine.

    ``library`` renders the plan lines of ``options`` (default: the process's library).
    """
    values = policy_values(policy, today)
    if account is not None:
        values.update(ledger_values(account))
        lib = library if library is not None else messages.library()
        values["options"] = plan_options(account.figures.total_due, policy, lib)
    entities = entities or {}
    if entities.get("installments") is not None:
        values["tenor"] = str(entities["installments"])
    if entities.get("amount") is not None:
        try:
            values["offer"] = values["amount"] = money(entities["amount"])
        except (ArithmeticError, ValueError):
            logger.debug("amount entity %r is not a number", entities["amount"])
    return values
