"""Suggestions for a live conversation: the assist engine on the borrower's latest message.

When the latest message has no approved answer of its own (a greeting, "are you there?"), the
borrower's earlier messages are tried, newest first, so the agent still gets the scripts for
what the conversation is about.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.assist.parsing import Parsed
from bot.assist.suggestions import Advice, advise
from bot.policy import Policy
from bot.scripts import Library

logger = logging.getLogger(__name__)

HISTORY = 3  # earlier borrower messages each suggestion takes into account


def advise_conversation(
    session: Session,
    turns: Sequence[Parsed],
    account_id: int | None,
    *,
    library: Library,
    policy: Policy,
    now: dt.datetime,
    low_confidence: float,
) -> Advice | None:
    """Advice for the newest borrower message that has suggestions (``None``: no messages).

    Args:
        session: Open session (nothing is written).
        turns: The borrower's parsed messages, oldest first.
        account_id: The verified account (``None``: not verified, no debt facts).
        library: The scripts library.
        policy: The issuer policy.
        now: The borrower's local time.
        low_confidence: Intent confidence below which the agent is warned.
    """
    advice: Advice | None = None
    for end in range(len(turns), 0, -1):
        found = advise(
            session,
            turns[end - 1],
            turns[max(0, end - 1 - HISTORY) : end - 1],
            account_id,
            library=library,
            policy=policy,
            now=now,
            low_confidence=low_confidence,
        )
        advice = advice or found  # the latest message's situation, if nothing answers at all
        if found.suggestions:
            return found
    return advice
