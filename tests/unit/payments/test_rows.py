"""Reading and validating payment rows, without a database."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.payments.rows import (
    PaymentRow,
    RowError,
    parse_amount,
    parse_csv,
    parse_objects,
    parse_paid_at,
    parse_row,
)

ZONE = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.timezone.utc)
HEADER = "reference,account,amount,paid_at,channel\n"
GOOD = (
    HEADER + "PAY-001,1,1258.00,2026-12-03T14:05:00+08:00,bank_transfer\n"
    "PAY-002,2,326.05,2026-12-03 09:00,alipay\n"
    "\n"
    "PAY-003,3,100,2026-12-02,\n"
)


def test_a_good_file() -> None:
    batch = parse_csv(GOOD.encode(), ZONE, NOW)
    assert batch.errors == []
    assert batch.total == 3
    first, second, third = batch.rows
    assert first == PaymentRow(
        line=2,
        reference="PAY-001",
        account_id=1,
        amount=Decimal("1258.00"),
        paid_at=dt.datetime(2026, 12, 3, 6, 5, tzinfo=dt.timezone.utc),
        channel="bank_transfer",
    )
    assert second.paid_at == dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.timezone.utc)  # local
    assert (third.line, third.amount, third.channel) == (5, Decimal("100.00"), None)
    assert third.paid_at == dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.timezone.utc)


def test_a_bom_and_crlf_and_column_order_and_case_are_fine() -> None:
    data = "\ufeffPaid_At,AMOUNT,account,reference,note\r\n2026-12-03T10:00Z,5,1,R1,x\r\n"
    batch = parse_csv(data.encode(), ZONE, NOW)
    assert batch.errors == []
    assert batch.rows[0].reference == "R1"


def test_a_gbk_file_is_refused_as_a_whole() -> None:
    data = (HEADER + "PAY-1,1,5,2026-12-03,银行转账\n").encode("gbk")
    batch = parse_csv(data, ZONE, NOW)
    assert batch.rows == []
    [error] = batch.errors
    assert (error.line, error.field) == (0, "file")
    assert "not UTF-8 from line 2" in error.reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"reference,account,paid_at\nR,1,2026-12-01\n", "missing column(s): amount"),
        (b"ref,acct\n", "missing column(s): reference, account, amount, paid_at"),
        (b'reference,account,amount,paid_at\n"R,1,5,2026-12-01\n', "broken quote"),
    ],
)
def test_unreadable_files(data: bytes, reason: str) -> None:
    batch = parse_csv(data, ZONE, NOW)
    assert batch.rows == []
    assert reason in batch.errors[0].reason


def test_bad_rows_are_reported_per_line_and_field_and_the_good_ones_kept() -> None:
    data = (
        HEADER + "PAY-1,1,12.345,2026-12-03,\n"  # three decimals
        "PAY-2,1,-5,2026-12-03,\n"
        "PAY-3,1,abc,2026-13-45T10:00,\n"  # bad amount and bad date on one line
        "PAY-4,1,5,2027-01-01T00:00+08:00,\n"  # in the future
        ",1,5,2026-12-03,\n"
        "PAY-6,x,5,2026-12-03,\n"
        "PAY-7,1,5,2026-12-03,Bank Transfer!\n"
        "PAY-8,1,5\n"  # too few cells
        "PAY-9,1,5,2026-12-03,counter\n"
    )
    batch = parse_csv(data.encode(), ZONE, NOW)
    assert [row.reference for row in batch.rows] == ["PAY-9"]
    assert [(e.line, e.field) for e in batch.errors] == [
        (2, "amount"),
        (3, "amount"),
        (4, "amount"),
        (4, "paid_at"),
        (5, "paid_at"),
        (6, "reference"),
        (7, "account"),
        (8, "channel"),
        (9, "file"),
    ]
    assert batch.errors[4].reason == "in the future"
    assert batch.errors[5].reason == "missing"
    assert batch.errors[0].text() == (
        "line 2: amount: not an amount like 123.45 (digits, at most two decimals)"
    )


def test_full_card_and_phone_numbers_are_refused_and_never_echoed() -> None:
    card, phone = "6217001234565678", "13800001111"
    data = f"{HEADER}{phone},{card},5,2026-12-03,\nR2,1,5,2026-12-03,{card}\n"
    batch = parse_csv(data.encode(), ZONE, NOW)
    assert batch.rows == []
    reasons = " ".join(error.text() for error in batch.errors)
    assert "card" in reasons
    assert card not in reasons and phone not in reasons and "5678" not in reasons


@pytest.mark.parametrize("text", ["0", "0.00", "1e3", "1,000.00", "NaN", "12345678901", " "])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text.strip())


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-12-03T14:05:00+08:00", dt.datetime(2026, 12, 3, 6, 5)),
        ("2026-12-03T06:05:00Z", dt.datetime(2026, 12, 3, 6, 5)),
        ("2026-12-03T14:05", dt.datetime(2026, 12, 3, 6, 5)),  # the policy's time zone
        ("2026-12-03T09:05-05:00", dt.datetime(2026, 12, 3, 14, 5)),
        ("2026-12-03", dt.datetime(2026, 12, 2, 16, 0)),
    ],
)
def test_paid_at(text: str, utc: dt.datetime) -> None:
    assert parse_paid_at(text, ZONE, NOW) == utc.replace(tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("text", ["2026/12/03", "03-12-2026", "yesterday", "2026-12-03T25:00"])
def test_bad_paid_at(text: str) -> None:
    with pytest.raises(ValueError):
        parse_paid_at(text, ZONE, NOW)


def test_json_rows_take_numbers_and_strings() -> None:
    batch = parse_objects(
        [
            {"reference": "A1", "account": 1, "amount": Decimal("10.5"), "paid_at": "2026-12-03"},
            {"reference": "A2", "account": True, "amount": [], "paid_at": 5},
            "not an object",
        ],
        ZONE,
        NOW,
    )
    assert batch.rows[0].amount == Decimal("10.50")
    assert {(e.line, e.field) for e in batch.errors} == {
        (2, "account"),
        (2, "amount"),
        (2, "paid_at"),
        (3, "row"),
    }


def test_card_last4_cross_check_must_be_four_digits() -> None:
    row = {"reference": "A", "account": "1", "amount": "5", "paid_at": "2026-12-01"}
    assert isinstance(parse_row({**row, "card_last4": "6217"}, 2, ZONE, NOW), PaymentRow)
    assert parse_row({**row, "card_last4": "62170012"}, 2, ZONE, NOW) == [
        RowError(2, "card_last4", "must be the last four digits of the card")
    ]
