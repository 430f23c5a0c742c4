"""A conversation that tripped the circuit breaker recovers on the next message.

Why: when Rasa predicts ``max_number_of_predictions`` actions in a row without listening, it
stops ("Circuit breaker tripped") and saves the tracker as it is: with no ``action_listen``
after those actions. ``MessageProcessor.is_action_limit_reached`` counts predicted actions
back to the last ``action_listen``, so on every later message the limit is already reached
and the conversation never answers again. Here, after a trip, the borrower gets the approved
``fallback.recovered`` reply and the tracker records a bot message and ``action_listen``, so
the next message starts a fresh count.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered

from bot.dialogue.messages import library
from bot.dialogue.safe_replies import count_failure

logger = logging.getLogger(__name__)

RECOVERED_SCRIPT = "fallback.recovered"


def needs_recovery(processor: MessageProcessor, tracker: Any) -> bool:
    """Whether the tracker ends in a tripped circuit breaker (no listen after the limit)."""
    reached: bool = processor.is_action_limit_reached(tracker, should_predict_another_action=True)
    return reached


def apply() -> None:
    """Wrap ``MessageProcessor._run_prediction_loop``."""
    original = MessageProcessor._run_prediction_loop
    if getattr(original, "_recovering", False):
        return

    @functools.wraps(original)
    async def run_prediction_loop(
        self: MessageProcessor, output_channel: Any, tracker: Any
    ) -> None:
        await original(self, output_channel, tracker)
        if not needs_recovery(self, tracker):
            return
        logger.error("circuit breaker tripped in conversation %s: recovering", tracker.sender_id)
        count_failure("circuit_breaker")
        message = library().render(RECOVERED_SCRIPT, {}, seed=tracker.sender_id)
        metadata = {"script_id": message.script_id, "script_version": message.version}
        await output_channel.send_response(tracker.sender_id, {"text": message.text})
        tracker.update(BotUttered(message.text, metadata=metadata))
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))

    run_prediction_loop._recovering = True  # type: ignore[attr-defined]  # a marker on the wrapper
    MessageProcessor._run_prediction_loop = run_prediction_loop
