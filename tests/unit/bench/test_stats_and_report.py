"""Percentiles, summaries, the printed table and the headline comparisons."""

import json
import math

from bot.bench import report
from bot.bench.runner import Settings, summarise, training_seconds
from bot.bench.stats import Sample, percentile, summary


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_summary_in_milliseconds_and_messages_per_second() -> None:
    sample = Sample(latencies=[0.01, 0.02, 0.03, 0.04], errors=1, conversations=2, seconds=2.0)
    result = summary(sample)
    assert result["messages"] == 4
    assert result["msg_per_s"] == 2.0
    assert result["p50_ms"] == 20.0
    assert result["p99_ms"] == 40.0
    assert result["errors"] == 1


def test_samples_merge() -> None:
    total = Sample()
    total.add(Sample(latencies=[0.1], errors=1, unverified=1, conversations=1))
    total.add(Sample(latencies=[0.2], conversations=1))
    assert (total.latencies, total.errors, total.unverified, total.conversations) == (
        [0.1, 0.2],
        1,
        1,
        2,
    )


STACKS = {
    "stock": {
        "start_s": 24.0,
        "sequential": {"p50_ms": 91.0},
        "capacity": {"capacity_msg_per_s": 10.0},
        "thinking": {"p99_ms": 7600.0, "failures": "0 / 0"},
    },
    "embedded": {"sequential": {"p50_ms": 35.0}},
    "production": {
        "capacity": {"capacity_msg_per_s": 31.0},
        "thinking": {"p99_ms": 420.0},
        "memory": {"rasa_instance_mb": 900.0, "stack_mb": 2100.0},
    },
}


def test_summary_compares_with_stock_and_checks_the_targets() -> None:
    headline = summarise(STACKS, Settings())
    assert headline["capacity production / stock (target >= 3)"] == 3.1
    assert headline["production p99 at 50 borrowers <= 500 ms"] is True
    assert headline["embedded sequential p50 <= 40 ms"] is True


def test_table_has_a_column_per_stack_and_dashes_for_what_was_not_measured() -> None:
    results = {
        "stacks": STACKS,
        "settings": {"borrowers": 50},
        "summary": summarise(STACKS, Settings()),
    }
    text = report.table(results)
    assert text.splitlines()[0] == "| metric | stock | embedded | production |"
    assert "| capacity, p99 < 1 s (msg/s) | 10.0 | - | 31.0 |" in text
    assert "| 50 borrowers: p99 (ms) | 7600 | - | 420 |" in text


def test_results_are_written_as_json(tmp_path) -> None:
    path = tmp_path / "out" / "bench-load.json"
    report.write(path, {"stacks": STACKS})
    assert json.loads(path.read_text())["stacks"]["stock"]["start_s"] == 24.0


def test_training_time_is_read_from_the_train_step_file(tmp_path) -> None:
    path = tmp_path / "train-time.json"
    assert training_seconds(path) is None
    path.write_text('{"seconds": 312.5}')
    assert training_seconds(path) == 312.5
    path.write_text("97")
    assert training_seconds(path) == 97.0
    path.write_text("not json")
    assert training_seconds(path) is None
