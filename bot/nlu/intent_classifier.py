"""Character n-gram intent classifier that votes together with DIET.

DIET alone is confidently wrong on many phrasings it has not seen (a fresh probe: "还款日是几号"
-> out_of_scope at 1.00). A TF-IDF logistic regression over character 1–3-grams generalises
differently: it needs no word segmentation, so typos, slang and dialect hurt it less. On
fresh probes it was as accurate as DIET alone, and the two together beat either; see the
README (section NLU) for the numbers.

Place it after ``DIETClassifier`` and before ``FallbackClassifier``::

    - name: bot.nlu.intent_classifier.CharNgramIntentClassifier
      diet_weight: 0.3

The final intent ranking is ``diet_weight * DIET + (1 - diet_weight) * this model``. Entity
spans already on the message (our extractor's at run time, the annotations in training) are
replaced by a placeholder per entity type first, so "15号还3000" and "月底还五百" look alike.

A message that gives an identity and also asks for something ("13700003333 身份证9012 查一下我欠
多少") gets one more entity, ``request``, whose value is the intent of the rest of the message:
when the top intent is ``provide_identity``, this model alone classifies the text left once the
phone and ID spans and the identity words are removed (``identity_remainder``), and the entity
is added when that intent is a real request (not provide_identity, affirm, greet or
nlu_fallback) with a probability of at least ``request_threshold``. Its span is the remainder.

A message that asks two questions ("我现在欠多少？还有怎么还？") gets the same entity for
the second: when the top intent is one of ``intent_names.FIRST_REQUESTS``, each clause (cut at
punctuation, "还有", "另外", "顺便", "再说下", "also") is classified alone, and
the first clause whose intent is another of those questions, at ``request_threshold`` or
more, names it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_names import (
    AFFIRM,
    FIRST_REQUESTS,
    GREET,
    NLU_FALLBACK,
    PROVIDE_IDENTITY,
    QUESTIONS,
)
from bot.nlu.entities import ENTITY_TYPES, ID_LAST4, PHONE
from bot.nlu.identifiers import identity_remainder
from bot.nlu.matches import overlaps
from bot.textclf import TfidfLogistic, char_ngrams

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_classifier.npz"
#: When two entities share a span (a bare "1234" is both), the earlier type names it.
_MASK_PRIORITY = {name: rank for rank, name in enumerate(("phone", "id_last4", "date"))}
REQUEST_ENTITY = "request"
IDENTITY_INTENT = PROVIDE_IDENTITY
#: Intents that are no request of their own next to an identity ("对 是我 13800001111").
NOT_REQUESTS = frozenset({IDENTITY_INTENT, AFFIRM, GREET, NLU_FALLBACK})
_CLAUSE = re.compile(
    r"[?？。;；!！,，\n]+|还有|另外|顺便(?:问(?:一下|下)?)?|再说下|再问下|(?i:\balso\b)"
)
"""Where a second question may start ("…多少？还有怎么还？")."""


def masked_text(text: str, entities: Iterable[dict[str, Any]]) -> str:
    """The text with each entity span replaced by ``⟨type⟩``, lower-cased.

    Overlapping spans keep the longer one (then phone, id_last4 and date before the others).
    """
    spans = sorted(
        (
            (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END], e[ENTITY_ATTRIBUTE_TYPE])
            for e in entities
            if e.get(ENTITY_ATTRIBUTE_TYPE) in ENTITY_TYPES
        ),
        key=lambda s: (s[0] - s[1], _MASK_PRIORITY.get(s[2], len(_MASK_PRIORITY))),
    )
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if not any(overlaps((start, end), kept[:2]) for kept in chosen):
            chosen.append((start, end, kind))
    for start, end, kind in sorted(chosen, reverse=True):
        text = f"{text[:start]} ⟨{kind}⟩ {text[end:]}"
    return text.lower()


def word_ngrams(text: str, min_n: int = 1, max_n: int = 3) -> list[str]:
    """Character n-grams within each space-separated word, framed by spaces (like ``char_wb``)."""
    return [gram for word in text.split() for gram in char_ngrams(f" {word} ", min_n, max_n)]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
# Rasa is untyped: its base classes are Any to mypy, hence the ignore[misc] below.
class CharNgramIntentClassifier(GraphComponent, IntentClassifier):  # type: ignore[misc]
    """TF-IDF character n-grams + logistic regression, averaged with the earlier ranking."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the default config.

        ``min_ngram``/``max_ngram``: character n-gram sizes; ``C``: inverse regularisation;
        ``diet_weight``: weight of the ranking already on the message (DIET's), 0 to ignore it;
        ``ranking_length``: intents kept in the ranking; ``request_threshold``: least probability
        of the ``request`` found next to an identity (see the module docstring).
        """
        return {
            "min_ngram": 1,
            "max_ngram": 3,
            "C": 30.0,
            "diet_weight": 0.3,
            "ranking_length": 10,
            "request_threshold": 0.5,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Returns the packages this component imports."""
        return ["sklearn", "numpy"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CharNgramIntentClassifier:
        """Creates an untrained component."""
        return cls(config, model_storage, resource)

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        scorer: TfidfLogistic | None = None,
    ) -> None:
        """Creates the component.

        Raises:
            ValueError: If ``diet_weight`` is not between 0 and 1 or the n-gram sizes are wrong.
        """
        self._config = {**self.get_default_config(), **config}
        if not 0.0 <= float(self._config["diet_weight"]) <= 1.0:
            raise ValueError("diet_weight must be between 0 and 1")
        if not 1 <= int(self._config["min_ngram"]) <= int(self._config["max_ngram"]):
            raise ValueError("need 1 <= min_ngram <= max_ngram")
        self._model_storage = model_storage
        self._resource = resource
        self._scorer = scorer

    def _grams(self, message: Message) -> list[str]:
        text = masked_text(message.get(TEXT) or "", message.get(ENTITIES) or [])
        return word_ngrams(text, int(self._config["min_ngram"]), int(self._config["max_ngram"]))

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the model on the intent examples and stores it.

        Args:
            training_data: The NLU training data (entity annotations give the masked spans).

        Returns:
            The resource the model was written to.
        """
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("CharNgramIntentClassifier: fewer than two intents, not trained")
            return self._resource
        self._scorer = TfidfLogistic.fit(
            [self._grams(m) for m in examples],
            [m.get(INTENT) for m in examples],
            C=float(self._config["C"]),
        )
        with self._model_storage.write_to(self._resource) as directory:
            np.savez_compressed(directory / MODEL_FILE, **self._scorer.arrays())
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CharNgramIntentClassifier:
        """Loads the trained arrays (no pickle); an untrained component passes messages on."""
        scorer = None
        try:
            with (
                model_storage.read_from(resource) as directory,
                np.load(directory / MODEL_FILE, allow_pickle=False) as arrays,
            ):
                scorer = TfidfLogistic.from_arrays(arrays)
        except (ValueError, OSError, KeyError) as error:
            logger.warning("CharNgramIntentClassifier: no trained model (%s)", error)
        return cls(config, model_storage, resource, scorer)

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets each message's intent and ranking to the weighted vote of DIET and this model."""
        if self._scorer is None:
            return messages
        weight = float(self._config["diet_weight"])
        classes = self._scorer.classes
        for message in messages:
            if not message.get(TEXT):
                continue
            scores = (1.0 - weight) * self._scorer.probabilities(self._grams(message))
            earlier = message.get(INTENT_RANKING_KEY) or []
            if weight and earlier:
                for entry in earlier:
                    column = self._scorer.column_of.get(entry.get(INTENT_NAME_KEY))
                    if column is not None:
                        scores[column] += weight * float(entry[PREDICTED_CONFIDENCE_KEY])
            else:
                scores = scores / scores.sum()
            order = np.argsort(-scores)[: int(self._config["ranking_length"])]
            ranking = [
                {INTENT_NAME_KEY: classes[i], PREDICTED_CONFIDENCE_KEY: float(scores[i])}
                for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            if ranking[0][INTENT_NAME_KEY] == IDENTITY_INTENT:
                self._add_request(message, self._scorer)
            elif ranking[0][INTENT_NAME_KEY] in FIRST_REQUESTS:
                self._add_second_question(message, self._scorer, ranking[0][INTENT_NAME_KEY])
        return messages

    def _add_second_question(self, message: Message, scorer: TfidfLogistic, first: str) -> None:
        """Adds ``request`` when a clause of the message asks another question than ``first``."""
        text = message.get(TEXT) or ""
        entities = message.get(ENTITIES) or []
        start = 0
        for cut in [*_CLAUSE.finditer(text), None]:
            end = cut.start() if cut else len(text)
            clause = text[start:end]
            if len(clause.strip()) >= 2 and (start, end) != (0, len(text)):
                inside = [
                    {
                        **e,
                        ENTITY_ATTRIBUTE_START: e[ENTITY_ATTRIBUTE_START] - start,
                        ENTITY_ATTRIBUTE_END: e[ENTITY_ATTRIBUTE_END] - start,
                    }
                    for e in entities
                    if start <= e[ENTITY_ATTRIBUTE_START] and e[ENTITY_ATTRIBUTE_END] <= end
                ]
                intent, confidence = self._classify(scorer, clause, inside)
                threshold = float(self._config["request_threshold"])
                if intent in QUESTIONS and intent != first and confidence >= threshold:
                    self._set_request(message, intent, confidence, start, end)
                    return
            start = cut.end() if cut else len(text)

    def _add_request(self, message: Message, scorer: TfidfLogistic) -> None:
        """Adds the ``request`` entity when the rest of an identity message asks for something."""
        text = message.get(TEXT) or ""
        entities = message.get(ENTITIES) or []
        identifiers = [
            (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END])
            for e in entities
            if e.get(ENTITY_ATTRIBUTE_TYPE) in (PHONE, ID_LAST4)
        ]
        remainder = identity_remainder(text, identifiers)
        if remainder is None:
            return
        rest, start, end = remainder
        others = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) not in (PHONE, ID_LAST4)]
        intent, confidence = self._classify(scorer, rest, others)
        if intent in NOT_REQUESTS or confidence < float(self._config["request_threshold"]):
            return
        self._set_request(message, intent, confidence, start, end)

    def _classify(
        self, scorer: TfidfLogistic, text: str, entities: list[dict[str, Any]]
    ) -> tuple[str, float]:
        """This model alone on a part of a message: the top intent and its probability."""
        grams = word_ngrams(
            masked_text(text, entities),
            int(self._config["min_ngram"]),
            int(self._config["max_ngram"]),
        )
        probabilities = scorer.probabilities(grams)
        best = int(np.argmax(probabilities))
        return scorer.classes[best], float(probabilities[best])

    def _set_request(
        self, message: Message, intent: str, confidence: float, start: int, end: int
    ) -> None:
        """Add the ``request`` entity naming ``intent`` over ``text[start:end]``."""
        request = {
            ENTITY_ATTRIBUTE_TYPE: REQUEST_ENTITY,
            ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end,
            "value": intent,
            "confidence": confidence,
            "extractor": self.__class__.__name__,
        }
        entities = message.get(ENTITIES) or []
        message.set(ENTITIES, [*entities, request], add_to_output=True)
