"""The verification step, run from the desk on what the borrower typed while an agent holds it.

While the agent holds the conversation Rasa runs no action, so the bot's own verification step
cannot run. The desk runs the same step (:func:`bot.db.verification.verify_identity`, the one
writer of the server-held verification, with the policy's limits and the per-client count) on
the mobile number and ID last four the NLU found in the borrower's messages. The agent never sees
the numbers: the desk shows only the result.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.db.verification import client_key, verify_identity
from bot.desk.live import events_of
from bot.policy.config import VerificationPolicy

logger = logging.getLogger(__name__)

MOBILE_ENTITY = "phone"
ID_ENTITY = "id_last4"


@dataclass(frozen=True)
class Identity:
    """What the borrower gave, newest values (``None`` when not given)."""

    mobile: str | None
    id_last4: str | None
    client: str | None

    @property
    def complete(self) -> bool:
        """Both numbers are there."""
        return bool(self.mobile and self.id_last4)


def identity_in(tracker: Mapping[str, Any]) -> Identity:
    """The newest mobile number and ID last four in the borrower's messages, and their client."""
    found: dict[str, str] = {}
    client: str | None = None
    for event in events_of(tracker):
        if event.get("event") != "user":
            continue
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            if isinstance(entity, Mapping) and entity.get("entity") in (MOBILE_ENTITY, ID_ENTITY):
                found[str(entity["entity"])] = str(entity.get("value"))
        address = (event.get("metadata") or {}).get("client")
        if isinstance(address, str) and address:
            client = address
    return Identity(found.get(MOBILE_ENTITY), found.get(ID_ENTITY), client)


@dataclass(frozen=True)
class DeskVerification:
    """The step's result: ``verified``, ``mismatch``, ``locked`` or ``missing``."""

    status: str
    customer_id: int | None = None
    account_id: int | None = None

    def slot_events(self) -> list[dict[str, Any]]:
        """The slots the bot's own step would set, so the bot continues from here after hand-back.

        The handlers still read the verified party from the database, never from these.
        """
        if self.status == "verified":
            return [
                {"event": "slot", "name": "verification", "value": "verified"},
                {"event": "slot", "name": "customer_id", "value": self.customer_id},
                {"event": "slot", "name": "account_id", "value": self.account_id},
            ]
        if self.status == "locked":
            return [{"event": "slot", "name": "verification", "value": "locked"}]
        return []


def verify_for_agent(
    session: Session,
    conversation_id: str,
    identity: Identity,
    now: dt.datetime,
    rules: VerificationPolicy,
) -> DeskVerification:
    """Run the verification step (``missing`` when the borrower has not given both numbers).

    Args:
        session: Open session; the caller commits (the attempt is recorded either way).
        conversation_id: The conversation (Rasa sender id).
        identity: What the borrower gave.
        now: The borrower's local time, aware.
        rules: The policy's verification limits.
    """
    if not identity.complete:
        return DeskVerification("missing")
    assert identity.mobile is not None and identity.id_last4 is not None
    result = verify_identity(
        session,
        conversation_id,
        identity.mobile,
        identity.id_last4,
        now,
        max_failures=rules.max_failures,
        lock_hours=rules.lock_hours,
        client_key=client_key(identity.client) if identity.client else None,
        client_max_failures=rules.client_max_failures,
        client_window_hours=rules.client_window_hours,
    )
    logger.info("desk verification of conversation %s: %s", conversation_id, result.status)
    return DeskVerification(str(result.status), result.customer_id, result.account_id)
