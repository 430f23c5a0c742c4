"""One action per borrower situation; each delegates to a handler in ``bot.dialogue``.

The map from action names (domain.yml) to handlers is the intent registry's
(:data:`bot.dialogue.intents.ACTION_HANDLERS`).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.base import HandlerAction, run_handler
from bot.dialogue.handlers import Handler
from bot.dialogue.intents import ACTION_HANDLERS, RESPOND_ACTION


class ListenAfterAction(HandlerAction):
    """RulePolicy's core fallback: no rule says what follows it, so it says so itself.

    Without a follow-up, RulePolicy predicts the fallback again after it (no rule matches that
    state either) until Rasa's limit of actions per message, repeating the answer ten times.
    During the verification form the form goes on (it asks again for what is missing), as the
    "… during verification, then verification goes on" rules do for the intents that have them;
    otherwise the bot waits for the borrower.
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Run the handler, then wait for the borrower."""
        events = await run_handler(type(self).handler, dispatcher, tracker)
        form_ended = any(e.get("event") == "active_loop" for e in events)
        loop = None if form_ended else tracker.active_loop_name
        return [*events, FollowupAction(loop or "action_listen")]


def _make_action(action_name: str, handler: Handler) -> type[HandlerAction]:
    class_name = "".join(part.title() for part in action_name.split("_"))
    return type(
        class_name,
        (ListenAfterAction if action_name == RESPOND_ACTION else HandlerAction,),
        {
            "name": lambda self: action_name,
            "handler": staticmethod(handler),
            "__module__": __name__,
            "__doc__": f"Run ``{handler.__name__}`` for ``{action_name}``.",
        },
    )


# Concrete classes at import time, so the action server registers them.
ACTIONS = {name: _make_action(name, handler) for name, handler in ACTION_HANDLERS.items()}
