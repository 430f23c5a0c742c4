"""How numbers and dates read in a Chinese sentence."""

import datetime as dt
from decimal import Decimal


def money(value: Decimal | int | float) -> str:
    """Format yuan with thousands separators and two decimals: 12580 -> '12,580.00'."""
    return f"{Decimal(str(value)):,.2f}"


def chinese_date(value: dt.date) -> str:
    """Format a date the way it is read back to a borrower: '2026年12月5日'."""
    return f"{value.year}年{value.month}月{value.day}日"
