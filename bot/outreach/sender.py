"""Sending the contacts of a moment: settle, plan, record, then start each conversation.

:func:`send_contacts` runs one ``python -m bot.outreach send``:

1. attempts an earlier run left ``planned`` (it was interrupted) are marked failed
   ``interrupted``;
2. in one transaction, promises are settled (:func:`bot.payments.ledger.settle`: a promise
   whose date passed unpaid becomes broken), the contacts of the moment are planned by the same
   code as ``plan`` and every one is stored: the suppressed ones with their rule, the allowed
   ones ``planned``. That is committed before anything is sent, so a crash never sends without
   a record;
3. each allowed contact, one after another and at most :data:`SEND_RATE_PER_SECOND` a second:
   the approved outbound script is rendered with the policy's placeholders and checked by the
   compliance guard as said to an unverified party at the borrower's local time of sending
   (refused: failed ``guard``, never sent); then a new session opening with a ``bot`` event
   (:func:`opening_events`) is appended to the conversation on the borrower's address through
   Rasa's HTTP API with ``output_channel`` and ``execute_side_effects=true``: Rasa delivers it
   through that channel and stores it in the transcript. A 2xx answer marks the attempt sent;
   otherwise it is failed with a short reason (:class:`Failure`). Each mark is committed at
   once; a failure never stops the run.

The caller holds :func:`bot.outreach.lock.send_lock`. Nothing personal is logged: attempt ids,
counts and reasons only (a conversation id carries the person's platform id).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
from sqlalchemy.orm import Session, sessionmaker

from bot.compliance import GuardContext, check
from bot.compliance.guard import get_model
from bot.db.models import AttemptStatus
from bot.db.repositories import Repositories
from bot.db.settings import session_scope
from bot.dialogue.values import policy_values
from bot.outreach.planner import Failure, Progress, plan_contacts, record
from bot.payments.ledger import SettleReport, settle
from bot.policy.config import Policy
from bot.policy.outreach import SCRIPTS, Decision
from bot.scripts import Library, RenderedMessage
from bot.web.rasa_client import RasaUnavailableError

logger = logging.getLogger(__name__)

SEND_RATE_PER_SECOND = 10.0
"""At most this many messages a second reach Rasa, so that a large run does not flood it."""

SEND_TIMEOUT_SECONDS = 10.0
"""How long one delivery may take (Rasa, then the platform's API behind its output channel)."""

ATTEMPT_KEY = "outreach_attempt_id"
"""The ``bot`` event's metadata key naming the attempt (``contact_attempts.id``)."""


class Deliver(Protocol):
    """Appends events and delivers their ``bot`` events through a channel.

    :meth:`bot.web.rasa_client.RasaClient.append_events` is one.
    """

    def __call__(
        self, conversation_id: str, events: list[dict[str, Any]], output_channel: str | None
    ) -> Awaitable[None]:
        """Raises :class:`~bot.web.rasa_client.RasaUnavailableError` when not delivered."""
        ...


@dataclass(frozen=True)
class Result:
    """What became of one contact of the run.

    Attributes:
        decision: The plan's decision.
        attempt_id: Its stored attempt.
        status: ``sent``, ``failed`` or ``suppressed``.
        reason: The suppressing rule, or the failure's reason; None when sent.
    """

    decision: Decision
    attempt_id: int
    status: AttemptStatus
    reason: str | None = None


@dataclass
class SendReport:
    """One run: what was settled first, then every contact and what became of it."""

    now: dt.datetime
    results: list[Result] = field(default_factory=list)
    settled: SettleReport = field(default_factory=SettleReport)
    interrupted: int = 0

    def count(self, status: AttemptStatus) -> int:
        """How many contacts ended with ``status``."""
        return sum(1 for result in self.results if result.status == status)

    @property
    def failed(self) -> int:
        """Allowed contacts that were not sent."""
        return self.count(AttemptStatus.FAILED)


class Pacer:
    """Spaces the starts of deliveries at least ``1 / rate`` seconds apart."""

    def __init__(
        self,
        rate: float = SEND_RATE_PER_SECOND,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: float | None = None

    async def wait(self) -> None:
        """Return when the next delivery may start."""
        now = self._monotonic()
        if self._next is not None and now < self._next:
            await self._sleep(self._next - now)
            now = self._next
        self._next = now + self._interval


def outbound_event(message: RenderedMessage, attempt_id: int) -> dict[str, Any]:
    """The ``bot`` event that starts the conversation: the text, its script and the attempt."""
    return {
        "event": "bot",
        "text": message.text,
        "metadata": {
            "script_id": message.script_id,
            "script_version": message.version,
            ATTEMPT_KEY: attempt_id,
        },
    }


def opening_events(message: RenderedMessage, attempt_id: int) -> list[dict[str, Any]]:
    """A new session that opens with the outbound message, then waits for the borrower.

    The session start comes first because Rasa, given events for a conversation it has never
    stored, otherwise runs the session start action with no output channel, which fails (a
    500: nothing sent). A new session also drops the slots of an old conversation, as a
    borrower's own return after the session expiry would; the outbound scripts carry the
    opening disclosure's three statements themselves (the scripts lint checks them).
    """
    return [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        outbound_event(message, attempt_id),
    ]


def compose(
    decision: Decision, policy: Policy, library: Library, moment: dt.datetime
) -> RenderedMessage | None:
    """The approved outbound message of a contact, or None when the guard refuses it.

    Args:
        decision: An allowed decision (it has an address).
        policy: The issuer policy ({institution}, {hotline}).
        library: The scripts library.
        moment: When it goes out (aware): the guard checks quiet hours at the borrower's
            local time of that moment.

    Raises:
        bot.scripts.ScriptError: The script is not an approved outbound script.
    """
    contact = decision.contact
    library.outbound(contact.script_id)
    local = moment.astimezone(decision.local_time.tzinfo)
    seed = decision.address.conversation_id if decision.address else ""
    message = library.render(contact.script_id, policy_values(policy, local.date()), seed=seed)
    context = GuardContext(
        verified=False,
        local_time=local,
        channel=decision.address.channel if decision.address else None,
        quiet_hours=(policy.quiet_hours.start, policy.quiet_hours.end),
    )
    verdict = check(message.text, context)
    if not verdict.ok:
        rules = ",".join(sorted(verdict.rules))
        logger.warning("guard refused outbound %s: %s", contact.script_id, rules)
        return None
    return message


def failure_of(error: RasaUnavailableError) -> Failure:
    """The reason of a delivery Rasa did not confirm.

    An error answer and a connection never made mean nothing went out; anything else (a
    timeout, a connection dropped mid-request) may have gone out: :attr:`Failure.UNCONFIRMED`,
    which the next run counts as sent (:data:`bot.outreach.planner.MAYBE_SENT`).
    """
    if error.status is not None:
        return Failure.CHANNEL_ERROR if error.status == 500 else Failure.RASA_UNAVAILABLE
    if isinstance(error.__cause__, aiohttp.ClientConnectorError):
        return Failure.RASA_UNAVAILABLE
    return Failure.UNCONFIRMED


def _mark(factory: sessionmaker, attempt_id: int, at: dt.datetime, failure: Failure | None) -> None:
    with session_scope(factory) as session:
        attempts = Repositories(session).contact_attempts
        if failure is None:
            attempts.mark_sent(attempt_id, at)
        else:
            attempts.mark_failed(attempt_id, failure.value)


def fail_interrupted(session: Session) -> int:
    """Mark the attempts an earlier run left ``planned`` failed ``interrupted``; count them.

    Only a run holding the lock may call it: then no other run is sending them.
    """
    attempts = Repositories(session).contact_attempts
    left = attempts.planned()
    for attempt in left:
        attempts.mark_failed(attempt.id, Failure.INTERRUPTED.value)
    if left:
        logger.warning("%d attempts left planned by an interrupted run: failed", len(left))
    return len(left)


def prepare(
    factory: sessionmaker, policy: Policy, now: dt.datetime, progress: Progress | None = None
) -> SendReport:
    """Steps 1 and 2: earlier leftovers failed, promises settled, every contact stored."""
    report = SendReport(now)
    with session_scope(factory) as session:
        report.interrupted = fail_interrupted(session)
    with session_scope(factory) as session:
        report.settled = settle(session, zone=policy.zone, now=now)
        decisions = plan_contacts(session, policy, now, progress=progress)
        day_start = dt.datetime.combine(now.astimezone(policy.zone).date(), dt.time(), policy.zone)
        attempts = record(
            session,
            decisions,
            now=now,
            status=AttemptStatus.PLANNED,
            suppressed_since=day_start,  # one suppressed attempt a day per contact and rule
        )
        report.results = [
            Result(d, a.id, a.status, None if d.rule is None else d.rule.value)
            for d, a in zip(decisions, attempts, strict=True)
        ]
    return report


async def deliver_all(
    factory: sessionmaker,
    report: SendReport,
    *,
    policy: Policy,
    library: Library,
    deliver: Deliver,
    clock: Callable[[], dt.datetime],
    pacer: Pacer | None = None,
    progress: Progress | None = None,
) -> None:
    """Step 3: send every planned contact of ``report`` and store what became of it."""
    pacer = pacer or Pacer()
    todo = [i for i, r in enumerate(report.results) if r.status == AttemptStatus.PLANNED]
    for done, index in enumerate(todo, start=1):
        result = report.results[index]
        failure = await _deliver_one(result, policy, library, deliver, clock, pacer)
        moment = clock()
        _mark(factory, result.attempt_id, moment, failure)
        status = AttemptStatus.SENT if failure is None else AttemptStatus.FAILED
        reason = None if failure is None else failure.value
        report.results[index] = Result(result.decision, result.attempt_id, status, reason)
        logger.info("attempt %d %s %s", result.attempt_id, status.value, reason or "")
        if progress is not None:
            progress(done, len(todo))


async def _deliver_one(
    result: Result,
    policy: Policy,
    library: Library,
    deliver: Deliver,
    clock: Callable[[], dt.datetime],
    pacer: Pacer,
) -> Failure | None:
    decision = result.decision
    address = decision.address
    if address is None:  # the rules allow no contact without one
        return Failure.CHANNEL_ERROR
    message = compose(decision, policy, library, clock())
    if message is None:
        return Failure.GUARD
    await pacer.wait()
    events = opening_events(message, result.attempt_id)
    try:
        await deliver(address.conversation_id, events, address.channel)
    except RasaUnavailableError as error:
        logger.warning("attempt %d not delivered: Rasa status %s", result.attempt_id, error.status)
        return failure_of(error)
    return None


async def send_contacts(
    factory: sessionmaker,
    *,
    policy: Policy,
    library: Library,
    deliver: Deliver,
    clock: Callable[[], dt.datetime],
    pacer: Pacer | None = None,
    plan_progress: Progress | None = None,
    progress: Progress | None = None,
) -> SendReport:
    """One run: settle, plan and store at ``clock()``, then send (see the module docstring).

    The caller holds :func:`bot.outreach.lock.send_lock`.

    Args:
        factory: Sessions on our database.
        policy: The issuer policy.
        library: The scripts library (checked first: every outbound script approved).
        deliver: What reaches Rasa (``RasaClient.append_events``).
        clock: The current moment (aware); tests pass a fixed one.
        pacer: Spaces the deliveries (default: :data:`SEND_RATE_PER_SECOND`).
        plan_progress: Called with (accounts done, accounts in all) while planning.
        progress: Called with (messages done, messages in all) after each delivery.

    Returns:
        What became of every contact.

    Raises:
        bot.scripts.ScriptError: An outbound script is missing or not approved (nothing
            stored).
        bot.compliance.GuardModelError: The guard cannot check anything (nothing stored).
    """
    check_scripts(library)
    get_model()  # the guard must be usable before any contact is stored as planned
    report = prepare(factory, policy, clock(), plan_progress)
    await deliver_all(
        factory,
        report,
        policy=policy,
        library=library,
        deliver=deliver,
        clock=clock,
        pacer=pacer,
        progress=progress,
    )
    return report


def check_scripts(library: Library, script_ids: Sequence[str] = tuple(SCRIPTS.values())) -> None:
    """Every script a contact may send is an approved outbound script.

    Raises:
        bot.scripts.ScriptError: One is not.
    """
    for script_id in script_ids:
        library.outbound(script_id)
