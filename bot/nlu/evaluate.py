"""Evaluation of a trained NLU model on the held-out test split.

Prints per-intent precision/recall/F1, intent accuracy, entity precision/recall per entity type
and the intent confusions; writes a JSON report; exits 1 when intent accuracy is under the floor::

    BOT_TODAY=2026-11-30 python -m bot.nlu.evaluate --model models/nlu.tar.gz --data tests/nlu \
        --floor 0.90 --report results/nlu

The metric code is pure and needs no model: ``build_report(examples, parses)`` scores parses
that were already made, and ``evaluate_parses(examples, parse_fn)`` makes them with any parse
function, for example ``agent.parse_message`` of an agent that is already loaded. Only
``main`` loads a model.

An entity counts as correct when its type, its normalized value (as a string; numbers are
compared as integers when whole, else with two decimals) and its span all match the
annotation. The report also gives a span-insensitive score (type and value only), which
tells a wrong value from a span-convention difference. The ``request`` entity (the intent of
what an identity message asks besides the identity) is an intent, not an annotated span: it is
left out of the entity scores.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, TypedDict

from bot import settings
from bot.db.masking import mask_text
from bot.intent_names import NLU_FALLBACK
from bot.settings import TODAY_ENV

logger = logging.getLogger(__name__)

DEFAULT_FLOOR = 0.90
REPORT_FILE_NAME = "nlu_report.json"
FALLBACK_INTENT = NLU_FALLBACK
NO_INTENT = "None"
UNSCORED_ENTITIES = frozenset({"request"})
"""Predicted entities that annotations never carry (see the module docstring)."""

Parse = dict[str, Any]
"""A parse result as returned by ``Agent.parse_message`` (``intent``, ``entities``, ...)."""

ParseFn = Callable[[str], Parse | Awaitable[Parse]]
"""Parses one message text, synchronously or as a coroutine."""


@dataclass(frozen=True)
class EntityAnnotation:
    """An entity with its normalized value (as a string) and its span in the text."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class TestExample:
    """One annotated test message."""

    __test__ = False  # not a pytest test class, despite the name

    text: str
    intent: str
    entities: tuple[EntityAnnotation, ...] = ()


class IntentScore(TypedDict):
    """Precision, recall, F1 and support of one intent."""

    precision: float
    recall: float
    f1: float
    support: int


class EntityScore(TypedDict):
    """Counts, precision, recall and F1 of one entity type."""

    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float
    recall: float
    f1: float
    support: int


class Confusion(TypedDict):
    """How often one gold intent was predicted as another, with an example message."""

    gold: str
    predicted: str
    count: int
    example: str


class Report(TypedDict):
    """Everything the evaluation measured; written as JSON."""

    examples: int
    intent_accuracy: float
    intents: dict[str, IntentScore]
    intent_macro_f1: float
    fallbacks: int
    entities: dict[str, EntityScore]
    entities_ignoring_span: dict[str, EntityScore]
    confusions: list[Confusion]
    intent_errors: list[dict[str, Any]]
    entity_errors: list[dict[str, Any]]


_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")


class _ValueKey(NamedTuple):
    entity: str
    value: str


# --------------------------------------------------------------------------- test data


def load_examples(path: str | Path) -> list[TestExample]:
    """Reads annotated examples from a Rasa NLU YAML file or a directory of them.

    Args:
        path: A file or a directory (all NLU files under it are merged).

    Returns:
        One ``TestExample`` per intent example, in file order.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If it holds no intent examples.
    """
    from rasa.shared.nlu.training_data.loading import load_data  # heavy: import on use

    if not Path(path).exists():
        raise FileNotFoundError(f"No NLU test data at {path}")
    training_data = load_data(str(path))
    examples = [
        TestExample(
            text=message.get("text"),
            intent=message.get("intent"),
            entities=tuple(annotation(entity) for entity in message.get("entities") or []),
        )
        for message in training_data.intent_examples
    ]
    if not examples:
        raise ValueError(f"No intent examples in {path}")
    return examples


def annotation(entity: dict[str, Any]) -> EntityAnnotation:
    """Converts a Rasa entity dict (annotated or predicted) to a comparable annotation.

    Args:
        entity: A dict with ``entity``, ``value``, ``start`` and ``end``.

    Returns:
        The annotation, with the value as a canonical string.
    """
    return EntityAnnotation(
        entity=str(entity["entity"]),
        value=value_string(entity.get("value")),
        start=int(entity["start"]),
        end=int(entity["end"]),
    )


def value_string(value: Any) -> str:
    """Canonical string of an entity value, so "3260.50", 3260.5 and Decimal agree.

    Whole numbers become integers ("15000"), other numbers two decimals ("326.05");
    numeric strings are read the same way, except those with a leading zero (an ID tail such as
    "0101" stays as it is); other strings are kept as they are.

    Args:
        value: The entity value (str, int, float or Decimal).

    Returns:
        The canonical string.
    """
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = Decimal(value.strip())
    else:
        return str(value)
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.quantize(Decimal('0.01'))}"


# --------------------------------------------------------------------------- metrics


def predicted_intent(parse: Parse) -> str:
    """The intent name of a parse ("None" when the parse has none)."""
    intent = parse.get("intent") or {}
    return str(intent.get("name") or NO_INTENT)


def intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, IntentScore]:
    """Precision, recall, F1 and support per intent.

    Args:
        gold: Annotated intents.
        predicted: Predicted intents, aligned with ``gold``.

    Returns:
        Scores for every intent that is annotated or predicted, sorted by name.
    """
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(gold) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        list(gold), list(predicted), labels=labels, zero_division=0
    )
    return {
        label: IntentScore(
            precision=float(precision[i]),
            recall=float(recall[i]),
            f1=float(f1[i]),
            support=int(support[i]),
        )
        for i, label in enumerate(labels)
    }


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of predictions equal to the annotation (0.0 for no examples)."""
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def confusions(
    texts: Sequence[str], gold: Sequence[str], predicted: Sequence[str]
) -> list[Confusion]:
    """Gold -> predicted pairs that differ, most frequent first, each with its first example.

    Args:
        texts: Message texts.
        gold: Annotated intents.
        predicted: Predicted intents.

    Returns:
        The confusion pairs, sorted by count (descending), then by names.
    """
    counts: Counter[tuple[str, str]] = Counter()
    first_example: dict[tuple[str, str], str] = {}
    for text, g, p in zip(texts, gold, predicted, strict=True):
        if g != p:
            counts[g, p] += 1
            first_example.setdefault((g, p), mask_text(text))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        Confusion(gold=g, predicted=p, count=count, example=first_example[g, p])
        for (g, p), count in ordered
    ]


def entity_scores(
    gold: Sequence[Iterable[EntityAnnotation]],
    predicted: Sequence[Iterable[EntityAnnotation]],
    *,
    match_span: bool = True,
) -> dict[str, EntityScore]:
    """Precision and recall per entity type over all messages.

    A predicted entity is a true positive when an annotation of the same message has the same
    type and value (and span, with ``match_span``); each annotation is matched at most once.

    Args:
        gold: Annotated entities per message.
        predicted: Predicted entities per message, aligned with ``gold``.
        match_span: Whether the span must match too.

    Returns:
        Scores for every entity type that is annotated or predicted, sorted by name.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold_entities, predicted_entities in zip(gold, predicted, strict=True):
        expected = Counter(_key(e, match_span) for e in gold_entities)
        found = Counter(_key(e, match_span) for e in predicted_entities)
        for key in expected | found:
            hits = min(expected[key], found[key])
            tp[key.entity] += hits
            fp[key.entity] += found[key] - hits
            fn[key.entity] += expected[key] - hits
    return {
        name: _entity_score(tp[name], fp[name], fn[name])
        for name in sorted(set(tp) | set(fp) | set(fn))
    }


def build_report(examples: Sequence[TestExample], parses: Sequence[Parse]) -> Report:
    """Scores parses against the annotated examples.

    Args:
        examples: The test examples.
        parses: One parse per example, in the same order.

    Returns:
        The report.

    Raises:
        ValueError: If the two sequences differ in length.
    """
    if len(examples) != len(parses):
        raise ValueError(f"{len(examples)} examples but {len(parses)} parses")
    texts = [example.text for example in examples]
    gold = [example.intent for example in examples]
    predicted = [predicted_intent(parse) for parse in parses]
    gold_entities = [example.entities for example in examples]
    predicted_entities = [
        tuple(
            annotation(entity)
            for entity in parse.get("entities") or []
            if entity.get("entity") not in UNSCORED_ENTITIES
        )
        for parse in parses
    ]
    scores = intent_scores(gold, predicted)
    gold_labels = set(gold)
    macro_f1 = sum(scores[label]["f1"] for label in gold_labels) / max(len(gold_labels), 1)
    return Report(
        examples=len(examples),
        intent_accuracy=accuracy(gold, predicted),
        intents=scores,
        intent_macro_f1=macro_f1,
        fallbacks=predicted.count(FALLBACK_INTENT),
        entities=entity_scores(gold_entities, predicted_entities),
        entities_ignoring_span=entity_scores(gold_entities, predicted_entities, match_span=False),
        confusions=confusions(texts, gold, predicted),
        intent_errors=_intent_errors(examples, parses),
        entity_errors=_entity_errors(examples, predicted_entities),
    )


async def evaluate_parses(examples: Sequence[TestExample], parse_fn: ParseFn) -> Report:
    """Parses every example with ``parse_fn`` and scores the results.

    Args:
        examples: The test examples.
        parse_fn: Parses one text; may be a coroutine function such as
            ``agent.parse_message``.

    Returns:
        The report.
    """
    parses: list[Parse] = []
    for example in examples:
        result = parse_fn(example.text)
        if inspect.isawaitable(result):
            result = await result
        parses.append(result)
    return build_report(examples, parses)


def passes(report: Report, floor: float) -> bool:
    """Whether intent accuracy reaches the floor."""
    return report["intent_accuracy"] >= floor


# --------------------------------------------------------------------------- output


def format_report(report: Report, max_errors: int = 40) -> str:
    """Renders the report as plain-text tables.

    Args:
        report: The report.
        max_errors: How many misclassified messages and entity errors to list.

    Returns:
        Text for the console.
    """
    lines = [f"Intents ({report['examples']} examples)"]
    lines.append(f"  {'intent':<22}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for name, score in report["intents"].items():
        lines.append(
            f"  {name:<22}{score['precision']:>10.3f}{score['recall']:>8.3f}"
            f"{score['f1']:>8.3f}{score['support']:>9d}"
        )
    lines.append(
        f"  intent accuracy {report['intent_accuracy']:.4f}, macro F1 "
        f"{report['intent_macro_f1']:.4f}, nlu_fallback {report['fallbacks']}"
    )
    for title, scores in (
        ("Entities (type, value and span)", report["entities"]),
        ("Entities ignoring span (type and value)", report["entities_ignoring_span"]),
    ):
        lines += ["", title]
        lines.append(f"  {'entity':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
        for name, score in scores.items():
            lines.append(
                f"  {name:<14}{score['precision']:>10.3f}{score['recall']:>8.3f}"
                f"{score['f1']:>8.3f}{score['support']:>9d}"
            )
    lines += ["", "Intent confusions (gold -> predicted, count, example)"]
    lines += [
        f"  {c['gold']} -> {c['predicted']}  x{c['count']}  {c['example']}"
        for c in report["confusions"]
    ] or ["  none"]
    lines += ["", "Misclassified messages (gold -> predicted, confidence)"]
    for error in report["intent_errors"][:max_errors]:
        fallback = f" (top: {error['top_intent']})" if "top_intent" in error else ""
        lines.append(
            f"  {error['gold']} -> {error['predicted']}{fallback} "
            f"{error['confidence']:.2f}  {error['text']}"
        )
    if not report["intent_errors"]:
        lines.append("  none")
    lines += ["", "Entity errors (missing = annotated but not found, spurious = found wrongly)"]
    for error in report["entity_errors"][:max_errors]:
        lines.append(f"  {error['text']}  missing={error['missing']} spurious={error['spurious']}")
    if not report["entity_errors"]:
        lines.append("  none")
    return "\n".join(lines)


def write_report(report: Report, directory: str | Path) -> Path:
    """Writes the report as JSON into ``directory`` (created when missing).

    Args:
        report: The report.
        directory: Output folder.

    Returns:
        The path of the written file.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_FILE_NAME
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- helpers


def _key(entity: EntityAnnotation, match_span: bool) -> EntityAnnotation | _ValueKey:
    return entity if match_span else _ValueKey(entity.entity, entity.value)


def _entity_score(tp: int, fp: int, fn: int) -> EntityScore:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return EntityScore(
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        precision=precision,
        recall=recall,
        f1=f1,
        support=tp + fn,
    )


def _intent_errors(
    examples: Sequence[TestExample], parses: Sequence[Parse]
) -> list[dict[str, Any]]:
    errors = []
    for example, parse in zip(examples, parses, strict=True):
        name = predicted_intent(parse)
        if name == example.intent:
            continue
        intent = parse.get("intent") or {}
        error = {
            "text": mask_text(example.text),
            "gold": example.intent,
            "predicted": name,
            "confidence": round(float(intent.get("confidence") or 0.0), 4),
        }
        if name == FALLBACK_INTENT:
            ranked = [r for r in parse.get("intent_ranking") or [] if r["name"] != name]
            error["top_intent"] = ranked[0]["name"] if ranked else NO_INTENT
        errors.append(error)
    return errors


def _entity_errors(
    examples: Sequence[TestExample], predicted: Sequence[tuple[EntityAnnotation, ...]]
) -> list[dict[str, Any]]:
    errors = []
    for example, found in zip(examples, predicted, strict=True):
        expected = Counter(example.entities)
        got = Counter(found)
        missing = sorted((expected - got).elements(), key=lambda e: e.start)
        spurious = sorted((got - expected).elements(), key=lambda e: e.start)
        if missing or spurious:
            errors.append(
                {
                    "text": mask_text(example.text),
                    "missing": [_describe(example.text, e) for e in missing],
                    "spurious": [_describe(example.text, e) for e in spurious],
                }
            )
    return errors


def _describe(text: str, entity: EntityAnnotation) -> str:
    span = mask_text(text[entity.start : entity.end])
    return f"{entity.entity}={mask_text(entity.value)}@{entity.start}-{entity.end}'{span}'"


# --------------------------------------------------------------------------- command line


async def _evaluate_model(model: Path, examples: Sequence[TestExample]) -> Report:
    from rasa.core.agent import Agent  # heavy: import on use

    logger.info("Loading %s", model)
    agent = Agent.load(str(model))
    return await evaluate_parses(examples, agent.parse_message)


def run(report: Report, floor: float, report_dir: str | Path | None = None) -> int:
    """Prints the report, writes it when asked and returns the exit status.

    Args:
        report: The evaluation report.
        floor: Minimum intent accuracy.
        report_dir: Folder for the JSON report, or None.

    Returns:
        0 when intent accuracy reaches the floor, else 1.
    """
    print(format_report(report))
    if report_dir is not None:
        print(f"\nReport written to {write_report(report, report_dir)}")
    if passes(report, floor):
        print(f"\nIntent accuracy {report['intent_accuracy']:.4f} >= floor {floor:.2f}: OK")
        return 0
    print(f"\nIntent accuracy {report['intent_accuracy']:.4f} < floor {floor:.2f}: FAILED")
    return 1


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.nlu.evaluate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--model", required=True, type=Path, help="trained model (.tar.gz)")
    parser.add_argument("--data", default=Path("tests/nlu"), type=Path, help="NLU test data")
    parser.add_argument(
        "--floor", default=DEFAULT_FLOOR, type=float, help="minimum intent accuracy"
    )
    parser.add_argument("--report", type=Path, help="folder for the JSON report")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluates a model on the test split; see the module docstring.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 when intent accuracy reaches the floor, 1 otherwise.
    """
    args = _arguments(argv)
    if not args.model.is_file():
        print(f"No model at {args.model}", file=sys.stderr)
        return 2
    examples = load_examples(args.data)
    if settings.current().today is None and any(
        e.entity == "date" for example in examples for e in example.entities
    ):
        logger.warning("%s is not set: relative dates resolve against the real today", TODAY_ENV)
    report = asyncio.run(_evaluate_model(args.model, examples))
    return run(report, args.floor, args.report)


if __name__ == "__main__":
    sys.exit(main())
