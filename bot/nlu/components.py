"""Rasa graph component that adds normalized Chinese entities to parsed messages.

Add it to ``config.yml`` after the tokenizer (it needs no training)::

    - name: bot.nlu.components.ChineseEntityExtractor

The date entity is resolved against today's date in the policy file's time zone
(``bot.clock``); ``BOT_TODAY=YYYY-MM-DD`` pins it for reproducible evaluations.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.clock import local_today
from bot.intent_names import EXPRESS_DISTRESS
from bot.nlu.entities import ENTITY_TYPES, extract_entities
from bot.nlu.safety import find_distress
from bot.policy import load_policy

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
# Rasa is untyped: its base classes are Any to mypy, hence the ignore[misc] below.
class ChineseEntityExtractor(GraphComponent, EntityExtractorMixin):  # type: ignore[misc]
    """Extracts amount, installments, phone, id_last4 and date with normalized values.

    Entities found by other extractors are kept; ours are appended with ``extractor``
    set to this component's name.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the default config.

        ``dimensions``: entity types to keep (default: all of ``ENTITY_TYPES``).
        """
        return {"dimensions": None}

    @staticmethod
    def supported_languages() -> list[str] | None:
        """Returns the languages this component understands."""
        return ["zh"]

    @staticmethod
    def required_packages() -> list[str]:
        """Returns the packages this component imports."""
        return ["cn2an", "dateutil"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ChineseEntityExtractor:
        """Creates the component (it has nothing to train or load).

        Args:
            config: Overrides of the default config.
            model_storage: Unused.
            resource: Unused.
            execution_context: Unused.

        Returns:
            The component.
        """
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        """Creates the component and checks the configuration.

        Args:
            config: Overrides of the default config.

        Raises:
            ValueError: If ``dimensions`` names an unknown entity type or ``BOT_TODAY``
                is not an ISO date.
        """
        self._config = {**self.get_default_config(), **config}
        dimensions = self._config["dimensions"] or ENTITY_TYPES
        unknown = set(dimensions) - set(ENTITY_TYPES)
        if unknown:
            raise ValueError(f"Unknown dimensions {sorted(unknown)}; known: {ENTITY_TYPES}")
        self._dimensions = set(dimensions)
        # The policy file is the one source of the time zone; read it once, and fail at
        # start-up rather than on the first message if it or BOT_TODAY is wrong.
        self._time_zone = load_policy().time_zone
        local_today(self._time_zone)

    def process(self, messages: list[Message]) -> list[Message]:
        """Appends the entities found in each message's text.

        Args:
            messages: Messages parsed by the earlier pipeline components.

        Returns:
            The same messages, with entities added.
        """
        today = local_today(self._time_zone)
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = [
                dict(entity)
                for entity in extract_entities(text, today)
                if entity["entity"] in self._dimensions
            ]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DistressOverride(GraphComponent):  # type: ignore[misc]  # Rasa is untyped: subclassing Any
    """Sets the intent to ``express_distress`` when a message expresses despair or self-harm.

    Runs after the intent classifier and the fallback classifier, so that a borrower in distress
    is never answered with collection because a learned model was unsure (see bot/nlu/safety.py).
    """

    INTENT = EXPRESS_DISTRESS

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DistressOverride:
        """Creates the component (nothing to train or load)."""
        return cls()

    @staticmethod
    def supported_languages() -> list[str] | None:
        """Chinese, with a few English phrases."""
        return ["zh"]

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides the intent of messages that express distress."""
        for message in messages:
            if find_distress(message.get(TEXT) or "") is None:
                continue
            override = {INTENT_NAME_KEY: self.INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [
                entry
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get(INTENT_NAME_KEY) != self.INTENT
            ]
            message.set(INTENT, override, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
        return messages
