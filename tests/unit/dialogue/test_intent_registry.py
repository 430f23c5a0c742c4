"""The files Rasa and people read agree with the intent registry (bot/dialogue/intents.py)."""

import inspect
import itertools
import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Action

from bot.dialogue.intents import (
    ACTION_HANDLERS,
    BY_NAME,
    DEBT_INTENTS,
    FLOW_ACTIONS,
    INTENTS,
    RESPOND_ACTION,
    TRAINED_INTENTS,
    Facts,
)

ROOT = Path(__file__).resolve().parents[3]
# Where the verification flow sends an intent instead of its own action (verification.yml).
VERIFICATION_STEPS = {*FLOW_ACTIONS, "verification_form"}


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def domain() -> dict:
    return _yaml(ROOT / "domain.yml")


@pytest.fixture(scope="module")
def rules() -> list[dict]:
    return [
        rule
        for path in sorted((ROOT / "data" / "rules").glob("*.yml"))
        for rule in _yaml(path)["rules"]
    ]


def _intent_then_action(rule: dict) -> list[tuple[list[str], str]]:
    """(intents, next action) for every intent step of a rule (an ``or:`` gives several)."""
    steps = rule["steps"]
    pairs = []
    for step, following in itertools.pairwise(steps):
        if "intent" in step:
            intents = [step["intent"]]
        elif "or" in step:
            intents = [s["intent"] for s in step["or"] if "intent" in s]
        else:
            continue
        pairs.append((intents, following.get("action", "")))
    return pairs


def _rasa_actions() -> set[str]:
    """Names of the concrete actions the action server registers from ``actions/``."""
    import actions.actions
    import actions.session
    import actions.verification  # noqa: F401  (registers the form's actions)

    found, todo = set(), list(Action.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("actions.") and not inspect.isabstract(cls):
            found.add(cls().name())
    return found


def test_names_and_actions_are_unique():
    assert len(BY_NAME) == len(INTENTS)
    by_action = {}
    for intent in INTENTS:
        # Intents share an action only with its handler (out_of_scope, nlu_fallback).
        assert by_action.setdefault(intent.action, intent.handler) is intent.handler


def test_domain_declares_exactly_the_registry_intents_in_its_order(domain):
    assert domain["intents"] == [intent.name for intent in INTENTS]


def test_domain_actions_are_the_registry_actions_and_the_forms_own(domain):
    declared = set(domain["actions"])
    assert set(ACTION_HANDLERS) <= declared
    assert declared == _rasa_actions()


def test_every_intent_with_an_action_has_a_rule_calling_it(rules):
    called = {
        (i, action)
        for rule in rules
        for intents, action in _intent_then_action(rule)
        for i in intents
    }
    assert [i.name for i in INTENTS if i.action and (i.name, i.action) not in called] == []


def test_an_intent_without_an_action_is_answered_through_the_registry(rules, domain):
    """RulePolicy's core fallback is the registry's dispatcher, so such an intent needs no rule."""
    config = _yaml(ROOT / "config.yml")
    [rule_policy] = [p for p in config["policies"] if p["name"] == "RulePolicy"]
    assert rule_policy["core_fallback_action_name"] == RESPOND_ACTION
    assert RESPOND_ACTION in domain["actions"] and RESPOND_ACTION in ACTION_HANDLERS
    named = {i for rule in rules for intents, _ in _intent_then_action(rule) for i in intents}
    assert [i.name for i in INTENTS if not i.action and i.name in named] == []


def test_rules_call_an_intent_s_own_action_or_a_verification_step(rules):
    wrong = [
        f"{rule['rule']}: {intent} -> {action}"
        for rule in rules
        for intents, action in _intent_then_action(rule)
        for intent in intents
        if action not in (BY_NAME[intent].action, RESPOND_ACTION)
        and action not in VERIFICATION_STEPS
    ]
    assert wrong == []


def test_the_debt_question_lists_are_the_verification_needing_intents(rules):
    remembered = [
        set(intents)
        for rule in rules
        for intents, action in _intent_then_action(rule)
        if action == "action_remember_request"
    ]
    assert len(remembered) == 2  # before verification, and during it
    assert all(intents == DEBT_INTENTS for intents in remembered)
    locked = [
        set(intents)
        for rule in rules
        for intents, action in _intent_then_action(rule)
        if action == "action_refuse_locked"
    ]
    assert len(locked) == 1
    assert locked[0] >= DEBT_INTENTS


def test_account_facts_need_verification():
    assert [
        i.name for i in INTENTS if i.facts is Facts.ACCOUNT and not i.requires_verification
    ] == []
    assert {i.name for i in INTENTS if i.facts is Facts.ACCOUNT} <= DEBT_INTENTS


def test_the_training_data_has_exactly_the_trained_intents():
    found = {
        item["intent"]
        for path in (ROOT / "data" / "nlu").glob("*.yml")
        for item in _yaml(path).get("nlu") or []
        if "intent" in item
    }
    assert found == TRAINED_INTENTS


def test_the_intent_guide_has_a_row_for_every_trained_intent():
    guide = (ROOT / "docs" / "intents.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", guide, re.M))
    assert rows == TRAINED_INTENTS
    for intent in INTENTS:
        if not intent.trained:
            assert f"`{intent.name}`" in guide


def test_the_intent_names_code_may_name_are_registry_intents():
    from bot import intent_names

    constants = {
        value
        for name, value in vars(intent_names).items()
        if name.isupper() and isinstance(value, str)
    }
    assert constants <= set(BY_NAME)
    assert set(BY_NAME) >= intent_names.NOT_UNDERSTOOD
