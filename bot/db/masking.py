"""PII masking: the one place that decides how phones, ID numbers and card numbers are hidden.

Use these helpers wherever a person reads or exports borrower data (logs, review screens,
exports, stored guard events). Masking keeps the length and the separators of the original so a
masked text still reads naturally:

- mobile numbers keep the first 3 and last 4 digits: ``138****1111``;
- 18-character resident ID numbers keep the first 3 and last 4 characters:
  ``110***********123X``;
- card numbers (16-19 digits, optionally in groups of four) keep the first 4 and last 4 digits:
  ``6217********5678``.
"""

import logging
import re

logger = logging.getLogger(__name__)

MASK_CHAR = "*"

# An 18-character resident ID: 17 digits and a digit or X check character.
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")
# A card number: 16-19 contiguous digits, or groups of four separated by one space or hyphen.
_CARD_NUMBER = re.compile(r"(?<!\d)(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)(?!\d)")
# A mainland mobile number, optionally with a +86/86 prefix and 3-4-4 separators.
_MOBILE = re.compile(
    r"(?<!\d)(?P<prefix>(?:\+?86)[ -]?)?(?P<number>1[3-9]\d(?:[ -]?\d{4}){2})(?!\d)"
)


def _mask_characters(value: str, keep_head: int, keep_tail: int) -> str:
    """Mask the alphanumeric characters of ``value`` except the first and last few.

    Separators (spaces, hyphens) are kept in place. If the value is too short to keep both
    ends, every alphanumeric character is masked.

    Args:
        value: The text to mask.
        keep_head: How many leading alphanumeric characters stay visible.
        keep_tail: How many trailing alphanumeric characters stay visible.

    Returns:
        The masked text, the same length as ``value``.
    """
    positions = [i for i, char in enumerate(value) if char.isalnum()]
    if len(positions) <= keep_head + keep_tail:
        visible: set[int] = set()
    else:
        visible = set(positions[:keep_head]) | set(positions[len(positions) - keep_tail :])
    return "".join(
        char if (i in visible or not char.isalnum()) else MASK_CHAR for i, char in enumerate(value)
    )


def mask_phone(phone: str) -> str:
    """Mask a phone number, keeping its first 3 and last 4 digits.

    A ``+86``/``86`` country prefix in front of a mainland mobile number is kept visible.

    Args:
        phone: A phone number, e.g. ``"13800001111"`` or ``"+86 138-0000-1111"``.

    Returns:
        The masked number, e.g. ``"138****1111"``. Numbers shorter than 8 digits are masked
        entirely.
    """
    match = _MOBILE.fullmatch(phone.strip())
    if match:
        prefix = match.group("prefix") or ""
        return prefix + _mask_characters(match.group("number"), 3, 4)
    return _mask_characters(phone.strip(), 3, 4)


def mask_id_number(id_number: str) -> str:
    """Mask a resident ID number, keeping its first 3 and last 4 characters.

    Args:
        id_number: An 18-character ID number (the check character may be ``X``).

    Returns:
        The masked ID, e.g. ``"110***********123X"``.
    """
    return _mask_characters(id_number.strip(), 3, 4)


def mask_card(card_number: str) -> str:
    """Mask a bank card number, keeping its first 4 and last 4 digits.

    Args:
        card_number: A 16-19 digit card number, optionally written in groups of four.

    Returns:
        The masked number, e.g. ``"6217********5678"`` or ``"6217 **** **** 5678"``.
    """
    return _mask_characters(card_number.strip(), 4, 4)


def mask_text(text: str) -> str:
    """Mask every ID number, card number and mobile number found inside free text.

    ID numbers are masked first (an 18-digit number is treated as an ID, which keeps less),
    then card numbers, then mobile numbers. Short numbers such as an ID's last four digits or
    amounts are left alone.

    Args:
        text: Any text, e.g. a borrower message or a bot reply.

    Returns:
        The text with the personal numbers masked.
    """
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _CARD_NUMBER.sub(lambda m: mask_card(m.group(0)), text)
    return _MOBILE.sub(
        lambda m: (m.group("prefix") or "") + _mask_characters(m.group("number"), 3, 4), text
    )


class PiiMaskingFilter(logging.Filter):
    """A logging filter that masks PII in every record it sees.

    Attach it to a handler (``handler.addFilter(PiiMaskingFilter())``) so that no full
    phone, ID or card number reaches a log file even if a caller forgets to mask.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message with its masked rendering.

        Args:
            record: The log record; its ``msg`` and ``args`` are rewritten in place.

        Returns:
            Always ``True``: the record is kept, only masked.
        """
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
