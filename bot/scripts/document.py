"""The line markup of a document script (``form: document``, e.g. ``scripts_library/notices.yml``).

A document's one variant is written in lines, each one block:

| line | block |
|---|---|
| ``# 标题`` | the title |
| ``## 一、欠款情况`` | a section heading |
| ``| 本金 | {principal}元 |`` | a row of a two-column table (consecutive rows make one table) |
| ``> {institution}`` | a closing line, set to the right (sender, seal, date) |
| anything else | a paragraph |

Blank lines are skipped. The markup only lays the text out: :func:`plain_text` is what a reader
reads, and the compliance guard checks exactly that.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

TITLE = "title"
HEADING = "heading"
ROW = "row"
CLOSING = "closing"
PARAGRAPH = "paragraph"

_PREFIXES = (("## ", HEADING), ("# ", TITLE), ("> ", CLOSING))


@dataclass(frozen=True)
class Block:
    """One line of a document: its kind and its text (a table row has a label and a value)."""

    kind: str
    text: str
    value: str = ""

    @property
    def plain(self) -> str:
        """The block as a reader reads it (a row: ``label：value``)."""
        return f"{self.text}：{self.value}" if self.kind == ROW else self.text


def _block(line: str) -> Block:
    for prefix, kind in _PREFIXES:
        if line.startswith(prefix):
            return Block(kind, line[len(prefix) :].strip())
    if line.startswith("|") and line.endswith("|") and line.count("|") == 3:
        label, value = (cell.strip() for cell in line[1:-1].split("|"))
        return Block(ROW, label, value)
    return Block(PARAGRAPH, line)


def parse_document(text: str) -> list[Block]:
    """Split a document's text into blocks, in order (blank lines skipped)."""
    return [_block(line.strip()) for line in text.splitlines() if line.strip()]


def plain_text(blocks: list[Block]) -> str:
    """The document as plain text, one block a line: what the guard checks and a reader reads."""
    return "\n".join(block.plain for block in blocks)
