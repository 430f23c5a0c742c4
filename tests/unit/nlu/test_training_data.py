"""The NLU training data and the held-out split stay honest and agree with the extractor."""

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest

from bot.dialogue.intents import TRAINED_INTENTS
from bot.nlu.entities import extract_entities
from bot.nlu.evaluate import load_examples, value_string

ROOT = Path(__file__).resolve().parents[3]
TODAY = dt.date(2026, 11, 30)  # the reference day of tests/nlu (see its header)
INTENTS = TRAINED_INTENTS  # the intent registry (bot/dialogue/intents.py)


@pytest.fixture(scope="module")
def training():
    return load_examples(ROOT / "data" / "nlu")


@pytest.fixture(scope="module")
def held_out():
    return load_examples(ROOT / "tests" / "nlu")


def _key(text: str) -> str:
    """A message as a borrower would repeat it: case, spaces and punctuation ignored."""
    return re.sub(r"[\s，。！？、,.!?~～…]", "", text.lower())


def _value(entity: str, value: object, *, dates: bool) -> tuple[str, str]:
    if entity == "date" and not dates:
        return (entity, "*")
    return (entity, value_string(value))


def _disagreements(examples, *, dates: bool) -> list[str]:
    wrong = []
    for example in examples:
        found = [
            _value(e["entity"], e["value"], dates=dates)
            for e in extract_entities(example.text, TODAY)
        ]
        ids = {value.lstrip("0") for kind, value in found if kind == "id_last4"}
        # A bare four-digit answer is both an ID last four and an amount, by design.
        found = [(k, v) for k, v in found if not (k == "amount" and v in ids)]
        annotated = [_value(a.entity, a.value, dates=dates) for a in example.entities]
        if sorted(found) != sorted(annotated):
            wrong.append(f"{example.text}: annotated {annotated}, extracted {found}")
    return wrong


def test_the_intents_are_exactly_the_product_intents_with_enough_examples(training):
    counts = defaultdict(int)
    for example in training:
        counts[example.intent] += 1
    assert set(counts) == INTENTS
    assert min(counts.values()) >= 30


def test_no_message_is_labelled_with_two_intents(training):
    labels = defaultdict(set)
    for example in training:
        labels[_key(example.text)].add(example.intent)
    assert {text: ls for text, ls in labels.items() if len(ls) > 1} == {}


def test_the_held_out_split_is_never_trained_on(training, held_out):
    trained = {_key(example.text) for example in training}
    assert [e.text for e in held_out if _key(e.text) in trained] == []


def test_held_out_split_covers_every_intent(held_out):
    assert {example.intent for example in held_out} == INTENTS


def test_training_annotations_agree_with_the_extractor(training):
    # Training dates keep their raw text (the data is not tied to a day): only their count counts.
    assert _disagreements(training, dates=False) == []


def test_held_out_annotations_agree_with_the_extractor(held_out):
    assert _disagreements(held_out, dates=True) == []
