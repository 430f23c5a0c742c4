"""What a borrower's message may be, on every channel: one place for the input limits.

- :data:`MAX_MESSAGE_CHARS` (500 characters): above it the channel answers the approved
  ``fallback.too_long`` reply, and the NLU never sees the text;
- :data:`MAX_REQUEST_BYTES` (16 KiB): a channel request declaring a larger body gets 413
  before any work (:mod:`bot.rasa_patches.server_limits`);
- :data:`MAX_ACTION_REQUEST_BYTES` (4 MiB): the action server's and the token-protected
  Rasa API's limit (whole trackers, test stories).

:func:`clean_text` removes control characters (NUL included, which PostgreSQL cannot store),
the invisible bidi and zero-width characters that can disguise a message, and lone surrogates
(JSON can carry them, UTF-8 cannot), then trims. Channels and the web app both use it.
:func:`borrower_text` is what every channel hands the bot: the cleaned text without the leading
slashes that would make Rasa read it as an intent command.
"""

from __future__ import annotations

import re

MAX_MESSAGE_CHARS = 500
MAX_REQUEST_BYTES = 16 * 1024
# The action server receives whole trackers: a long conversation is larger than a message.
MAX_ACTION_REQUEST_BYTES = 4 * 1024 * 1024

# C0/C1 controls but tab and line breaks; bidi embeddings, overrides, isolates and marks;
# the zero-width space and the BOM (joiners stay: emoji need them); lone surrogates.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
_BREAKS = re.compile("[\t\r\n]+")
_COMMAND_LEAD = re.compile(r"^[\s/]+")


def clean_text(text: str, keep_newlines: bool = False) -> str:
    """Strip control, bidi and zero-width characters and lone surrogates, then trim.

    Args:
        text: The text as received.
        keep_newlines: Keep line breaks (form fields); otherwise tabs and line breaks become
            one space (a chat message is one line to the NLU).
    """
    text = _INVISIBLE.sub("", text)
    if keep_newlines:
        return text.replace("\t", " ").replace("\r", "").strip()
    return _BREAKS.sub(" ", text).strip()


def too_long(text: str) -> bool:
    """Whether a (cleaned) message is above the limit the NLU accepts."""
    return len(text) > MAX_MESSAGE_CHARS


def borrower_text(text: str) -> str:
    """A borrower's message as the bot may read it: cleaned, and never an intent command.

    Rasa reads a text starting with ``/`` as an intent with entities (``/greet{"a": 1}``); a
    borrower's words are never commands, so every leading slash and the spaces around them go
    (``"/ /greet"`` and ``"/\u3000/greet"`` too). Empty when nothing else is left.
    """
    return _COMMAND_LEAD.sub("", clean_text(text)).strip()
