"""The action server's answer is checked against a schema compiled once, not on every call.

Why: ``RemoteAction._validate_action_result`` (``rasa/core/actions/action.py:699-713``) calls
``jsonschema.validate(result, schema)`` on every action call, and ``jsonschema.validate``
first checks the *schema* against the JSON Schema meta-schema (``check_schema``), then builds
a new validator. The schema (Rasa's ``EVENTS_SCHEMA``: a ``oneOf`` over 23 event types) never
changes, yet checking it cost about 60 ms of CPU per call, three to four calls per message:
more than half of the Rasa server's CPU per message. Here the schema is checked and its
validator built once per process; every answer is still validated, with the same error
(``best_match``) and the same message Rasa adds.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

RASA_VALIDATE = RemoteAction._validate_action_result  # Rasa's own, for the tests

HINT = (
    ". Failed to validate Action server response from API, "
    "make sure your response from the Action endpoint is valid. "
    "For more information about the format visit "
    f"{DOCS_BASE_URL}/custom-actions"
)


@functools.lru_cache(maxsize=1)
def response_validator() -> Any:
    """The validator of Rasa's action response schema, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the cached validator.

    Raises:
        jsonschema.ValidationError: The answer does not match the schema (Rasa's message and hint).
    """
    error = exceptions.best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += HINT
        raise error
    return True


def apply() -> None:
    """Replace ``RemoteAction._validate_action_result``."""
    if RemoteAction._validate_action_result is validate_action_result:
        return
    RemoteAction._validate_action_result = validate_action_result
