"""Shared fixtures: the policy from the issue's specification and the demo accounts."""

import copy
from decimal import Decimal
from typing import Any

import pytest

from bot.policy.config import Policy, parse_policy
from bot.policy.figures import AccountFigures

# The policy numbers issue 3 specifies; policy.yml at the repo root must match them.
SPEC: dict[str, Any] = {
    "institution": {
        "name": "示例银行信用卡中心",
        "hotline": "400-800-0000",
        "payment_channels": [
            {"id": "mobile_banking_app", "label": "手机银行App"},
            {"id": "counter", "label": "银行网点柜台"},
            {"id": "official_hotline", "label": "官方客服热线"},
            {"id": "auto_debit", "label": "约定账户自动扣款"},
        ],
    },
    "installments": {"monthly_fee_rate_percent": {3: 0.75, 6: 0.70, 12: 0.66, 24: 0.65}},
    "hardship": {"max_months": 60, "monthly_fee_rate_percent": 0, "requires_human_approval": True},
    "promise_to_pay": {"window_days": 30, "minimum_amount": "minimum_payment"},
    "late_fee_waiver": {"pay_in_full_within_days": 7},
    "verification": {
        "max_failures": 3,
        "lock_hours": 24,
        "idle_minutes": 15,
        "client_max_failures": 5,
        "client_window_hours": 24,
    },
    "time_zone": "Asia/Shanghai",
    "quiet_hours": {"start": "22:00", "end": "08:00"},
    # Formal notices (issue 14): an optional section, set in the repository's policy.yml.
    "notices": {
        "objection_days": 30,
        "correspondence_address": (
            "上海市浦东新区示例路100号 示例银行信用卡中心客户服务部 邮编200120"
        ),
    },
}


def _figures(total: str, principal: str, interest: str, fees: str, minimum: str, dpd: int):
    return AccountFigures(
        total_due=Decimal(total),
        principal=Decimal(principal),
        interest=Decimal(interest),
        late_fees=Decimal(fees),
        minimum_payment=Decimal(minimum),
        days_past_due=dpd,
    )


DEMO_ACCOUNTS = {
    "张伟": _figures("12580.00", "12000.00", "380.00", "200.00", "1258.00", 45),
    "李娜": _figures("3260.50", "3100.00", "110.50", "50.00", "326.05", 12),
    "王强": _figures("58000.00", "55000.00", "2400.00", "600.00", "5800.00", 120),
}


@pytest.fixture
def spec() -> dict[str, Any]:
    """A fresh, mutable copy of the specified policy data."""
    return copy.deepcopy(SPEC)


@pytest.fixture(scope="session")
def policy() -> Policy:
    return parse_policy(copy.deepcopy(SPEC), source="spec")


@pytest.fixture(scope="session")
def demo_accounts() -> dict[str, AccountFigures]:
    return DEMO_ACCOUNTS


@pytest.fixture(scope="session")
def zhang_wei() -> AccountFigures:
    return DEMO_ACCOUNTS["张伟"]
