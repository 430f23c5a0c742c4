"""Shared plumbing of our actions: tracker -> Turn -> handler -> messages and events."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.clock import local_now
from bot.dialogue import runtime
from bot.dialogue.handlers import Handler
from bot.dialogue.history import entity_values, first_entity_values, recent_fallbacks
from bot.dialogue.turn import Turn


def turn_from_tracker(tracker: Tracker) -> Turn:
    """Build the handlers' view of the current turn from a Rasa tracker."""
    latest = tracker.latest_message or {}
    return Turn(
        conversation_id=tracker.sender_id,
        intent=((latest.get("intent") or {}).get("name")) or "nlu_fallback",
        text=latest.get("text") or "",
        entities=first_entity_values(latest.get("entities") or []),
        entity_lists=entity_values(latest.get("entities") or []),
        slots=tracker.current_slot_values(),
        channel=tracker.get_latest_input_channel() or "rest",
        now=local_now(runtime.policy().time_zone),
        recent_fallbacks=recent_fallbacks(tracker.events),
        client=_client(latest),
        intent_confidence=_confidence(latest),
    )


def _confidence(latest: dict[str, Any]) -> float:
    """The NLU's confidence in the message's intent (0 when it gave none)."""
    value = (latest.get("intent") or {}).get("confidence")
    return float(value) if isinstance(value, (int, float)) else 0.0


def _client(latest: dict[str, Any]) -> str | None:
    """The client address our REST channel put in the message metadata, if any."""
    metadata = latest.get("metadata")
    client = metadata.get("client") if isinstance(metadata, dict) else None
    return client if isinstance(client, str) and client else None


async def run_handler(
    handler: Handler, dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn | None = None
) -> list[dict[str, Any]]:
    """Run a handler off the event loop, send its messages, return its slot events."""
    turn = turn or turn_from_tracker(tracker)
    result = await asyncio.to_thread(runtime.execute, handler, turn)
    for message in result.messages:
        dispatcher.utter_message(
            text=message.text, script_id=message.script_id, script_version=message.version
        )
    events: list[dict[str, Any]] = [SlotSet(name, value) for name, value in result.slots.items()]
    if result.end_form and tracker.active_loop_name:
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    return events


class HandlerAction(Action, ABC):
    """An action that delegates to one handler of :mod:`bot.dialogue.handlers`.

    Subclasses name the action and the handler::

        class ActionTellBalance(HandlerAction):
            def name(self) -> str:
                return "action_tell_balance"

            handler = staticmethod(handlers.ask_balance)
    """

    handler: Handler

    @abstractmethod
    def name(self) -> str:
        """The action name used in domain.yml."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Run the handler for the current turn."""
        return await run_handler(type(self).handler, dispatcher, tracker)
