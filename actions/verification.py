"""Verification form: collect mobile and ID last four in any order, then check them."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import run_handler, turn_from_tracker
from bot.db.verification import normalize_mobile
from bot.dialogue import handlers
from bot.dialogue.turn import IDENTITY_RETRY, LOCKED, VERIFICATION, VERIFIED, Outcome
from bot.nlu.identifiers import find_phone_tails

MOBILE = re.compile(r"1[3-9]\d{9}")
ID_LAST4 = re.compile(r"\d{3}[\dX]")


class ValidateVerificationForm(FormValidationAction):
    """Normalise the two answers; when both are there, verify them against the ledger."""

    def name(self) -> str:
        """Name in domain.yml."""
        return "validate_verification_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        """Nothing left to ask once verified or locked: the form ends."""
        if tracker.get_slot(VERIFICATION) in (VERIFIED, LOCKED):
            return []
        return domain_slots

    def validate_mobile(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        """Keep an 11-digit mainland mobile number, digits only."""
        digits = normalize_mobile(str(value or ""))
        return {"mobile": digits if MOBILE.fullmatch(digits) else None}

    def validate_id_last4(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        """Keep four characters, the last may be X."""
        text = str(value or "").strip().upper()
        return {"id_last4": text if ID_LAST4.fullmatch(text) else None}

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Validate each slot, then check identity once both are known."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        request = handlers.request_with_identity(turn_from_tracker(tracker))
        if request is not None and not tracker.get_slot("pending_request"):
            events.append(SlotSet("pending_request", request))
        slots = dict(tracker.slots)
        slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
        mobile, id_last4 = slots.get("mobile"), slots.get("id_last4")
        if not (mobile and id_last4) or slots.get(VERIFICATION) in (VERIFIED, LOCKED):
            return events

        def check(turn, ctx) -> Outcome:
            return handlers.check_identity(turn, ctx, mobile, id_last4)

        new_events = await run_handler(check, dispatcher, tracker, turn_from_tracker(tracker))
        tracker.slots.update(
            {e["name"]: e["value"] for e in new_events if e.get("event") == "slot"}
        )
        return events + new_events


class AskSlotAction(Action, ABC):
    """Ask for a form slot with an approved script (the domain holds no text).

    Rasa calls ``action_ask_<slot>`` to request a slot; subclasses name it and the script.
    """

    script_id = ""

    @abstractmethod
    def name(self) -> str:
        """``action_ask_<slot>``."""

    retry_script_id = ""

    def script_for(self, tracker: Tracker) -> str:
        """The question to ask (after a failed verification, the retry wording if there is one)."""
        retrying = self.retry_script_id and tracker.get_slot(IDENTITY_RETRY)
        return self.retry_script_id if retrying else self.script_id

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        """Send the question."""
        script_id = self.script_for(tracker)

        def ask(turn, ctx) -> Outcome:
            return Outcome().say(script_id)

        return await run_handler(ask, dispatcher, tracker)


class ActionAskMobile(AskSlotAction):
    """Ask for the mobile number (and the ID last four in the same breath).

    A masked or partial number ("138****1111", "尾号1111") cannot be checked: the borrower is
    told that the full number is needed rather than asked the same question again.
    """

    def name(self) -> str:  # noqa: D102
        return "action_ask_mobile"

    script_id = "verification.ask_both"
    masked_script_id = "verification.full_mobile"

    def script_for(self, tracker: Tracker) -> str:
        """The request for the full number after a masked one, else the usual question."""
        text = str((tracker.latest_message or {}).get("text") or "")
        return self.masked_script_id if find_phone_tails(text) else super().script_for(tracker)


class ActionAskIdLast4(AskSlotAction):
    """Ask for the ID last four."""

    def name(self) -> str:  # noqa: D102
        return "action_ask_id_last4"

    script_id = "verification.ask_id_last4"
    # "好的，请再提供…" would read as agreement right after a failed check.
    retry_script_id = "verification.retry_id_last4"
