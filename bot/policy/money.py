"""Money helpers: Decimal conversion and rounding to the cent."""

from decimal import ROUND_HALF_UP, Decimal

from bot.policy.errors import InvalidAmountError

CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Convert a value to a finite Decimal without losing precision.

    Args:
        value: A Decimal, an int, or a decimal string such as ``"605.94"``. Floats are
            refused because they cannot represent cents exactly.

    Returns:
        The value as a Decimal.

    Raises:
        TypeError: If the value is a float, a bool or another type.
        InvalidAmountError: If a string is not a decimal number, or the value is not finite.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except ArithmeticError as exc:
        raise InvalidAmountError(f"not a decimal number: {value!r}") from exc
    if not amount.is_finite():
        raise InvalidAmountError(f"money must be finite, got {value!r}")
    return amount


def round_cents(value: Decimal) -> Decimal:
    """Round a Decimal half-up to the cent.

    Args:
        value: Any finite Decimal.

    Returns:
        The value rounded to two decimal places, halves away from zero.
    """
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_whole_cents(value: Decimal) -> bool:
    """Tell whether a Decimal has no digits below the cent.

    Args:
        value: A finite Decimal.

    Returns:
        True if ``value`` equals itself rounded to the cent.
    """
    return value == value.quantize(CENT)
