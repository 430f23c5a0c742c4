"""Identity verification with lockout: mobile number plus the ID number's last four characters.

Rules (issue 3 "Policy", issue 9 "The lockout"; compliance rule ``verify-lockout``). A
*counted failure* is a mismatch that was not refused: attempts refused because of a lock or the
client limit are recorded for the audit trail but never count.

- **Customer.** ``max_failures`` counted failures naming a customer's number within
  ``lock_hours``, across conversations, lock disclosure for that customer for ``lock_hours``;
  the lock is recorded. Only failures that could plausibly be the borrower's own count here: a
  failure without a client key, or one from a client none of whose counted failures within the
  client window named another number (another customer's, or one that matches nobody). A
  client probing several numbers is not the borrower: it can lock at most the one number it
  tried first, and fresh conversations do not get it past the client limit.
- **Conversation.** ``max_failures`` counted failures in one conversation within ``lock_hours``
  (whatever the numbers given) lock that conversation for ``lock_hours``. A number that matches
  no customer therefore locks the conversation only; the lock is recorded without a customer.
- **Client.** ``client_max_failures`` counted failures from one client (see
  :func:`client_key`) within ``client_window_hours``, across conversations and numbers, lock
  the conversation of the last one; every later attempt from that client, in any conversation
  and even with correct data, is refused as ``locked`` until enough of its failures have left
  the window. The client limit never locks a customer (a stranger cannot lock a borrower out
  with many conversations), and a success does not reset it (a client cannot refill its budget
  by verifying its own identity).
- A lock also locks the conversation it was recorded in, whatever number is given next, and the
  conversation forgets any earlier verification (it discloses nothing any more).
- A locked customer is refused even with correct data, until the lock expires.
- A success resets the customer's and the conversation's counts (not the client's), and is
  remembered on the server (:func:`bot.db.conversation_state.remember_verified`). When the
  conversation is a push channel's (WeChat, Telegram: ``<channel>-<address>``), its address is
  bound to the customer (:func:`bot.db.channel_addresses.bind`): outreach can reach them there.

What the caller learns: until a lock, a wrong number and a debtor's number with a wrong ID give
the same result (``mismatch``, no customer, no count of attempts left), so the reply cannot
tell whether a number belongs to a borrower. A lock result names the customer only when the
customer was locked (for the lockout hand-off). What remains: a debtor's number locks after
``max_failures`` failures across conversations, a number matching nobody only within one, so
a prober spreading one number over fresh conversations learns it at the lock; the client limit
bounds how often one client can try that.

Concurrency: attempts that compete are serialised, so every attempt counts the ones committed
before it and a lock is written once. On PostgreSQL, always in this order (so no deadlocks): a
transaction advisory lock per client and one per conversation
(:meth:`~bot.db.repositories.VerificationRepository.serialise_attempts`), then
``SELECT ... FOR NO KEY UPDATE`` on the customer's row. This relies on PostgreSQL's default
``READ COMMITTED`` isolation (each statement sees what was committed before it). On SQLite the
attempt row is written before anything is read, which takes the database's single write lock
until commit. Either way the caller should commit soon after: the locks are held until then.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from bot import settings
from bot.channels.senders import split_sender_id
from bot.db import channel_addresses
from bot.db.conversation_state import forget_verification, remember_verified
from bot.db.masking import mask_phone
from bot.db.models import Account, AccountStatus, Customer, VerificationAttempt
from bot.db.repositories import AccountRepository, VerificationRepository

logger = logging.getLogger(__name__)

VerificationStatus = Literal["verified", "mismatch", "locked"]

DEFAULT_MAX_FAILURES = 3
DEFAULT_LOCK_HOURS = 24
DEFAULT_CLIENT_MAX_FAILURES = 5
DEFAULT_CLIENT_WINDOW_HOURS = 24

CLIENT_KEY_LENGTH = 64
CLIENT_LOCK_REASON = "client_failures"

_process_secret: bytes | None = None
_process_secret_lock = threading.Lock()


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of one verification attempt.

    Attributes:
        status: ``verified``, ``mismatch`` or ``locked``.
        customer_id: The verified customer; also set for a customer lock (for the lockout
            hand-off). ``None`` otherwise: a mismatch never says whom the number belongs to.
        account_id: The account to discuss once verified (the non-settled account with the most
            days past due), else ``None``.
        locked_until: End of the lock (or of the client limit) when ``locked``, else ``None``.
    """

    status: VerificationStatus
    customer_id: int | None
    account_id: int | None
    locked_until: dt.datetime | None


def normalize_mobile(mobile: str) -> str:
    """Keep the digits of a mobile number and drop a leading ``86`` country code.

    Args:
        mobile: As typed, e.g. ``"+86 138-0000-1111"``.

    Returns:
        The national number, e.g. ``"13800001111"``.
    """
    digits = re.sub(r"\D", "", mobile)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def client_key(address: str) -> str:
    """Key a client's network address for the per-client limit, without storing the address.

    HMAC-SHA256 with the secret in ``CLIENT_KEY_SECRET`` (:mod:`bot.settings`); without it a
    random secret made once per process is used (with a warning): keys then differ between
    processes and restarts, so the limit only holds within one process. An IPv6 address is keyed
    by its /64 network (one subscriber usually holds a whole /64); an IPv4-mapped IPv6 address by
    its IPv4 address.

    Args:
        address: The client's address as the server saw it (e.g. ``"203.0.113.7"``).

    Returns:
        64 lower-case hex characters.
    """
    message = _client_identity(address).encode()
    digest = hmac.new(_client_key_secret(), message, hashlib.sha256)
    return digest.hexdigest()[:CLIENT_KEY_LENGTH]


def _client_identity(address: str) -> str:
    address = address.strip()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _client_key_secret() -> bytes:
    configured = settings.current().client_key_secret
    if configured:
        return configured.encode()
    global _process_secret
    with _process_secret_lock:
        if _process_secret is None:
            logger.warning(
                "CLIENT_KEY_SECRET is not set: client keys use a per-process random secret, so "
                "the per-client verification limit does not hold across processes or restarts"
            )
            _process_secret = secrets.token_bytes(32)
        return _process_secret


def _same_last4(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.strip().upper().encode(), expected.strip().upper().encode())


def _primary_account_id(accounts: list[Account]) -> int | None:
    open_accounts = [a for a in accounts if a.status != AccountStatus.SETTLED]
    chosen = open_accounts or accounts
    return chosen[0].id if chosen else None


@dataclass(frozen=True)
class _Limits:
    max_failures: int
    window: dt.timedelta
    client_max_failures: int
    client_window: dt.timedelta


def verify_identity(
    session: Session,
    conversation_id: str,
    mobile: str,
    id_last4: str,
    now: dt.datetime,
    max_failures: int = DEFAULT_MAX_FAILURES,
    lock_hours: int = DEFAULT_LOCK_HOURS,
    *,
    client_key: str | None = None,
    client_max_failures: int = DEFAULT_CLIENT_MAX_FAILURES,
    client_window_hours: int = DEFAULT_CLIENT_WINDOW_HOURS,
) -> VerificationResult:
    """Check a mobile number and ID last four, record the attempt and lock when due.

    The caller owns the session and commits it (the attempt and any lock must be saved even
    when verification fails); until then this attempt holds the customer's, conversation's
    and client's turn (see the module docstring).

    Args:
        session: Open session.
        conversation_id: Conversation (Rasa sender id).
        mobile: Mobile number as given.
        id_last4: Last four characters of the ID number as given (``x`` and ``X`` are equal).
        now: Current time, timezone-aware.
        max_failures: Failures that trigger a lock (policy: 3).
        lock_hours: Counting window and lock duration in hours (policy: 24).
        client_key: Keyed hash of the client's address (:func:`client_key`), or ``None`` when
            unknown (then no per-client limit applies to this attempt).
        client_max_failures: Failures one client may make within ``client_window_hours``
            across conversations before it is refused.
        client_window_hours: Window of the per-client limit, in hours.

    Returns:
        The result; see :class:`VerificationResult`.

    Raises:
        ValueError: ``now`` is naive, or ``client_key`` is longer than 64 characters.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if client_key is not None and len(client_key) > CLIENT_KEY_LENGTH:
        raise ValueError("client_key must come from client_key() (64 characters at most)")
    limits = _Limits(
        max_failures,
        dt.timedelta(hours=lock_hours),
        client_max_failures,
        dt.timedelta(hours=client_window_hours),
    )
    attempts = VerificationRepository(session)
    mobile = normalize_mobile(mobile)
    # Serialise first (PostgreSQL): client, conversation, then the customer's row.
    attempts.serialise_attempts(conversation_id=conversation_id, client_key=client_key)
    customer = attempts.find_customer_for_update(mobile) if mobile else None
    # Written before anything is counted (on SQLite this takes the write lock); it stays a
    # refused attempt, which counts nowhere, unless settled otherwise below.
    attempt = attempts.record_verification_attempt(
        conversation_id=conversation_id,
        mobile=mobile,
        success=False,
        customer_id=customer.id if customer else None,
        during_lock=True,
        at=now,
        client_key=client_key,
    )

    refusal = _refusal(attempts, customer, conversation_id, client_key, now, limits)
    if refusal is not None:
        logger.info("verification refused in conversation %s: locked", conversation_id)
        return refusal

    if customer is not None and _same_last4(id_last4, customer.id_last4):
        attempts.settle_attempt(attempt, success=True, during_lock=False)
        account_id = _primary_account_id(AccountRepository(session).for_customer(customer.id))
        remember_verified(session, conversation_id, customer.id, account_id, now)
        _bind_address(session, conversation_id, customer.id, now)
        logger.info("conversation %s verified", conversation_id)
        return VerificationResult("verified", customer.id, account_id, None)

    attempts.settle_attempt(attempt, success=False, during_lock=False)
    logger.info(
        "verification mismatch in conversation %s (%s)", conversation_id, mask_phone(mobile)
    )
    return _after_failure(session, customer, attempt, now, limits)


def _bind_address(
    session: Session, conversation_id: str, customer_id: int, now: dt.datetime
) -> None:
    """Bind a push channel's conversation to the customer it verified as (outreach's address)."""
    pushed = split_sender_id(conversation_id)
    if pushed is None:
        return
    channel, address = pushed
    try:
        channel_addresses.bind(
            session, channel=channel, address=address, customer_id=customer_id, now=now
        )
    except ValueError:  # an address no platform gives (over-long): verified, but not bound
        logger.warning("%s conversation verified; its address is not one to keep", channel)


def _refusal(
    attempts: VerificationRepository,
    customer: Customer | None,
    conversation_id: str,
    key: str | None,
    now: dt.datetime,
    limits: _Limits,
) -> VerificationResult | None:
    """The result for an attempt refused by a lock or the client limit, else ``None``."""
    lock = attempts.active_lock(customer.id, now) if customer is not None else None
    lock = lock or attempts.active_conversation_lock(conversation_id, now)
    if lock is not None:
        return VerificationResult("locked", lock.customer_id, None, lock.locked_until)
    if key is None:
        return None
    failures = _client_failures(attempts, key, now, limits)
    if len(failures) < limits.client_max_failures:
        return None
    # Refused until the oldest of the client's last ``client_max_failures`` failures expires.
    return VerificationResult("locked", None, None, failures[-1] + limits.client_window)


def _client_failures(
    attempts: VerificationRepository, key: str, now: dt.datetime, limits: _Limits
) -> list[dt.datetime]:
    """The client's latest counted failures in its window, at most ``client_max_failures``."""
    since = now - limits.client_window
    return attempts.client_failure_times(key, since, limit=limits.client_max_failures)


def _after_failure(
    session: Session,
    customer: Customer | None,
    attempt: VerificationAttempt,
    now: dt.datetime,
    limits: _Limits,
) -> VerificationResult:
    """Count the failures after a mismatch and lock the customer and/or conversation if due."""
    attempts = VerificationRepository(session)
    window_start = now - limits.window
    conversation_id = attempt.conversation_id
    customer_locked = False
    if customer is not None:
        customer_failures = attempts.plausible_customer_failures_since(
            customer.id,
            window_start,
            after_id=attempts.last_success_id(customer_id=customer.id),
            client_since=now - limits.client_window,
        )
        customer_locked = customer_failures >= limits.max_failures
    conversation_failures = attempts.conversation_failures_since(
        conversation_id,
        window_start,
        after_id=attempts.last_success_id(conversation_id=conversation_id),
    )
    failures_locked = customer_locked or conversation_failures >= limits.max_failures
    client_locked = attempt.client_key is not None and (
        len(_client_failures(attempts, attempt.client_key, now, limits))
        >= limits.client_max_failures
    )
    if not (failures_locked or client_locked):
        return VerificationResult("mismatch", None, None, None)
    locked_id = customer.id if customer is not None and customer_locked else None
    lock = attempts.lock(
        locked_id,
        now + limits.window,
        reason="verification_failures" if failures_locked else CLIENT_LOCK_REASON,
        conversation_id=conversation_id,
    )
    forget_verification(session, conversation_id)
    return VerificationResult("locked", locked_id, None, lock.locked_until)
