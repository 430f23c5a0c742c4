"""The dialogue rules and the handlers must agree on which questions need verification."""

from pathlib import Path

import yaml

from bot.dialogue.intents import DEBT_INTENTS

RULES = Path(__file__).resolve().parents[3] / "data" / "rules"


def rule_steps(name: str) -> list[dict]:
    for path in RULES.glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            if rule["rule"] == name:
                return rule["steps"]
    raise AssertionError(f"no rule {name!r}")


def test_every_debt_question_starts_verification_and_nothing_else_does():
    steps = rule_steps("a debt question before verification starts verification")
    assert {step["intent"] for step in steps[0]["or"]} == DEBT_INTENTS


def test_every_debt_question_has_a_verified_rule():
    for intent in DEBT_INTENTS:
        assert rule_steps(f"{intent} after verification")[0] == {"intent": intent}
