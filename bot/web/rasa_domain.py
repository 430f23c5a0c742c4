"""The names declared in ``domain.yml`` that annotations and exports must use.

Read once at app start (not at import). Exports are refused when they would name an intent,
entity or action the domain does not declare, so ``rasa data validate`` accepts them.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.dialogue.intents import INTENTS
from bot.settings import REPO_ROOT

logger = logging.getLogger(__name__)

DEFAULT_DOMAIN = REPO_ROOT / "domain.yml"

# Actions every Rasa 3.6 assistant has without declaring them.
RASA_DEFAULT_ACTIONS = frozenset(
    {
        "action_listen",
        "action_restart",
        "action_session_start",
        "action_default_fallback",
        "action_deactivate_loop",
        "action_revert_fallback_events",
        "action_default_ask_affirmation",
        "action_default_ask_rephrase",
        "action_two_stage_fallback",
        "action_unlikely_intent",
        "action_back",
        "action_extract_slots",
    }
)
# Intents a trainer may not pick as a correction: they are not learnable labels (the registry).
NOT_TRAINABLE = frozenset(i.name for i in INTENTS if not i.trained)


class DomainError(ValueError):
    """The domain file cannot be read."""


@dataclass(frozen=True)
class DomainSpec:
    """Intent, entity, action and slot names of the assistant's domain.

    Attributes:
        intents: Declared intents, in file order.
        entities: Declared entity names.
        actions: Declared actions, forms and responses (``utter_*``).
        featurized_slots: Slots that influence the conversation (``requested_slot`` included),
            the only ones a test story needs.
    """

    intents: tuple[str, ...]
    entities: tuple[str, ...]
    actions: frozenset[str]
    featurized_slots: frozenset[str]

    @property
    def trainable_intents(self) -> tuple[str, ...]:
        """Intents a trainer may assign to a message."""
        return tuple(i for i in self.intents if i not in NOT_TRAINABLE)

    def knows_action(self, name: str) -> bool:
        """Tell whether a story may name this action."""
        return name in self.actions or name in RASA_DEFAULT_ACTIONS


def _names(items: Any) -> list[str]:
    names: list[str] = []
    for item in items or []:
        if isinstance(item, dict):
            names.extend(str(key) for key in item)
        else:
            names.append(str(item))
    return names


def parse_domain(raw: Any) -> DomainSpec:
    """Build the spec from a parsed domain file.

    Raises:
        DomainError: Not a mapping, or no intents.
    """
    if not isinstance(raw, dict) or not raw.get("intents"):
        raise DomainError("domain.yml must be a mapping with a list of intents")
    slots = raw.get("slots") or {}
    featurized = {
        name
        for name, slot in slots.items()
        if not isinstance(slot, dict) or slot.get("influence_conversation", True)
    }
    forms = raw.get("forms") or {}
    actions = set(_names(raw.get("actions"))) | set(forms) | set(raw.get("responses") or {})
    if forms:
        featurized.add("requested_slot")
    return DomainSpec(
        intents=tuple(_names(raw["intents"])),
        entities=tuple(_names(raw.get("entities"))),
        actions=frozenset(actions),
        featurized_slots=frozenset(featurized),
    )


def load_domain(path: str | os.PathLike[str] | None = None) -> DomainSpec:
    """Read ``domain.yml`` (default: the repository's).

    Raises:
        DomainError: The file is missing or malformed.
    """
    path = Path(path or DEFAULT_DOMAIN)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DomainError(f"cannot read {path}: {error}") from error
    return parse_domain(raw)
