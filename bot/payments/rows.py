"""Reading and validating payment rows (pure: no database, no files, no clock of its own).

A row has these fields (CSV columns or JSON keys):

- ``reference`` (required): the issuer's payment reference, the idempotency key: 1-64 of
  ``A-Z a-z 0-9 . _ : / -``, starting with a letter or digit, and no card, ID or phone number;
- ``account`` (required): the ledger's account id (``accounts.id``), digits; card numbers are
  refused (the last four digits of a card are not unique across borrowers);
- ``amount`` (required): positive, at most two decimals, below 10,000,000,000;
- ``paid_at`` (required): ISO 8601, ``2026-12-03T14:05:00+08:00`` or ``...Z``; without an
  offset, or a date alone (midnight), in the policy's time zone; not in the future;
- ``channel`` (optional): how it was paid, 1-32 of ``a-z 0-9 _ -`` starting with a letter
  (``bank_transfer``), lower-cased;
- ``card_last4`` (optional): four digits; when given, must match the account's card.

Other CSV columns are ignored. A rejected value is never echoed in a reason (a mistyped
column may hold a card or phone number); reasons name the line and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from bot.compliance.pii import find_pii

logger = logging.getLogger(__name__)

REQUIRED = ("reference", "account", "amount", "paid_at")
OPTIONAL = ("channel", "card_last4")
FILE = "file"  # the field of a rejection about the whole file
MAX_AMOUNT = Decimal("9999999999.99")  # NUMERIC(12, 2)
FUTURE_TOLERANCE = dt.timedelta(minutes=10)  # clocks of two systems differ a little

_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")
_ACCOUNT = re.compile(r"[0-9]{1,9}")
_AMOUNT = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")
_CHANNEL = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_LAST4 = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class RowError:
    """Why a row (or the whole file) was rejected.

    Attributes:
        line: The CSV line (header is line 1) or the JSON row number (from 1); 0 for the file.
        field: The field at fault, or ``file``.
        reason: Why, without the rejected value.
    """

    line: int
    field: str
    reason: str

    def text(self) -> str:
        """One line for a person: ``line 3: amount: not a number``."""
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class PaymentRow:
    """A valid payment row.

    Attributes:
        line: Where it came from (CSV line or JSON row number).
        reference: The issuer's reference.
        account_id: The ledger's account id.
        amount: Positive, two places.
        paid_at: When it was paid, in UTC.
        channel: How it was paid, if given.
        card_last4: The card cross-check, if given.
    """

    line: int
    reference: str
    account_id: int
    amount: Decimal
    paid_at: dt.datetime
    channel: str | None = None
    card_last4: str | None = None

    def content(self) -> tuple[int, Decimal, dt.datetime, str | None]:
        """What must be equal for two rows of one reference to be the same payment."""
        return (self.account_id, self.amount, self.paid_at, self.channel)


@dataclass
class ParsedBatch:
    """Valid rows and rejections of one file or request, in input order."""

    rows: list[PaymentRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("must be a string or a number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if not isinstance(value, str):
        raise ValueError("must be a string or a number")
    return value.strip()


def parse_amount(text: str) -> Decimal:
    """Return a positive amount of at most two decimals.

    Raises:
        ValueError: Not such an amount (the message never repeats the value).
    """
    if not _AMOUNT.fullmatch(text):
        raise ValueError("not an amount like 123.45 (digits, at most two decimals)")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError("not an amount") from None
    if amount <= 0:
        raise ValueError("must be positive")
    if amount > MAX_AMOUNT:
        raise ValueError("too large")
    return amount


def parse_paid_at(text: str, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """Return the payment moment in UTC.

    Args:
        text: ISO 8601 date-time (``Z`` or an offset; without one: ``zone``) or date (midnight
            in ``zone``).
        zone: The policy's time zone.
        now: The current moment (aware): later payments are refused.

    Raises:
        ValueError: Not such a date-time, or in the future.
    """
    value = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        if _DATE.fullmatch(value):
            moment = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
        elif "T" in value or " " in value:
            moment = dt.datetime.fromisoformat(value)
        else:
            raise ValueError
    except ValueError:
        raise ValueError("not an ISO 8601 date-time like 2026-12-03T14:05:00+08:00") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    moment = moment.astimezone(dt.timezone.utc)
    if moment > now + FUTURE_TOLERANCE:
        raise ValueError("in the future")
    return moment


def _account(text: str) -> int:
    if not _ACCOUNT.fullmatch(text):
        if (text.isdigit() and len(text) >= 12) or find_pii(text):
            raise ValueError("must be the ledger's account id, not a card or phone number")
        raise ValueError("must be the ledger's account id (digits)")
    return int(text)


def _reference(text: str) -> str:
    if find_pii(text):
        raise ValueError("looks like a card, ID or phone number")
    if not _REFERENCE.fullmatch(text):
        raise ValueError("must be 1-64 of A-Z a-z 0-9 . _ : / - starting with a letter or digit")
    return text


def _channel(text: str) -> str:
    value = text.lower()
    if not _CHANNEL.fullmatch(value):
        raise ValueError("must be 1-32 of a-z 0-9 _ - starting with a letter")
    return value


def _last4(text: str) -> str:
    if not _LAST4.fullmatch(text):
        raise ValueError("must be the last four digits of the card")
    return text


def parse_row(
    raw: Mapping[str, Any], line: int, zone: ZoneInfo, now: dt.datetime
) -> PaymentRow | list[RowError]:
    """Validate one row.

    Args:
        raw: Field name to value (CSV strings, or JSON strings and numbers).
        line: Its line or row number, for the report.
        zone: The policy's time zone.
        now: The current moment (aware).

    Returns:
        The row, or every problem of it (one per field).
    """
    parsers: dict[str, Any] = {
        "reference": _reference,
        "account": _account,
        "amount": parse_amount,
        "paid_at": lambda text: parse_paid_at(text, zone, now),
        "channel": _channel,
        "card_last4": _last4,
    }
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for name, parse in parsers.items():
        try:
            text = _text(raw, name)
            if not text:
                if name in REQUIRED:
                    errors.append(RowError(line, name, "missing"))
                values[name] = None
                continue
            values[name] = parse(text)
        except ValueError as error:
            errors.append(RowError(line, name, str(error)))
    if errors:
        return errors
    return PaymentRow(
        line=line,
        reference=values["reference"],
        account_id=values["account"],
        amount=values["amount"],
        paid_at=values["paid_at"],
        channel=values["channel"],
        card_last4=values["card_last4"],
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValueError(
            f"not UTF-8 from line {line} (save the file as UTF-8; a GBK file: "
            "iconv -f GBK -t UTF-8)"
        ) from None


def parse_csv(data: bytes, zone: ZoneInfo, now: dt.datetime) -> ParsedBatch:
    """Read and validate a CSV file of payments (UTF-8, with or without a BOM; comma-separated).

    The header names the columns (any order and case; other columns are ignored). A file that
    cannot be read (not UTF-8, no header, a required column missing, a broken quote) yields one
    ``file`` rejection and no rows.

    Args:
        data: The file's bytes.
        zone: The policy's time zone.
        now: The current moment (aware).

    Returns:
        The valid rows and the rejections.
    """
    batch = ParsedBatch()
    try:
        text = _decode(data)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip().lower() for name in next(reader, [])]
        if not any(header):
            raise ValueError("empty file (no header line)")
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise ValueError(f"missing column(s): {', '.join(missing)}")
        records = [(reader.line_num, record) for record in reader]
    except (ValueError, csv.Error) as error:
        batch.errors.append(RowError(0, FILE, _file_reason(error)))
        return batch
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue  # blank lines
        batch.total += 1
        if len(record) != len(header):
            batch.errors.append(
                RowError(line, FILE, f"{len(record)} cells where the header has {len(header)}")
            )
            continue
        _add(batch, parse_row(dict(zip(header, record, strict=True)), line, zone, now))
    return batch


def _file_reason(error: Exception) -> str:
    if isinstance(error, csv.Error):
        return "not a readable CSV file (a broken quote or a NUL byte)"
    return str(error)


def parse_objects(items: list[Any], zone: ZoneInfo, now: dt.datetime) -> ParsedBatch:
    """Validate JSON rows (objects with the CSV's field names); row numbers start at 1."""
    batch = ParsedBatch(total=len(items))
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            batch.errors.append(RowError(number, "row", "must be a JSON object"))
            continue
        _add(batch, parse_row(item, number, zone, now))
    return batch


def _add(batch: ParsedBatch, parsed: PaymentRow | list[RowError]) -> None:
    if isinstance(parsed, PaymentRow):
        batch.rows.append(parsed)
    else:
        batch.errors.extend(parsed)
