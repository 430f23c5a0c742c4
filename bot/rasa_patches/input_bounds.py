"""The NLU never sees more than the input limit, or control and bidi characters.

Why: ``MessageProcessor.parse_message`` hands any text to the pipeline. A 1 MB message kept
the server busy for more than five minutes (tokenising, n-grams, entity patterns), and it
answered nothing else meanwhile. Our channels already refuse long messages politely; this is
the backstop for every other way in (``/model/parse``, channels added later): the text is
cleaned (:func:`bot.inbound.clean_text`) and cut to :data:`bot.inbound.MAX_MESSAGE_CHARS`.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.core.processor import MessageProcessor

from bot.inbound import MAX_MESSAGE_CHARS, clean_text


def bounded(text: Any) -> Any:
    """``text`` cleaned and cut to the limit (non-text values are left to Rasa)."""
    if not isinstance(text, str):
        return text
    return clean_text(text)[:MAX_MESSAGE_CHARS]


def apply() -> None:
    """Wrap ``MessageProcessor.parse_message``."""
    original = MessageProcessor.parse_message
    if getattr(original, "_bounded", False):
        return

    @functools.wraps(original)
    async def parse_message(self: MessageProcessor, message: Any, *args: Any, **kwargs: Any) -> Any:
        message.text = bounded(message.text)
        return await original(self, message, *args, **kwargs)

    parse_message._bounded = True  # type: ignore[attr-defined]  # a marker on the wrapper
    MessageProcessor.parse_message = parse_message
