"""Issuer policy: load ``policy.yml`` and validate it into frozen dataclasses."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot import settings
from bot.policy.errors import PolicyFileError, UnknownTenorError
from bot.settings import POLICY_FILE_ENV

logger = logging.getLogger(__name__)

MAX_MONTHS_BY_LAW = 60
"""Personalised installments last at most 5 years (信用卡业务监督管理办法 Art. 70)."""

OPTIONAL_SECTIONS = ("outreach", "notices")
"""Top-level sections a policy file may leave out (their defaults apply)."""

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class PromiseMinimum(str, Enum):
    """Smallest amount a promise to pay may carry."""

    MINIMUM_PAYMENT = "minimum_payment"
    TOTAL_DUE = "total_due"


@dataclass(frozen=True)
class PaymentChannel:
    """An official repayment channel.

    Attributes:
        id: Stable identifier used by code and scripts.
        label: How the bot names the channel to the borrower.
    """

    id: str
    label: str


@dataclass(frozen=True)
class Institution:
    """The issuer the bot speaks for.

    Attributes:
        name: Institution name stated in the opening message.
        hotline: Official customer-service hotline.
        payment_channels: The only channels the bot may name for repayment.
    """

    name: str
    hotline: str
    payment_channels: tuple[PaymentChannel, ...]


@dataclass(frozen=True)
class TenorRate:
    """A standard installment tenor and its monthly fee rate.

    Attributes:
        tenor: Number of monthly periods.
        monthly_fee_rate: Fee per month as a fraction of the amount financed (0.0066 = 0.66 %).
    """

    tenor: int
    monthly_fee_rate: Decimal


@dataclass(frozen=True)
class InstallmentPolicy:
    """Standard installment plans.

    Attributes:
        rates: Offered tenors with their rates, shortest tenor first.
    """

    rates: tuple[TenorRate, ...]

    @property
    def tenors(self) -> tuple[int, ...]:
        """Offered tenors, shortest first."""
        return tuple(rate.tenor for rate in self.rates)

    def rate_for(self, tenor: int) -> Decimal:
        """Return the monthly fee rate of a tenor.

        Args:
            tenor: Number of monthly periods.

        Returns:
            The monthly fee rate as a fraction of the amount financed.

        Raises:
            UnknownTenorError: If the policy does not offer this tenor.
        """
        for rate in self.rates:
            if rate.tenor == tenor:
                return rate.monthly_fee_rate
        offered = ", ".join(str(t) for t in self.tenors)
        raise UnknownTenorError(f"tenor {tenor!r} is not offered; offered tenors: {offered}")


@dataclass(frozen=True)
class HardshipPolicy:
    """Hardship (personalised installment) plans.

    Attributes:
        max_months: Longest plan in months.
        monthly_fee_rate: Monthly fee as a fraction of the amount financed (0 = no fees).
        requires_human_approval: Always True: a human approves every hardship plan.
    """

    max_months: int
    monthly_fee_rate: Decimal
    requires_human_approval: bool


@dataclass(frozen=True)
class PromisePolicy:
    """Promises to pay.

    Attributes:
        window_days: The latest accepted date is today plus this many days.
        minimum_amount: Smallest accepted amount (the minimum payment, or the total due).
    """

    window_days: int
    minimum_amount: PromiseMinimum


@dataclass(frozen=True)
class FeeWaiverPolicy:
    """Late-fee waivers the bot may grant itself.

    Attributes:
        pay_in_full_within_days: Late fees are waived only if the total due is paid in full
            within this many days.
    """

    pay_in_full_within_days: int


@dataclass(frozen=True)
class VerificationPolicy:
    """Identity verification.

    Attributes:
        max_failures: Failed attempts before disclosure is locked.
        lock_hours: Length of the lock in hours.
        idle_minutes: A verified conversation without a turn for this long must verify again.
        client_max_failures: Failed attempts one client (network address) may make across
            conversations within ``client_window_hours`` before it is refused.
        client_window_hours: The window of ``client_max_failures``.
    """

    max_failures: int
    lock_hours: int
    idle_minutes: int = 15
    client_max_failures: int = 5
    client_window_hours: int = 24

    @property
    def idle(self) -> timedelta:
        """How long a verification lasts without a turn."""
        return timedelta(minutes=self.idle_minutes)

    @property
    def lock_duration(self) -> timedelta:
        """Length of the lock."""
        return timedelta(hours=self.lock_hours)


@dataclass(frozen=True)
class QuietHours:
    """Local-time window without outbound collection messages.

    Attributes:
        start: Start of the window (inclusive).
        end: End of the window (exclusive); earlier than ``start`` when it spans midnight.
    """

    start: time
    end: time


@dataclass(frozen=True)
class OutreachPolicy:
    """Outbound contacts the scheduler (``python -m bot.outreach``) may make.

    Attributes:
        daily_cap: Contacts per borrower per local day (at most 3: GB/T 45251-2025).
        weekly_cap: Contacts per borrower in any 7 days (at least ``daily_cap``).
        reminder_lead_days: A promise, or the statement of an account not past due, due
            within this many days gets a pre-due reminder (0: no pre-due reminders).
    """

    daily_cap: int = 1
    weekly_cap: int = 3
    reminder_lead_days: int = 3


MAX_DAILY_CONTACTS = 3
"""At most 3 effective active contacts per borrower per day (GB/T 45251-2025, NIFA 2024)."""


@dataclass(frozen=True)
class NoticePolicy:
    """Formal written notices (``python -m bot.notices``, docs/notices.md).

    Attributes:
        objection_days: Days from receipt the notice gives the cardholder to object (objections
            made later are still taken and checked; the notice says so).
        correspondence_address: Where the cardholder may write to object and send evidence.
    """

    objection_days: int
    correspondence_address: str


@dataclass(frozen=True)
class Policy:
    """The whole issuer policy.

    Attributes:
        institution: Who the bot speaks for, hotline and payment channels.
        installments: Standard installment tenors and rates.
        hardship: Hardship plan limits.
        promise_to_pay: Promise-to-pay limits.
        late_fee_waiver: Late-fee waiver condition.
        verification: Verification failures and lock.
        time_zone: IANA time-zone name for dates and quiet hours.
        quiet_hours: No-outbound window.
        outreach: Outbound caps and reminder lead (optional section; defaults when absent).
        notices: Formal notices (optional section; without it no notice can be issued).
    """

    institution: Institution
    installments: InstallmentPolicy
    hardship: HardshipPolicy
    promise_to_pay: PromisePolicy
    late_fee_waiver: FeeWaiverPolicy
    verification: VerificationPolicy
    time_zone: str
    quiet_hours: QuietHours
    outreach: OutreachPolicy = OutreachPolicy()
    notices: NoticePolicy | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The policy time zone."""
        return ZoneInfo(self.time_zone)


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """Read and validate the policy file.

    Args:
        path: Policy file to read. Defaults to ``POLICY_FILE`` (:mod:`bot.settings`), else
            ``policy.yml`` at the repository root.

    Returns:
        The validated policy.

    Raises:
        PolicyFileError: If the file is missing, is not valid YAML, or breaks a rule; the
            message names the file and the key.
    """
    source = Path(path or settings.current().policy_file)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(
            f"{source}: cannot read the policy file ({exc.strerror}); "
            f"set {POLICY_FILE_ENV} to its path"
        ) from exc
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise PolicyFileError(f"{source}: not valid YAML: {exc}") from exc
    policy = parse_policy(data, source=str(source))
    logger.info("Loaded issuer policy from %s", source)
    return policy


def parse_policy(data: Any, source: str = "policy") -> Policy:
    """Validate already-parsed policy data.

    Args:
        data: The YAML document as Python objects.
        source: Name used at the start of error messages (usually the file path).

    Returns:
        The validated policy.

    Raises:
        PolicyFileError: If a key is missing or unknown, or a value is out of range.
    """
    try:
        return _policy(data)
    except _Invalid as exc:
        raise PolicyFileError(f"{source}: {exc.where}: {exc.message}") from None


class _Invalid(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _fail(where: str, message: str) -> NoReturn:
    raise _Invalid(where or "(top level)", message)


def _join(where: str, key: object) -> str:
    return f"{where}.{key}" if where else str(key)


def _mapping(value: Any, where: str, required: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        _fail(where, f"expected a mapping with keys {', '.join(required)}")
    missing = [key for key in required if key not in value]
    if missing:
        _fail(where, f"missing key(s): {', '.join(missing)}")
    unknown = [str(key) for key in value if key not in required]
    if unknown:
        _fail(where, f"unknown key(s): {', '.join(unknown)}; allowed: {', '.join(required)}")
    return value


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        _fail(where, "expected non-empty text")
    return str(value).strip()


def _whole(value: Any, where: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(where, f"expected a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        _fail(where, f"must be {bound}, got {value}")
    return value


def _percent(value: Any, where: str) -> Decimal:
    """Read a percentage and return it as a fraction (0.75 -> 0.0075)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        _fail(where, f"expected a percentage such as 0.75, got {value!r}")
    try:
        percent = Decimal(str(value).strip())
    except InvalidOperation:
        _fail(where, f"expected a percentage such as 0.75, got {value!r}")
    if not percent.is_finite():
        _fail(where, f"rate must be a finite number, got {value!r}")
    if percent < 0:
        _fail(where, f"rate must not be negative, got {value}")
    if percent >= 100:
        _fail(where, f"rate is a monthly percentage and must be below 100, got {value}")
    return percent / 100


def _clock(value: Any, where: str) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        _fail(where, 'write the time in quotes, e.g. "22:00" (unquoted YAML reads it as a number)')
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        _fail(where, f'expected a time "HH:MM", got {value!r}')
    return time(int(match.group(1)), int(match.group(2)))


def _tenor(key: Any, where: str) -> int:
    if isinstance(key, str) and key.strip().isdigit():
        key = int(key)
    if isinstance(key, bool) or not isinstance(key, int) or not 1 <= key <= MAX_MONTHS_BY_LAW:
        _fail(
            _join(where, key),
            f"unknown tenor {key!r}: a tenor is a whole number of months "
            f"from 1 to {MAX_MONTHS_BY_LAW}, e.g. 3, 6, 12, 24",
        )
    return key


def _policy(data: Any) -> Policy:
    optional: dict[str, Any] = {}
    if isinstance(data, Mapping):
        optional = {key: data[key] for key in OPTIONAL_SECTIONS if key in data}
        data = {key: value for key, value in data.items() if key not in OPTIONAL_SECTIONS}
    top = _mapping(
        data,
        "",
        (
            "institution",
            "installments",
            "hardship",
            "promise_to_pay",
            "late_fee_waiver",
            "verification",
            "time_zone",
            "quiet_hours",
        ),
    )
    return Policy(
        institution=_institution(top["institution"], "institution"),
        installments=_installments(top["installments"], "installments"),
        hardship=_hardship(top["hardship"], "hardship"),
        promise_to_pay=_promise(top["promise_to_pay"], "promise_to_pay"),
        late_fee_waiver=_waiver(top["late_fee_waiver"], "late_fee_waiver"),
        verification=_verification(top["verification"], "verification"),
        time_zone=_time_zone(top["time_zone"], "time_zone"),
        quiet_hours=_quiet_hours(top["quiet_hours"], "quiet_hours"),
        outreach=_outreach(optional.get("outreach", {}), "outreach"),
        notices=_notices(optional["notices"], "notices") if "notices" in optional else None,
    )


def _institution(value: Any, where: str) -> Institution:
    section = _mapping(value, where, ("name", "hotline", "payment_channels"))
    channels_where = _join(where, "payment_channels")
    raw_channels = section["payment_channels"]
    if not isinstance(raw_channels, list) or not raw_channels:
        _fail(channels_where, "expected a non-empty list of {id, label}")
    channels = []
    for index, raw in enumerate(raw_channels):
        item_where = f"{channels_where}[{index}]"
        item = _mapping(raw, item_where, ("id", "label"))
        channels.append(
            PaymentChannel(
                id=_text(item["id"], _join(item_where, "id")),
                label=_text(item["label"], _join(item_where, "label")),
            )
        )
    ids = [channel.id for channel in channels]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        _fail(channels_where, f"duplicate channel id(s): {', '.join(duplicates)}")
    return Institution(
        name=_text(section["name"], _join(where, "name")),
        hotline=_text(section["hotline"], _join(where, "hotline")),
        payment_channels=tuple(channels),
    )


def _installments(value: Any, where: str) -> InstallmentPolicy:
    section = _mapping(value, where, ("monthly_fee_rate_percent",))
    rates_where = _join(where, "monthly_fee_rate_percent")
    raw = section["monthly_fee_rate_percent"]
    if not isinstance(raw, Mapping) or not raw:
        _fail(rates_where, "expected a mapping tenor -> monthly fee rate in percent, e.g. 12: 0.66")
    rates: dict[int, TenorRate] = {}
    for key, rate in raw.items():
        tenor = _tenor(key, rates_where)
        if tenor in rates:
            _fail(_join(rates_where, key), f"tenor {tenor} is listed twice")
        rates[tenor] = TenorRate(tenor, _percent(rate, _join(rates_where, key)))
    return InstallmentPolicy(rates=tuple(rates[tenor] for tenor in sorted(rates)))


def _hardship(value: Any, where: str) -> HardshipPolicy:
    section = _mapping(
        value, where, ("max_months", "monthly_fee_rate_percent", "requires_human_approval")
    )
    approval = section["requires_human_approval"]
    if approval is not True:
        _fail(
            _join(where, "requires_human_approval"),
            "must be true: the bot never approves a hardship plan on its own",
        )
    return HardshipPolicy(
        max_months=_whole(section["max_months"], _join(where, "max_months"), 1, MAX_MONTHS_BY_LAW),
        monthly_fee_rate=_percent(
            section["monthly_fee_rate_percent"], _join(where, "monthly_fee_rate_percent")
        ),
        requires_human_approval=True,
    )


def _promise(value: Any, where: str) -> PromisePolicy:
    section = _mapping(value, where, ("window_days", "minimum_amount"))
    minimum = section["minimum_amount"]
    allowed = [m.value for m in PromiseMinimum]
    if minimum not in allowed:
        _fail(_join(where, "minimum_amount"), f"expected one of {', '.join(allowed)}")
    return PromisePolicy(
        window_days=_whole(section["window_days"], _join(where, "window_days"), 0),
        minimum_amount=PromiseMinimum(minimum),
    )


def _waiver(value: Any, where: str) -> FeeWaiverPolicy:
    section = _mapping(value, where, ("pay_in_full_within_days",))
    key = "pay_in_full_within_days"
    return FeeWaiverPolicy(pay_in_full_within_days=_whole(section[key], _join(where, key), 0))


def _verification(value: Any, where: str) -> VerificationPolicy:
    keys = (
        "max_failures",
        "lock_hours",
        "idle_minutes",
        "client_max_failures",
        "client_window_hours",
    )
    section = _mapping(value, where, keys)
    return VerificationPolicy(**{key: _whole(section[key], _join(where, key), 1) for key in keys})


def _time_zone(value: Any, where: str) -> str:
    name = _text(value, where)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        _fail(where, f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai")
    return name


def _quiet_hours(value: Any, where: str) -> QuietHours:
    section = _mapping(value, where, ("start", "end"))
    start = _clock(section["start"], _join(where, "start"))
    end = _clock(section["end"], _join(where, "end"))
    if start == end:
        _fail(where, "start and end must differ")
    return QuietHours(start=start, end=end)


def _outreach(value: Any, where: str) -> OutreachPolicy:
    """The optional ``outreach`` section; each key defaults to :class:`OutreachPolicy`'s."""
    keys = ("daily_cap", "weekly_cap", "reminder_lead_days")
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        _fail(where, f"expected a mapping with keys {', '.join(keys)} (each optional)")
    unknown = [str(key) for key in value if key not in keys]
    if unknown:
        _fail(where, f"unknown key(s): {', '.join(unknown)}; allowed: {', '.join(keys)}")
    default = OutreachPolicy()
    daily = _whole(
        value.get("daily_cap", default.daily_cap), _join(where, "daily_cap"), 1, MAX_DAILY_CONTACTS
    )
    weekly = _whole(value.get("weekly_cap", default.weekly_cap), _join(where, "weekly_cap"), 1)
    if weekly < daily:
        _fail(_join(where, "weekly_cap"), f"must be at least daily_cap ({daily}), got {weekly}")
    lead = _whole(
        value.get("reminder_lead_days", default.reminder_lead_days),
        _join(where, "reminder_lead_days"),
        0,
        30,
    )
    return OutreachPolicy(daily_cap=daily, weekly_cap=weekly, reminder_lead_days=lead)


def _notices(value: Any, where: str) -> NoticePolicy:
    """The optional ``notices`` section; when present, both keys are required."""
    section = _mapping(value, where, ("objection_days", "correspondence_address"))
    return NoticePolicy(
        objection_days=_whole(section["objection_days"], _join(where, "objection_days"), 1, 365),
        correspondence_address=_text(
            section["correspondence_address"], _join(where, "correspondence_address")
        ),
    )
