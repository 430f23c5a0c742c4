"""Rasa sends the domain only to the actions that read it (``enable_selective_domain``).

Rasa 3.6 sends the whole domain with every action call unless the action endpoint sets
``enable_selective_domain: true`` (``RemoteAction._action_call_format``,
``rasa/core/actions/action.py:651-683``); then only actions named ``validate_*`` or marked
``send_domain: true`` in domain.yml get it
(``Domain._collect_actions_which_explicitly_need_domain``).
rasa-sdk's form validation reads the form's slots from the domain, so this holds the endpoint
files, domain.yml and the code under ``actions/`` against each other.
"""

from __future__ import annotations

import dis
from pathlib import Path
from types import CodeType

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.forms import ValidationAction

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.from_path(ROOT / "domain.yml")


def _action_classes() -> list[type[Action]]:
    """The classes of every action rasa-sdk registers from ``actions/`` (as the server does)."""
    executor = ActionExecutor()
    executor.register_package("actions")
    return [
        type(run.__self__)
        for run in executor.actions.values()
        if type(getattr(run, "__self__", None)).__module__.startswith("actions.")
    ]


def _loads_domain(code: CodeType) -> bool:
    """True if ``code`` (or a function or lambda inside it) reads a variable named domain."""
    for instruction in dis.get_instructions(code):
        loads = instruction.opname in ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")
        if loads and instruction.argval == "domain":
            return True
    return any(_loads_domain(const) for const in code.co_consts if isinstance(const, CodeType))


def _reads_domain(cls: type) -> bool:
    """True if a method of ``cls`` or of a base class of ours uses its ``domain`` argument."""
    for klass in cls.__mro__:
        if issubclass(klass, ValidationAction):
            return True  # rasa-sdk's validation reads the domain's slots and forms
        if not klass.__module__.startswith("actions."):
            continue
        for member in vars(klass).values():
            function = getattr(member, "__func__", member)
            code = getattr(function, "__code__", None)
            if code is not None and _loads_domain(code):
                return True
    return False


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.prod.yml"])
def test_both_profiles_send_the_domain_selectively(name: str) -> None:
    endpoint = yaml.safe_load((ROOT / name).read_text())["action_endpoint"]
    assert endpoint["enable_selective_domain"] is True


def test_every_action_that_reads_the_domain_gets_it(domain: Domain) -> None:
    classes = _action_classes()
    assert len(classes) >= 20
    readers = {cls().name() for cls in classes if _reads_domain(cls)}
    assert "validate_verification_form" in readers
    assert "action_greet" not in readers
    for name in readers:
        assert domain.does_custom_action_explicitly_need_domain(name), name


def test_rasa_sends_the_domain_to_form_validation_only(domain: Domain) -> None:
    endpoint = EndpointConfig(url="http://127.0.0.1:9/webhook", enable_selective_domain=True)
    tracker = DialogueStateTracker("s", domain.slots)
    validate = RemoteAction("validate_verification_form", endpoint)
    greet = RemoteAction("action_greet", endpoint)
    payload = validate._action_call_format(tracker, domain)
    assert payload["domain"]["forms"]["verification_form"]["required_slots"]
    assert "domain" not in greet._action_call_format(tracker, domain)


def test_the_check_sees_an_action_that_reads_the_domain() -> None:
    class Reads(Action):
        def name(self) -> str:
            return "action_reads"

        async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
            return [{"forms": list(domain.get("forms", {}))}]

    Reads.__module__ = "actions.example"
    assert _reads_domain(Reads)
