"""The optional ``notices`` section of the policy file: absent, values, refusals."""

import copy
import re

import pytest

from bot.policy.config import NoticePolicy, load_policy, parse_policy
from bot.policy.errors import PolicyFileError
from tests.unit.policy.conftest import SPEC


def _with(notices: object) -> dict:
    spec = copy.deepcopy(SPEC)
    spec["notices"] = notices
    return spec


def test_the_repository_policy_sets_the_objection_period_and_the_address() -> None:
    notices = load_policy().notices
    assert notices is not None and notices.objection_days == 30
    assert notices.correspondence_address.startswith("上海市")


def test_without_the_section_there_is_no_notice_policy() -> None:
    spec = copy.deepcopy(SPEC)
    del spec["notices"]
    assert parse_policy(spec).notices is None
    assert parse_policy(
        _with({"objection_days": 15, "correspondence_address": "某地"})
    ).notices == (NoticePolicy(objection_days=15, correspondence_address="某地"))


@pytest.mark.parametrize(
    ("notices", "message"),
    [
        ({"objection_days": 30}, "notices: missing key(s): correspondence_address"),
        (
            {"objection_days": 0, "correspondence_address": "某地"},
            "notices.objection_days: must be between 1 and 365",
        ),
        (
            {"objection_days": "30", "correspondence_address": "某地"},
            "notices.objection_days: expected a whole number",
        ),
        (
            {"objection_days": 30, "correspondence_address": " "},
            "notices.correspondence_address: expected non-empty text",
        ),
        (
            {"objection_days": 30, "correspondence_address": "某地", "fax": "x"},
            "notices: unknown key(s): fax",
        ),
        (None, "notices: expected a mapping"),
    ],
)
def test_bad_values_are_refused_with_the_key(notices: object, message: str) -> None:
    with pytest.raises(PolicyFileError, match=re.escape(message)):
        parse_policy(_with(notices))
