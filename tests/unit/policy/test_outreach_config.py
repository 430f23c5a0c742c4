"""The optional ``outreach`` section of the policy file: defaults, values, refusals."""

import copy

import pytest

from bot.policy import PolicyError, load_policy
from bot.policy.config import OutreachPolicy, parse_policy
from tests.unit.policy.conftest import SPEC


def _with(outreach: object) -> dict:
    spec = copy.deepcopy(SPEC)
    spec["outreach"] = outreach
    return spec


def test_the_repositorys_policy_sets_the_documented_values() -> None:
    assert load_policy().outreach == OutreachPolicy(daily_cap=1, weekly_cap=3, reminder_lead_days=3)


def test_absent_section_or_keys_take_the_defaults() -> None:
    assert parse_policy(copy.deepcopy(SPEC)).outreach == OutreachPolicy()
    assert parse_policy(_with({"weekly_cap": 5})).outreach == OutreachPolicy(weekly_cap=5)
    assert parse_policy(_with(None)).outreach == OutreachPolicy()


@pytest.mark.parametrize(
    ("outreach", "message"),
    [
        ({"daily_cap": 4}, "outreach.daily_cap: must be between 1 and 3"),
        ({"daily_cap": 0}, "outreach.daily_cap: must be between 1 and 3"),
        ({"daily_cap": 3, "weekly_cap": 2}, "outreach.weekly_cap: must be at least daily_cap"),
        ({"reminder_lead_days": -1}, "outreach.reminder_lead_days: must be between 0 and 30"),
        ({"reminder_lead_days": "3"}, "outreach.reminder_lead_days: expected a whole number"),
        ({"monthly_cap": 9}, r"outreach: unknown key\(s\): monthly_cap"),
        ([1], "outreach: expected a mapping"),
    ],
)
def test_bad_values_are_refused_naming_the_key(outreach, message) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(_with(outreach), source="policy.yml")
