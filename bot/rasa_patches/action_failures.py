"""An action server that fails or cannot be reached still gets the borrower an approved reply.

Why: ``RemoteAction.run`` raises when the action server is down or answers an error, and
``MessageProcessor._run_action`` logs it and drops the action's events: the borrower gets
nothing, or, after several predictions, the circuit breaker. Here the failed call answers the
safe replies of :func:`bot.dialogue.safe_replies.safe_messages` (the disclosure first when it was
the session start; the caring reply with 12356 for a message in distress; otherwise
"unavailable" with the hotline), each script at most once per message: a later failure in
the same message adds only what was not said yet (the caring reply after a failed session
start), and the prediction loop stops after the failed action instead of retrying. A
rejection (``ActionExecutionRejection``, how forms say "not me") is not a failure and passes.
"""

from __future__ import annotations

import contextvars
import functools
import logging
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import BotUttered

from bot.dialogue.safe_replies import count_failure, safe_messages

logger = logging.getLogger(__name__)


class _Turn:
    """What the failure handling did while one message is handled."""

    def __init__(self) -> None:
        self.sent: set[str] = set()
        self.stop = False


_turn: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar(
    "action_failure_turn", default=None
)


def safe_events(action_name: str, tracker: Any) -> list[BotUttered]:
    """The safe replies for a failed action, as bot messages, minus those already sent."""
    state = _turn.get() or _Turn()
    state.stop = True
    latest = tracker.latest_message
    text = (latest.text if latest else "") or ""
    intent = (latest.intent or {}).get("name") if latest else None
    messages = safe_messages(
        text, tracker.sender_id, intent, opening=action_name == ACTION_SESSION_START_NAME
    )
    fresh = [m for m in messages if m.script_id not in state.sent]
    state.sent.update(m.script_id for m in fresh)
    return [
        BotUttered(m.text, metadata={"script_id": m.script_id, "script_version": m.version})
        for m in fresh
    ]


def apply() -> None:
    """Wrap ``RemoteAction.run``, ``MessageProcessor._run_action`` and ``handle_message``."""
    if getattr(RemoteAction.run, "_safe", False):
        return
    remote_run = RemoteAction.run
    run_action = MessageProcessor._run_action
    handle_message = MessageProcessor.handle_message

    @functools.wraps(remote_run)
    async def run(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> Any:
        try:
            return await remote_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception:
            logger.exception("action %s failed; safe reply sent", self.name())
            count_failure("action_server")
            return safe_events(self.name(), tracker)

    @functools.wraps(run_action)
    async def _run_action(self: MessageProcessor, *args: Any, **kwargs: Any) -> bool:
        predict_more = await run_action(self, *args, **kwargs)
        state = _turn.get()
        return predict_more and not (state is not None and state.stop)

    @functools.wraps(handle_message)
    async def _handle_message(self: MessageProcessor, message: Any) -> Any:
        token = _turn.set(_Turn())
        try:
            return await handle_message(self, message)
        finally:
            _turn.reset(token)

    run._safe = True  # type: ignore[attr-defined]  # a marker on the wrapper
    RemoteAction.run = run
    MessageProcessor._run_action = _run_action
    MessageProcessor.handle_message = _handle_message
