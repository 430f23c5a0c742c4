"""Each build step depends on exactly the code and data it uses (issue 10).

Read from make's own database (``make -pqn`` runs nothing), so the test checks the rules make
will apply, not the Makefile's text.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prerequisites() -> dict[str, set[str]]:
    database = subprocess.run(
        ["make", "-pqn"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    rules: dict[str, set[str]] = {}
    for line in database.splitlines():
        target, sep, rest = line.partition(": ")
        if sep and target in ("models/collection.tar.gz", "var/models/guard/guard.npz"):
            rules[target] = set(rest.replace("|", " ").split())
    return rules


def test_the_model_retrains_for_its_components_code_and_rasa_data(prerequisites) -> None:
    model = prerequisites["models/collection.tar.gz"]
    assert {"config.yml", "domain.yml", "data/nlu/account.yml", "data/rules/anytime.yml"} <= model
    assert {"bot/nlu/components.py", "bot/nlu/intent_classifier.py", "bot/nlu/dates.py"} <= model
    assert "bot/textclf.py" in model


def test_the_model_does_not_retrain_for_evaluation_code_or_the_guards_data(prerequisites) -> None:
    model = prerequisites["models/collection.tar.gz"]
    assert "bot/nlu/evaluate.py" not in model
    assert "endpoints.yml" not in model
    assert not {p for p in model if p.startswith("data/compliance/")}
    assert not {p for p in model if p.startswith("bot/compliance/")}


def test_the_guard_rebuilds_for_its_training_inputs_only(prerequisites) -> None:
    guard = prerequisites["var/models/guard/guard.npz"]
    assert {"bot/compliance/train.py", "bot/compliance/features.py", "bot/textclf.py"} <= guard
    assert "data/compliance/general.yml" in guard
    assert "bot/compliance/evaluate.py" not in guard
    assert "bot/compliance/bench.py" not in guard
    assert not {p for p in guard if p.startswith("data/nlu/")}
    # The guard package's answer-fit check reads the one list of distress words, which lives
    # with the NLU (bot/nlu/safety.py); no other NLU code is a guard input.
    assert {p for p in guard if p.startswith("bot/nlu/")} <= {
        "bot/nlu/__init__.py",
        "bot/nlu/safety.py",
    }
