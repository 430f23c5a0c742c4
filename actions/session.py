"""Session start: the opening disclosure comes before anything else the bot says."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.base import run_handler
from bot.dialogue import handlers


class ActionSessionStart(Action):
    """Start a session with the institution's name, the automated-assistant and recording notice."""

    def name(self) -> str:
        """Rasa's reserved session-start action."""
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Disclose, then listen (slots are not carried over: a new session verifies again)."""
        events = await run_handler(handlers.opening, dispatcher, tracker)
        return [SessionStarted(), *events, ActionExecuted("action_listen")]
