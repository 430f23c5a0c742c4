import json
from decimal import Decimal
from pathlib import Path

import pytest

from bot.nlu import evaluate
from bot.nlu.evaluate import EntityAnnotation, TestExample


def parse(intent, entities=(), confidence=0.9, ranking=None):
    result = {"intent": {"name": intent, "confidence": confidence}, "entities": list(entities)}
    if ranking is not None:
        result["intent_ranking"] = ranking
    return result


def entity(name, value, start, end):
    return {"entity": name, "value": value, "start": start, "end": end}


PROMISE = TestExample(
    text="我明天还1258",
    intent="promise_to_pay",
    entities=(
        EntityAnnotation("date", "2026-12-01", 1, 3),
        EntityAnnotation("amount", "1258", 4, 8),
    ),
)
GREET = TestExample(text="你好", intent="greet")
BYE = TestExample(text="拜拜", intent="goodbye")
IDENTITY = TestExample(
    text="手机13900002222",
    intent="provide_identity",
    entities=(EntityAnnotation("phone", "13900002222", 2, 13),),
)


def perfect_parse(example):
    return parse(
        example.intent,
        [entity(e.entity, e.value, e.start, e.end) for e in example.entities],
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1258, "1258"),
        (3260.5, "3260.50"),
        ("3260.50", "3260.50"),
        ("3260.5", "3260.50"),
        (Decimal("800.00"), "800"),
        (15000.0, "15000"),
        ("0101", "0101"),
        ("567X", "567X"),
        ("2026-12-01", "2026-12-01"),
        ("13800001111", "13800001111"),
    ],
)
def test_value_string_canonicalizes_numbers_only(value, expected):
    assert evaluate.value_string(value) == expected


def test_perfect_parses_score_one():
    examples = [PROMISE, GREET, IDENTITY]
    report = evaluate.build_report(examples, [perfect_parse(e) for e in examples])

    assert report["intent_accuracy"] == 1.0
    assert report["confusions"] == []
    assert report["intent_errors"] == []
    assert report["entity_errors"] == []
    assert set(report["entities"]) == {"amount", "date", "phone"}
    for score in report["entities"].values():
        assert (score["precision"], score["recall"]) == (1.0, 1.0)


def test_intent_confusions_are_counted_with_an_example():
    examples = [GREET, GREET, BYE, PROMISE]
    parses = [
        parse("goodbye"),
        parse("goodbye"),
        parse("goodbye"),
        perfect_parse(PROMISE),
    ]

    report = evaluate.build_report(examples, parses)

    assert report["intent_accuracy"] == pytest.approx(0.5)
    assert report["confusions"] == [
        {"gold": "greet", "predicted": "goodbye", "count": 2, "example": "你好"}
    ]
    assert report["intents"]["greet"]["recall"] == 0.0
    assert report["intents"]["greet"]["support"] == 2
    assert report["intents"]["goodbye"]["precision"] == pytest.approx(1 / 3)
    assert report["intents"]["goodbye"]["recall"] == 1.0


def test_fallback_is_an_error_and_reports_the_top_intent():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "greet", "confidence": 0.4},
        {"name": "goodbye", "confidence": 0.3},
    ]
    report = evaluate.build_report([GREET], [parse("nlu_fallback", ranking=ranking)])

    assert report["intent_accuracy"] == 0.0
    assert report["fallbacks"] == 1
    assert report["intent_errors"][0]["top_intent"] == "greet"


def test_wrong_entity_value_is_a_false_positive_and_a_false_negative():
    wrong = parse(
        "promise_to_pay",
        [entity("date", "2026-12-02", 1, 3), entity("amount", 1258, 4, 8)],
    )

    report = evaluate.build_report([PROMISE], [wrong])

    date = report["entities"]["date"]
    assert (date["true_positives"], date["false_positives"], date["false_negatives"]) == (0, 1, 1)
    assert report["entities"]["amount"]["precision"] == 1.0
    assert report["entity_errors"][0]["missing"] == ["date=2026-12-01@1-3'明天'"]


def test_span_difference_counts_only_in_the_strict_score():
    shifted = parse(
        "promise_to_pay",
        [entity("date", "2026-12-01", 1, 3), entity("amount", "1258", 3, 8)],
    )

    report = evaluate.build_report([PROMISE], [shifted])

    assert report["entities"]["amount"]["recall"] == 0.0
    assert report["entities_ignoring_span"]["amount"]["recall"] == 1.0


def test_spurious_entity_lowers_precision_of_its_type_only():
    extra = parse("greet", [entity("amount", 88, 0, 2)])

    report = evaluate.build_report([GREET, PROMISE], [extra, perfect_parse(PROMISE)])

    amount = report["entities"]["amount"]
    assert amount["precision"] == pytest.approx(0.5)
    assert amount["recall"] == 1.0
    assert report["entities"]["date"]["precision"] == 1.0


def test_build_report_rejects_misaligned_parses():
    with pytest.raises(ValueError, match="2 examples but 1 parses"):
        evaluate.build_report([GREET, BYE], [parse("greet")])


async def test_evaluate_parses_accepts_sync_and_async_parse_functions():
    examples = [GREET, BYE]
    by_text = {e.text: perfect_parse(e) for e in examples}

    async def async_parse(text):
        return by_text[text]

    assert (await evaluate.evaluate_parses(examples, by_text.get))["intent_accuracy"] == 1.0
    assert (await evaluate.evaluate_parses(examples, async_parse))["intent_accuracy"] == 1.0


def test_printed_and_written_reports_mask_phone_numbers(tmp_path: Path):
    report = evaluate.build_report([IDENTITY], [parse("greet")])

    text = evaluate.format_report(report)
    path = evaluate.write_report(report, tmp_path / "nlu")

    assert "13900002222" not in text
    assert "139****2222" in text
    assert "13900002222" not in path.read_text(encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["intent_accuracy"] == 0.0


def test_run_exits_one_below_the_floor(tmp_path: Path, capsys):
    examples = [GREET, BYE, PROMISE, IDENTITY]
    parses = [perfect_parse(e) for e in examples[:3]] + [parse("greet")]
    report = evaluate.build_report(examples, parses)

    assert evaluate.run(report, floor=0.75, report_dir=tmp_path) == 0
    assert evaluate.run(report, floor=0.9) == 1
    assert "FAILED" in capsys.readouterr().out
    assert (tmp_path / evaluate.REPORT_FILE_NAME).is_file()


def test_load_examples_reads_intents_and_normalized_entities(tmp_path: Path):
    data = tmp_path / "test_nlu.yml"
    data.write_text(
        """version: "3.1"
nlu:
- intent: promise_to_pay
  examples: |
    - [明天]{"entity": "date", "value": "2026-12-01"}还[五百]{"entity": "amount", "value": "500"}
- intent: provide_identity
  examples: |
    - 尾号[012x]{"entity": "id_last4", "value": "012X"}
""",
        encoding="utf-8",
    )

    examples = evaluate.load_examples(data)

    assert examples == [
        TestExample(
            "明天还五百",
            "promise_to_pay",
            (
                EntityAnnotation("date", "2026-12-01", 0, 2),
                EntityAnnotation("amount", "500", 3, 5),
            ),
        ),
        TestExample("尾号012x", "provide_identity", (EntityAnnotation("id_last4", "012X", 2, 6),)),
    ]


def test_load_examples_fails_on_a_missing_path(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        evaluate.load_examples(tmp_path / "missing")


def test_main_rejects_a_missing_model(tmp_path: Path):
    assert evaluate.main(["--model", str(tmp_path / "none.tar.gz")]) == 2


def test_the_request_entity_is_not_scored_as_an_entity():
    found = perfect_parse(IDENTITY)
    found["entities"].append(entity("request", "ask_balance", 14, 20))
    report = evaluate.build_report([IDENTITY], [found])
    assert set(report["entities"]) == {"phone"}
    assert report["entities"]["phone"]["precision"] == 1.0
    assert report["entity_errors"] == []
