"""Small, tested fixes to Rasa 3.6 applied from our package, never by editing installed files.

Each module patches one thing and says why next to the code; :func:`apply` installs them all
once. The Rasa server is started through :mod:`bot.serve.rasa_server`, which calls it first.

- :mod:`~bot.rasa_patches.input_bounds`: the NLU sees at most
  :data:`bot.inbound.MAX_MESSAGE_CHARS` clean characters, on every channel and
  ``/model/parse`` (a 1 MB message froze the server for minutes);
- :mod:`~bot.rasa_patches.circuit_breaker`: a conversation that tripped the circuit breaker
  answers the approved reply and recovers on the next message, instead of staying dead;
- :mod:`~bot.rasa_patches.action_failures`: an action server that is down or fails still gets
  the borrower an approved reply (the caring reply for distress), once per message;
- :mod:`~bot.rasa_patches.server_limits`: request size limits (413 before any work) and
  security headers on every Rasa response;
- :mod:`~bot.rasa_patches.conversation_lock`: one message of a conversation at a time, in
  arrival order, on one instance or several: Rasa's ticket lock expired under load and its
  Redis store was not atomic, so two messages of a new conversation ran at once, both started
  a session and the tracker store's event diff broke the conversation for good;
- :mod:`~bot.rasa_patches.action_response_schema`: the action server's answer is validated
  with a schema compiled once per process (Rasa re-checked the schema itself on every call:
  about 60 ms of CPU per action call);
- :mod:`~bot.rasa_patches.event_types`: an event's class is found by its type name in a table
  (Rasa walked every ``Event`` subclass for each event it read: about 5 % of its CPU).
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

_applied = False


def apply() -> None:
    """Install every patch (idempotent)."""
    global _applied
    if _applied:
        return
    from bot.rasa_patches import (
        action_failures,
        action_response_schema,
        circuit_breaker,
        conversation_lock,
        event_types,
        input_bounds,
        server_limits,
    )

    for module in (
        input_bounds,
        action_failures,
        circuit_breaker,
        conversation_lock,
        server_limits,
        action_response_schema,
        event_types,
    ):
        module.apply()
        logger.debug("Rasa patch applied: %s", module.__name__)
    _applied = True
