"""The action server's answer is validated with a schema compiled once, exactly as Rasa does."""

import pytest
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction

from bot.rasa_patches import action_response_schema
from bot.rasa_patches.action_response_schema import (
    RASA_VALIDATE,
    response_validator,
    validate_action_result,
)

VALID = [
    {},
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "timestamp": None, "name": "verification", "value": "verified"},
            {"event": "active_loop", "name": None},
            {"event": "followup", "name": "action_listen"},
        ],
        "responses": [{"text": "您好", "script_id": "greet.hello", "buttons": []}],
    },
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": 5, "value": 1}]},
    {"responses": ["a string, not an object"]},
    [],
]


@pytest.fixture(autouse=True)
def patched() -> None:
    action_response_schema.apply()


def test_apply_replaces_rasa_validation_once() -> None:
    assert RemoteAction._validate_action_result is validate_action_result
    action_response_schema.apply()
    assert RemoteAction._validate_action_result is validate_action_result
    assert RASA_VALIDATE is not validate_action_result


@pytest.mark.parametrize("answer", VALID)
def test_valid_answers_pass_as_in_rasa(answer: dict) -> None:
    action = RemoteAction("action_x", None)
    assert RASA_VALIDATE(action, answer) is True
    assert action._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_invalid_answers_fail_with_rasas_error(answer: dict) -> None:
    action = RemoteAction("action_x", None)
    with pytest.raises(ValidationError) as rasa_error:
        RASA_VALIDATE(action, answer)
    with pytest.raises(ValidationError) as our_error:
        action._validate_action_result(answer)
    assert our_error.value.message == rasa_error.value.message
    assert list(our_error.value.path) == list(rasa_error.value.path)
    assert "Failed to validate Action server response" in our_error.value.message


def test_the_schema_is_checked_and_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    cls = validators.validator_for(RemoteAction.action_response_format_spec())
    checked = []
    original = cls.check_schema

    def counting(schema, *args, **kwargs):
        checked.append(schema)
        return original(schema, *args, **kwargs)

    response_validator.cache_clear()
    monkeypatch.setattr(cls, "check_schema", counting)
    action = RemoteAction("action_x", None)
    for answer in VALID * 3:
        action._validate_action_result(answer)
    assert len(checked) == 1
    assert response_validator() is response_validator()
