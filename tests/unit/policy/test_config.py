from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot import settings
from bot.policy.config import PromiseMinimum, load_policy, parse_policy
from bot.policy.errors import PolicyFileError, UnknownTenorError
from bot.settings import DEFAULT_POLICY_PATH


def write(tmp_path: Path, data: object, name: str = "policy.yml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# --------------------------------------------------------------- the repository's policy.yml


def test_repo_policy_file_matches_the_specification(spec):
    assert DEFAULT_POLICY_PATH.name == "policy.yml"
    assert load_policy(DEFAULT_POLICY_PATH) == parse_policy(spec)


def test_repo_policy_values():
    policy = load_policy(DEFAULT_POLICY_PATH)
    assert policy.institution.name == "示例银行信用卡中心"
    assert policy.institution.hotline == "400-800-0000"
    assert [c.id for c in policy.institution.payment_channels] == [
        "mobile_banking_app",
        "counter",
        "official_hotline",
        "auto_debit",
    ]
    assert policy.installments.tenors == (3, 6, 12, 24)
    assert policy.installments.rate_for(3) == Decimal("0.0075")
    assert policy.installments.rate_for(6) == Decimal("0.0070")
    assert policy.installments.rate_for(12) == Decimal("0.0066")
    assert policy.installments.rate_for(24) == Decimal("0.0065")
    assert policy.hardship.max_months == 60
    assert policy.hardship.monthly_fee_rate == 0
    assert policy.hardship.requires_human_approval is True
    assert policy.promise_to_pay.window_days == 30
    assert policy.promise_to_pay.minimum_amount is PromiseMinimum.MINIMUM_PAYMENT
    assert policy.late_fee_waiver.pay_in_full_within_days == 7
    assert policy.verification.max_failures == 3
    assert policy.verification.lock_duration == timedelta(hours=24)
    assert policy.time_zone == "Asia/Shanghai"
    assert policy.zone.key == "Asia/Shanghai"
    assert policy.quiet_hours.start == time(22, 0)
    assert policy.quiet_hours.end == time(8, 0)


def test_every_key_of_the_repo_policy_file_is_commented():
    lines = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        is_key = stripped and not stripped.startswith(("#", "-")) and ":" in stripped
        is_tenor = stripped.split(":")[0].isdigit()
        if is_key and not is_tenor and not line.startswith("      "):
            assert lines[index - 1].strip().startswith("#"), f"uncommented key: {line!r}"


def test_rates_are_exact_decimals_even_when_yaml_gives_floats(spec):
    spec["installments"]["monthly_fee_rate_percent"] = {12: 0.66, 24: "0.65", 36: 1}
    rates = parse_policy(spec).installments
    assert rates.rate_for(12) == Decimal("0.0066")
    assert rates.rate_for(24) == Decimal("0.0065")
    assert rates.rate_for(36) == Decimal("0.01")


def test_tenors_are_sorted_and_digit_strings_accepted(spec):
    spec["installments"]["monthly_fee_rate_percent"] = {"24": 0.65, 3: 0.75}
    assert parse_policy(spec).installments.tenors == (3, 24)


def test_rate_for_unknown_tenor(policy):
    with pytest.raises(UnknownTenorError, match=r"tenor 5 is not offered; offered tenors: 3, 6"):
        policy.installments.rate_for(5)


def test_policy_is_frozen(policy):
    with pytest.raises(AttributeError):
        policy.time_zone = "UTC"


# --------------------------------------------------------------- file handling


def test_explicit_path_wins_over_the_setting(tmp_path, spec):
    spec["institution"]["name"] = "从参数读取"
    explicit = write(tmp_path, spec)
    with settings.override(policy_file=tmp_path / "missing.yml"):
        assert load_policy(explicit).institution.name == "从参数读取"


def test_the_setting_selects_the_file(tmp_path, spec):
    spec["institution"]["name"] = "从环境变量读取"
    with settings.override(policy_file=write(tmp_path, spec)):
        assert load_policy().institution.name == "从环境变量读取"


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.yml"
    with pytest.raises(
        PolicyFileError, match=r"nope\.yml: cannot read the policy file.*POLICY_FILE"
    ):
        load_policy(missing)


def test_invalid_yaml(tmp_path):
    path = tmp_path / "policy.yml"
    path.write_text("institution: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyFileError, match=r"policy\.yml: not valid YAML"):
        load_policy(path)


def test_duplicate_key_in_yaml(tmp_path):
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
        "    24: 0.65\n", "    24: 0.65\n    12: 0.50\n"
    )
    path = tmp_path / "policy.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyFileError, match=r"duplicate key 12"):
        load_policy(path)


def test_empty_file(tmp_path):
    path = tmp_path / "policy.yml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(PolicyFileError, match=r"\(top level\): expected a mapping"):
        load_policy(path)


def test_errors_name_the_file(tmp_path, spec):
    del spec["time_zone"]
    path = write(tmp_path, spec, "issuer.yml")
    with pytest.raises(
        PolicyFileError, match=r"issuer\.yml: \(top level\): missing key\(s\): time_zone"
    ):
        load_policy(path)


# --------------------------------------------------------------- validation


def _set(data: dict, dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[int(key) if key.isdigit() and int(key) in data else key]
    data[int(last) if last.isdigit() and int(last) in data else last] = value


def _delete(data: dict, dotted: str) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[key]
    del data[last]


@pytest.mark.parametrize(
    ("dotted", "value", "message"),
    [
        ("installments.monthly_fee_rate_percent.12", -0.66, r"\.12: rate must not be negative"),
        ("installments.monthly_fee_rate_percent.12", 150, r"must be below 100"),
        ("installments.monthly_fee_rate_percent.12", "abc", r"expected a percentage"),
        ("installments.monthly_fee_rate_percent.12", True, r"expected a percentage"),
        ("installments.monthly_fee_rate_percent.12", ".nan", r"expected a percentage|finite"),
        ("installments.monthly_fee_rate_percent", {}, r"expected a mapping tenor"),
        ("installments.monthly_fee_rate_percent", [3, 6], r"expected a mapping tenor"),
        ("hardship.monthly_fee_rate_percent", -1, r"hardship\.monthly_fee_rate_percent: rate"),
        ("hardship.max_months", 61, r"hardship\.max_months: must be between 1 and 60"),
        ("hardship.max_months", 0, r"must be between 1 and 60"),
        ("hardship.max_months", 12.5, r"expected a whole number"),
        ("hardship.requires_human_approval", False, r"must be true"),
        ("promise_to_pay.window_days", -1, r"window_days: must be at least 0"),
        ("promise_to_pay.minimum_amount", "half", r"expected one of minimum_payment, total_due"),
        ("late_fee_waiver.pay_in_full_within_days", "7", r"expected a whole number"),
        ("verification.max_failures", 0, r"max_failures: must be at least 1"),
        ("verification.lock_hours", True, r"expected a whole number"),
        ("time_zone", "Mars/Olympus", r"time_zone: unknown time zone 'Mars/Olympus'"),
        ("time_zone", "", r"time_zone: expected non-empty text"),
        (
            "quiet_hours.start",
            1320,
            r'quiet_hours\.start: write the time in quotes, e\.g\. "22:00"',
        ),
        ("quiet_hours.end", "8am", r'expected a time "HH:MM"'),
        ("quiet_hours.end", "24:00", r'expected a time "HH:MM"'),
        ("quiet_hours.end", "22:00", r"start and end must differ"),
        ("institution.name", "  ", r"institution\.name: expected non-empty text"),
        ("institution.payment_channels", [], r"payment_channels: expected a non-empty list"),
        ("institution", "示例银行", r"institution: expected a mapping with keys name"),
    ],
)
def test_bad_values_give_clear_errors(spec, dotted, value, message):
    _set(spec, dotted, value)
    with pytest.raises(PolicyFileError, match=message):
        parse_policy(spec, source="policy.yml")


@pytest.mark.parametrize("tenor", ["3m", 0, -6, 7.5, 61, True])
def test_unknown_tenor_in_file(spec, tenor):
    spec["installments"]["monthly_fee_rate_percent"][tenor] = 0.7
    with pytest.raises(
        PolicyFileError, match=r"unknown tenor .*whole number of months from 1 to 60"
    ):
        parse_policy(spec, source="policy.yml")


def test_tenor_listed_twice_as_int_and_text(spec):
    spec["installments"]["monthly_fee_rate_percent"]["12"] = 0.5
    with pytest.raises(PolicyFileError, match=r"tenor 12 is listed twice"):
        parse_policy(spec)


@pytest.mark.parametrize(
    ("dotted", "message"),
    [
        ("institution", r"\(top level\): missing key\(s\): institution"),
        ("installments.monthly_fee_rate_percent", r"installments: missing key\(s\): monthly_fee"),
        ("hardship.max_months", r"hardship: missing key\(s\): max_months"),
        ("quiet_hours.end", r"quiet_hours: missing key\(s\): end"),
        ("institution.hotline", r"institution: missing key\(s\): hotline"),
    ],
)
def test_missing_keys(spec, dotted, message):
    _delete(spec, dotted)
    with pytest.raises(PolicyFileError, match=message):
        parse_policy(spec, source="policy.yml")


def test_unknown_key_is_rejected_with_the_allowed_keys(spec):
    spec["promise_to_pay"]["window_day"] = 30
    with pytest.raises(
        PolicyFileError,
        match=r"promise_to_pay: unknown key\(s\): window_day; allowed: window_days, minimum_amount",
    ):
        parse_policy(spec, source="policy.yml")


def test_duplicate_payment_channel(spec):
    spec["institution"]["payment_channels"].append({"id": "counter", "label": "柜台"})
    with pytest.raises(PolicyFileError, match=r"duplicate channel id\(s\): counter"):
        parse_policy(spec)


def test_payment_channel_needs_a_label(spec):
    spec["institution"]["payment_channels"][1] = {"id": "counter"}
    with pytest.raises(PolicyFileError, match=r"payment_channels\[1\]: missing key\(s\): label"):
        parse_policy(spec)


def test_total_due_only_promises(spec):
    spec["promise_to_pay"]["minimum_amount"] = "total_due"
    assert parse_policy(spec).promise_to_pay.minimum_amount is PromiseMinimum.TOTAL_DUE
