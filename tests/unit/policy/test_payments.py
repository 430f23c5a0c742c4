"""The pure payment arithmetic: allocation order, promise kept / broken, plan periods."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.policy.payments import (
    Allocation,
    PromiseOutcome,
    allocate,
    paid_periods,
    promise_outcome,
    promise_window,
)

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("150.00", Allocation(D("150.00"), D("0"), D("0"), D("0"))),
        ("200.00", Allocation(D("200.00"), D("0.00"), D("0"), D("0"))),
        ("300.00", Allocation(D("200.00"), D("100.00"), D("0"), D("0"))),
        ("1000.00", Allocation(D("200.00"), D("380.00"), D("420.00"), D("0"))),
        ("12580.00", Allocation(D("200.00"), D("380.00"), D("12000.00"), D("0"))),
        ("12600.50", Allocation(D("200.00"), D("380.00"), D("12000.00"), D("20.50"))),
    ],
)
def test_allocation_pays_late_fees_then_interest_then_principal(amount, expected) -> None:
    split = allocate(D(amount), late_fees=D("200.00"), interest=D("380.00"), principal=D("12000"))
    assert split == expected
    assert split.applied + split.unapplied == D(amount)


def test_allocation_refuses_a_non_positive_amount() -> None:
    with pytest.raises(ValueError):
        allocate(D("0"), late_fees=D("1"), interest=D("1"), principal=D("1"))


DUE = dt.date(2026, 12, 5)


@pytest.mark.parametrize(
    ("paid", "today", "expected"),
    [
        ("500.00", dt.date(2026, 12, 3), PromiseOutcome.KEPT),  # early, in full
        ("500.00", dt.date(2026, 12, 9), PromiseOutcome.KEPT),
        ("600.00", dt.date(2026, 12, 5), PromiseOutcome.KEPT),
        ("499.99", dt.date(2026, 12, 5), PromiseOutcome.OPEN),  # due today: still time
        ("499.99", dt.date(2026, 12, 6), PromiseOutcome.BROKEN),
        ("0.00", dt.date(2026, 12, 6), PromiseOutcome.BROKEN),
        ("0.00", dt.date(2026, 12, 1), PromiseOutcome.OPEN),
    ],
)
def test_promise_outcome(paid, today, expected) -> None:
    assert promise_outcome(D("500.00"), D(paid), DUE, today) is expected


def test_promise_window_is_whole_local_days_inclusive() -> None:
    # Recorded 2026-12-01 17:00 UTC = 2026-12-02 01:00 in Shanghai: the window starts on the 2nd.
    created = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.timezone.utc)
    start, end = promise_window(created, DUE, SHANGHAI)
    assert start == dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.timezone.utc)
    assert end == dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.timezone.utc)  # 6 Dec 00:00 local


@pytest.mark.parametrize(
    ("paid", "expected"),
    [("0", 0), ("1057.99", 0), ("1058.00", 1), ("3200.00", 3), ("99999.00", 12), ("-5", 0)],
)
def test_paid_periods(paid, expected) -> None:
    assert paid_periods(D(paid), D("1058.00"), 12) == expected
