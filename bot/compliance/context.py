"""What the conversation knows, for the rules that depend on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

#: Default no-contact window per jurisdiction (start, end), borrower's local time.
#: The issuer policy file overrides these through ``GuardContext.quiet_hours``.
DEFAULT_QUIET_HOURS: dict[str, tuple[time, time]] = {
    "CN": (time(22, 0), time(8, 0)),
    "US": (time(21, 0), time(8, 0)),
}

#: Legal actions the system can record as real. A claim of one of these passes only
#: when it is in ``GuardContext.recorded_legal_actions``.
LEGAL_ACTIONS: frozenset[str] = frozenset({"lawsuit", "judgment", "enforcement", "asset_freeze"})


@dataclass(frozen=True)
class GuardContext:
    """Conversation facts the context rules use; every field is optional.

    Attributes:
        verified: True once the borrower passed verification, False while the other
            party is not (yet) verified, None when unknown (right-party is then not
            checked).
        local_time: The borrower's local time when the message goes out; None skips
            the quiet-hours rule.
        channel: Channel name (``chat``, ``sms``, ``voice`` ...), informational.
        recorded_legal_actions: Legal actions the system holds as real, from
            ``LEGAL_ACTIONS`` (``{"lawsuit"}``); claims of other actions are flagged.
        jurisdiction: ``CN`` or ``US``; picks the default quiet hours.
        quiet_hours: (start, end) local times of the no-contact window; None uses the
            jurisdiction default. The window may wrap midnight.
        borrower_name: The borrower's name; when given, it counts as a debt fact for
            the right-party rule.
        borrower_initiated: True when the borrower started this exchange or agreed to
            be contacted now; quiet hours then do not apply (compliance.md: "unless the
            borrower agreed").
        general_facts: True for a text that states general facts about debts (a script
            marked ``facts: general``): while unverified, right-party then flags amounts,
            card digits and the borrower's name, not the words of debt ("逾期会上报征信").
        borrower_intent: The NLU's intent for the borrower's message the text answers, when
            known; only the answer-fit check reads it (a borrower the NLU reads as in
            distress, or as disputing the debt, is treated so even in words its phrase lists
            lack).
        borrower_intent_confidence: The NLU's confidence in ``borrower_intent``.
    """

    verified: bool | None = None
    local_time: datetime | None = None
    channel: str | None = None
    recorded_legal_actions: frozenset[str] | set[str] = field(default_factory=frozenset)
    jurisdiction: str = "CN"
    quiet_hours: tuple[time, time] | None = None
    borrower_name: str | None = None
    borrower_initiated: bool = False
    general_facts: bool = False
    borrower_intent: str | None = None
    borrower_intent_confidence: float = 1.0

    def quiet_window(self) -> tuple[time, time]:
        """Return the (start, end) no-contact window in force for this context."""
        if self.quiet_hours is not None:
            return self.quiet_hours
        return DEFAULT_QUIET_HOURS.get(self.jurisdiction.upper(), DEFAULT_QUIET_HOURS["CN"])
