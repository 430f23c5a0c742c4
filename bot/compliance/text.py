"""Text normalisation with an offset map, and sentence splitting with offsets.

Patterns and the classifier both read the *normalised* text; spans are mapped back to
offsets in the original text through ``Normalized.span``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.hanzi import to_simplified

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_SPACES = frozenset(" \t\u00a0")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[。！？!?；;…\n]+|\.(?=\s|$)")


@dataclass(frozen=True)
class Normalized:
    """Normalised text and, per normalised character, its offset in the original.

    Attributes:
        text: Normalised text: full-width ASCII folded to half-width, lower-cased,
            zero-width characters dropped, spaces between two CJK characters dropped,
            runs of whitespace collapsed to one space.
        offsets: ``offsets[i]`` is the original offset of ``text[i]``.
        original_length: Length of the original text.
    """

    text: str
    offsets: tuple[int, ...]
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) span to the original text.

        Args:
            start: Start offset in the normalised text.
            end: End offset (exclusive) in the normalised text.

        Returns:
            The (start, end) offsets of the same characters in the original text.
        """
        if start >= end or start >= len(self.offsets):
            position = self.offsets[start] if start < len(self.offsets) else self.original_length
            return position, position
        return self.offsets[start], self.offsets[min(end, len(self.offsets)) - 1] + 1


def _is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching, keeping the offset of every kept character.

    Args:
        text: Any text; non-str input should be converted by the caller.

    Returns:
        The normalised text with its offset map.
    """
    chars: list[str] = []
    offsets: list[int] = []
    folded = to_simplified(text.translate(_FULLWIDTH))
    for index, char in enumerate(folded):
        if char in _ZERO_WIDTH:
            continue
        if char in _SPACES:
            if not chars or chars[-1] == " ":
                continue
            nxt = _next_visible(folded, index + 1)
            if _is_cjk(chars[-1]) and nxt is not None and _is_cjk(nxt):
                continue
            chars.append(" ")
            offsets.append(index)
            continue
        lower = char.lower()
        chars.append(lower if len(lower) == 1 else char)
        offsets.append(index)
    return Normalized("".join(chars), tuple(offsets), len(text))


def _next_visible(text: str, start: int) -> str | None:
    for char in text[start:]:
        if char not in _SPACES and char not in _ZERO_WIDTH:
            return char
    return None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentence spans, terminators included, blank spans dropped.

    Args:
        text: Text to split (normalised or not).

    Returns:
        (start, end) offsets of each sentence, leading/trailing spaces trimmed.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end > begin:
            trimmed.append((begin, end))
    return trimmed
