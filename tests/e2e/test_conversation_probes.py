"""The conversation probes (tests/conversations) through the REST channel of a real stack.

Each conversation starts from a fresh account state (lockouts, promises, plans, disputes,
stop-contact requests and hand-offs of earlier tests removed) and from its own client address,
so that no probe is judged on what another one did. The pass rate per batch is written to
``results/conversations.json``.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete

from bot.db import models
from tests.conversations.probes import Conversation, known_gaps, load, run

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = load()
GAPS = known_gaps()
# What an earlier conversation may leave behind that changes how the bot treats an account.
ACCOUNT_STATE = (
    models.VerificationAttempt,
    models.VerificationLock,
    models.ConversationVerification,
    models.ContactPreference,
    models.PromiseToPay,
    models.RepaymentPlan,
    models.PaymentClaim,
    models.Dispute,
    models.Handoff,
)
_results: dict[int, dict[str, bool]] = defaultdict(dict)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if not _results:
        return
    out = ROOT / "results" / "conversations.json"
    out.parent.mkdir(exist_ok=True)
    summary = {
        f"batch_{batch}": {
            "passed": sum(outcomes.values()),
            "total": len(outcomes),
            "failed": sorted(c for c, ok in outcomes.items() if not ok),
        }
        for batch, outcomes in sorted(_results.items())
    }
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


def _fresh_accounts(stack) -> None:
    with stack.session() as session:
        for model in ACCOUNT_STATE:
            session.execute(delete(model))
        session.commit()


def _params():
    for conversation in CONVERSATIONS:
        marks = []
        if conversation.id in GAPS:
            marks.append(pytest.mark.xfail(reason=GAPS[conversation.id], strict=True))
        yield pytest.param(conversation, id=conversation.id, marks=marks)


def test_the_probe_ids_are_unique_and_every_known_gap_names_a_probe() -> None:
    ids = [c.id for c in CONVERSATIONS]
    assert len(ids) == len(set(ids))
    assert set(GAPS) <= set(ids)


@pytest.mark.parametrize("conversation", list(_params()))
def test_probe_conversation(stack, conversation: Conversation) -> None:
    _fresh_accounts(stack)
    token = uuid.uuid4()
    sender = f"probe-{conversation.id}-{token.hex[:8]}"
    client = "10.{}.{}.{}".format(*token.bytes[:3])  # the borrower's own address

    def say(text: str) -> list[str]:
        reply = requests.post(
            f"{stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers={"X-Real-IP": client},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return [m.get("text", "") for m in reply.json()]

    try:
        failures = run(conversation, say)
    finally:
        _fresh_accounts(stack)  # no lock or promise left for the tests that run after
    _results[conversation.batch][conversation.id] = not failures
    assert not failures, f"{conversation.about}\n" + "\n".join(failures)
