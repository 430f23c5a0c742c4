"""Every placeholder a script may use, where its value comes from, and a sample for checks.

Sources (compliance rule "amounts-from-ledger"): ``ledger`` (the account in the database),
``policy`` (policy.yml), ``calculator`` (bot.policy arithmetic on ledger and policy),
``conversation`` (what the borrower said, validated: their offer, a promised date and amount),
``library`` (other approved scripts rendered inline), ``limits`` (the input limits of
:mod:`bot.inbound`), ``notice`` (the formal notice being issued: its reference and dates,
:mod:`bot.notices`).
A script may only use placeholders listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    """Where a placeholder's value comes from, and a realistic sample value."""

    source: str
    sample: str
    debt_fact: bool = False  # states something about the borrower's debt (right-party rule)


PLACEHOLDERS: dict[str, Placeholder] = {
    "institution": Placeholder("policy", "示例银行信用卡中心"),
    "hotline": Placeholder("policy", "400-800-0000"),
    "channels": Placeholder("policy", "手机银行App、银行网点柜台、官方客服热线、约定账户自动扣款"),
    "max_months": Placeholder("policy", "60"),
    "tenors": Placeholder("policy", "3、6、12、24"),
    "fee_rates": Placeholder("policy", "3期0.75%、6期0.70%、12期0.66%、24期0.65%"),
    "waiver_days": Placeholder("policy", "7"),
    "objection_days": Placeholder("policy", "30"),
    "correspondence_address": Placeholder(
        "policy", "上海市浦东新区示例路100号 示例银行信用卡中心客户服务部 邮编200120"
    ),
    "borrower_name": Placeholder("ledger", "张伟", debt_fact=True),
    "card_last4": Placeholder("ledger", "6217", debt_fact=True),
    "total_due": Placeholder("ledger", "12,580.00", debt_fact=True),
    "principal": Placeholder("ledger", "12,000.00", debt_fact=True),
    "interest": Placeholder("ledger", "380.00", debt_fact=True),
    "late_fees": Placeholder("ledger", "200.00", debt_fact=True),
    "minimum_payment": Placeholder("ledger", "1,258.00", debt_fact=True),
    "days_past_due": Placeholder("ledger", "45", debt_fact=True),
    "tenor": Placeholder("calculator", "12", debt_fact=True),
    "monthly": Placeholder("calculator", "1,131.36", debt_fact=True),
    "fees": Placeholder("calculator", "996.34", debt_fact=True),
    "total": Placeholder("calculator", "13,576.34", debt_fact=True),
    "months": Placeholder("calculator", "26", debt_fact=True),
    "deadline": Placeholder("calculator", "2026年12月7日", debt_fact=True),
    "max_date": Placeholder("calculator", "2026年12月30日"),
    "options": Placeholder(
        "library",
        "3期每期4,287.68元（手续费共283.05元）；12期每期1,131.36元（手续费共996.34元）",
        True,
    ),
    "offer": Placeholder("conversation", "800.00", debt_fact=True),
    "amount": Placeholder("conversation", "1,258.00", debt_fact=True),
    "date": Placeholder("conversation", "2026年12月1日", debt_fact=True),
    "parts": Placeholder(
        "library", "2026年12月7日之前还款500.00元；2026年12月4日之前还款800.00元", True
    ),
    "max_chars": Placeholder("limits", "500"),
    "notice_reference": Placeholder("notice", "N000001-01", debt_fact=True),
    "as_of": Placeholder("notice", "2026年12月4日"),
    "issued_on": Placeholder("notice", "2026年12月4日"),
}


def sample_values() -> dict[str, str]:
    """A sample value for every known placeholder (for linting rendered texts)."""
    return {name: p.sample for name, p in PLACEHOLDERS.items()}
