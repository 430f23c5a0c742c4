"""Borrower messages as agent assist receives them: Rasa's parse, and a pasted conversation."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.db.masking import mask_text
from bot.dialogue.intents import INTENT_LABELS
from bot.intent_names import NLU_FALLBACK

logger = logging.getLogger(__name__)

AGENT_PREFIX = re.compile(r"^\s*(坐席|客服|机器人|助手|agent|bot|a)\s*[:：]\s*", re.I)
BORROWER_PREFIX = re.compile(r"^\s*(客户|借款人|用户|borrower|customer|user|b|c)\s*[:：]\s*", re.I)


@dataclass(frozen=True)
class Parsed:
    """A borrower message as the Rasa model understood it (entity values masked)."""

    text: str
    intent: str
    confidence: float | None
    entities: tuple[dict[str, Any], ...] = ()
    raw_entities: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    def public(self) -> dict[str, Any]:
        """Return the masked, JSON-ready view."""
        return {
            "text": mask_text(self.text),
            "intent": self.intent,
            "label": INTENT_LABELS.get(self.intent, self.intent),
            "confidence": self.confidence,
            "entities": list(self.entities),
        }


def parsed_from_rasa(text: str, result: Mapping[str, Any]) -> Parsed:
    """Build a :class:`Parsed` from Rasa's ``/model/parse`` answer."""
    intent = result.get("intent") or {}
    raw = tuple(e for e in result.get("entities") or [] if isinstance(e, dict))
    entities = tuple(
        {
            "entity": str(e.get("entity")),
            "value": mask_text(str(e.get("value"))),
            "text": mask_text(text[e["start"] : e["end"]])
            if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
            else "",
        }
        for e in raw
    )
    confidence = intent.get("confidence")
    return Parsed(
        text=text,
        intent=str(intent.get("name") or NLU_FALLBACK),
        confidence=float(confidence) if confidence is not None else None,
        entities=entities,
        raw_entities=raw,
    )


def borrower_lines(history: str, limit: int = 3) -> list[str]:
    """Return the borrower's last messages from a pasted conversation, oldest first.

    Lines starting with an agent or bot prefix (``坐席：``, ``agent:`` ...) are skipped; a
    borrower prefix (``客户：``, ``borrower:`` ...) is removed; unprefixed lines count as the
    borrower's.
    """
    lines = []
    for line in history.splitlines():
        if not line.strip() or AGENT_PREFIX.match(line):
            continue
        lines.append(BORROWER_PREFIX.sub("", line).strip())
    return [line for line in lines if line][-limit:]
