"""Column types shared by the models: UTC timestamps and money."""

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


def utcnow() -> dt.datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (UTC).

    PostgreSQL stores ``timestamp with time zone``; SQLite stores the naive UTC value. Naive
    datetimes are refused on the way in, so local times cannot slip in unnoticed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Convert an aware datetime to UTC (naive UTC for SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: pass a timezone-aware (UTC) datetime")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Return the stored value as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Money(TypeDecorator):
    """An amount of money: ``NUMERIC(12, 2)``, exchanged as ``Decimal`` with exactly two places.

    Floats are refused, and so are values with fractions of a cent: amounts come from the
    ledger or the plan calculator, already rounded.
    """

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        """Use a float-returning NUMERIC on SQLite; converted back to Decimal below."""
        if dialect.name == "sqlite":
            # SQLite has no decimal type; asking for floats avoids SQLAlchemy's lossy-conversion
            # warning, and amounts below 10**10 with two places round-trip exactly.
            return dialect.type_descriptor(Numeric(12, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(12, 2))

    def process_bind_param(self, value: Decimal | int | str | None, dialect: Dialect) -> Any:
        """Validate an amount and return it as a two-place Decimal."""
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be a Decimal, int or str, not float")
        amount = Decimal(value)
        cents = amount.quantize(CENT)
        if cents != amount:
            raise ValueError(f"money has fractions of a cent: {value}")
        return cents

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Return the stored amount as a two-place Decimal."""
        if value is None:
            return None
        if isinstance(value, float):
            return Decimal(f"{value:.2f}")
        return Decimal(value).quantize(CENT)
