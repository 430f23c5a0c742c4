"""PII masking: the one place that decides how phones, ID numbers and card numbers are hidden.

Use these helpers wherever a person reads or exports borrower data (logs, review screens,
exports, stored guard events). *What* is PII is decided by :func:`bot.compliance.pii.find_pii`
(the same finder the compliance guard uses); :func:`mask_text` hides exactly the spans it
returns. Masking replaces each hidden character by one ``*``, so a masked text has the length
of the original (entity offsets stay valid) and keeps its separators and full-width digits:

- card numbers keep the first 4 and last 4 digits: ``6217********5678``,
  ``6217 **** **** 5678``;
- resident ID numbers (18 or 15 characters) keep the first 3 and last 4: ``110***********123X``;
- mobile numbers keep a ``+86``/``86`` prefix, the first 3 and the last 4 digits:
  ``138****1111``, ``+86 138-****-1111``;
- landlines keep the area code and the last 4 digits: ``010-****5678``, ``(021)****4321``.
"""

import logging

from bot.compliance.pii import KIND_CARD, KIND_ID, KIND_LANDLINE, KIND_MOBILE, PiiSpan, find_pii

logger = logging.getLogger(__name__)

MASK_CHAR = "*"

# Kind -> (characters kept at the start after the routing prefix, characters kept at the end).
_VISIBLE = {KIND_CARD: (4, 4), KIND_ID: (3, 4), KIND_MOBILE: (3, 4), KIND_LANDLINE: (0, 4)}


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


def mask_name(name: str) -> str:
    """Keep the first character of a name: ``张伟`` → ``张*``."""
    return name[:1] + "*" * max(0, len(name) - 1)


def mask_phone(phone: str) -> str:
    """Mask a phone number, keeping its first 3 and last 4 digits.

    A ``+86``/``86`` country prefix in front of a mainland mobile number, and a landline's
    area code, are kept visible.

    Args:
        phone: A phone number, e.g. ``"13800001111"`` or ``"+86 138-0000-1111"``.

    Returns:
        The masked number, e.g. ``"138****1111"``. Anything that is not one phone number
        keeps only its first 3 and last 4 alphanumeric characters (numbers shorter than 8
        characters are masked entirely).
    """
    phone = phone.strip()
    spans = find_pii(phone)
    if len(spans) == 1 and (spans[0].start, spans[0].end) == (0, len(phone)):
        return mask_text(phone)
    return _mask_characters(phone, 3, 4)


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
    """Mask every number :func:`bot.compliance.pii.find_pii` finds in free text.

    Short numbers (an ID's last four digits, amounts, dates) are not PII and stay.

    Args:
        text: Any text, e.g. a borrower message or a bot reply.

    Returns:
        The text with the personal numbers masked, the same length as ``text``.
    """
    hidden = {offset for span in find_pii(text) for offset in hidden_offsets(span)}
    if not hidden:
        return text
    return "".join(MASK_CHAR if i in hidden else char for i, char in enumerate(text))


def hidden_offsets(span: PiiSpan) -> set[int]:
    """Return the offsets of the characters masking hides in one PII span.

    Args:
        span: A span from :func:`bot.compliance.pii.find_pii`.

    Returns:
        Offsets (in the text the span was found in) of the characters to replace by
        ``MASK_CHAR``. A character that writes several digits (``⑩``) is hidden when any of
        them is.
    """
    head, tail = _VISIBLE[span.kind]
    head += span.lead
    count = len(span.value)
    return {span.positions[k] for k in range(count) if head <= k < count - tail}


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
