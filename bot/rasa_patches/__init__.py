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
  (Rasa walked every ``Event`` subclass for each event it read: about 5 % of its CPU);
- :mod:`~bot.rasa_patches.stored_events`: the SQL tracker store takes the number of stored
  events from the retrieve of the same message instead of a ``COUNT`` query before each save
  (safe under the conversation lock; 11 % of a production instance's busy time);
- :mod:`~bot.rasa_patches.endpoint_session`: one kept HTTP session per endpoint instead of a
  new session and connection per action call (7 %), closed when the server stops;
- :mod:`~bot.rasa_patches.tracker_store_failures`: a tracker store that cannot be read or
  written fails the message (the approved "unavailable" reply) instead of Rasa's silent
  fallback to an empty in-memory conversation (a new session, the borrower asked to verify
  again, the turn kept in memory only) while PostgreSQL is down;
- :mod:`~bot.rasa_patches.model_load`: DIET is loaded for prediction without Rasa's
  one-example training step (half of the server's start-up), its weights checked complete;
- :mod:`~bot.rasa_patches.output_channel`: ``output_channel=<name>`` naming no channel that
  can send is an error (500, nothing stored) instead of a silent collector answering 200, so
  the outreach sender never records as sent a message nobody received.

``RASA_PATCHES_OFF`` (comma-separated module names, e.g. ``stored_events,endpoint_session``;
read by :mod:`bot.settings`) leaves patches out: for measuring a patch's effect
(``python -m bot.bench.cpu``), never for production.
"""

from __future__ import annotations

import logging

from bot import settings

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
        endpoint_session,
        event_types,
        input_bounds,
        model_load,
        output_channel,
        server_limits,
        stored_events,
        tracker_store_failures,
    )

    off = set(settings.current().rasa_patches_off)
    if "conversation_lock" in off:
        off.add("stored_events")  # the count is only known under the lock
    for module in (
        input_bounds,
        action_failures,
        circuit_breaker,
        conversation_lock,
        server_limits,
        action_response_schema,
        event_types,
        stored_events,  # after conversation_lock: only safe under it
        endpoint_session,
        tracker_store_failures,
        model_load,
        output_channel,
    ):
        if module.__name__.rsplit(".", 1)[-1] in off:
            logger.warning("Rasa patch left out (RASA_PATCHES_OFF): %s", module.__name__)
            continue
        module.apply()
        logger.debug("Rasa patch applied: %s", module.__name__)
    _applied = True
