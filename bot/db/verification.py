"""Identity verification with lockout: mobile number plus the ID number's last four characters.

Rules (issue 3, "Policy"; compliance rule ``verify-lockout``):

- ``max_failures`` failed attempts for a customer within ``lock_hours``, counted across
  conversations, lock disclosure for that customer for ``lock_hours``; the lock is recorded.
- A locked customer is refused even with correct data, until the lock expires.
- A mobile number that matches no customer cannot lock anyone: its failures count against the
  conversation only. ``max_failures`` failures in one conversation within ``lock_hours``
  (whatever the numbers given) lock that conversation for ``lock_hours``; the lock is recorded
  without a customer.
- A lock also locks the conversation it was recorded in, whatever number is given next.
- A successful verification resets the count for the customer and for the conversation.
- Attempts refused because of a lock are recorded (for the audit trail) but do not count.
"""

import datetime as dt
import hmac
import logging
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from bot.db.masking import mask_phone
from bot.db.models import Account, AccountStatus, Customer
from bot.db.repositories import AccountRepository, CustomerRepository, VerificationRepository

logger = logging.getLogger(__name__)

VerificationStatus = Literal["verified", "mismatch", "locked"]

DEFAULT_MAX_FAILURES = 3
DEFAULT_LOCK_HOURS = 24


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of one verification attempt.

    Attributes:
        status: ``verified``, ``mismatch`` or ``locked``.
        customer_id: The verified customer; also set for a customer lock (for the lockout
            hand-off). ``None`` otherwise: a mismatch never says whom the number belongs to.
        account_id: The account to discuss once verified (the non-settled account with the most
            days past due), else ``None``.
        attempts_left: Failures still allowed before a lock (0 when locked).
        locked_until: End of the lock when ``locked``, else ``None``.
    """

    status: VerificationStatus
    customer_id: int | None
    account_id: int | None
    attempts_left: int
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


def _same_last4(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.strip().upper().encode(), expected.strip().upper().encode())


def _primary_account_id(accounts: list[Account]) -> int | None:
    open_accounts = [a for a in accounts if a.status != AccountStatus.SETTLED]
    chosen = open_accounts or accounts
    return chosen[0].id if chosen else None


def verify_identity(
    session: Session,
    conversation_id: str,
    mobile: str,
    id_last4: str,
    now: dt.datetime,
    max_failures: int = DEFAULT_MAX_FAILURES,
    lock_hours: int = DEFAULT_LOCK_HOURS,
) -> VerificationResult:
    """Check a mobile number and ID last four, record the attempt and lock when due.

    The caller owns the session and commits it (the attempt and any lock must be saved even
    when verification fails).

    Args:
        session: Open session.
        conversation_id: Conversation (Rasa sender id).
        mobile: Mobile number as given.
        id_last4: Last four characters of the ID number as given (``x`` and ``X`` are equal).
        now: Current time, timezone-aware.
        max_failures: Failures that trigger a lock (policy: 3).
        lock_hours: Counting window and lock duration in hours (policy: 24).

    Returns:
        The result; see :class:`VerificationResult`.

    Raises:
        ValueError: ``now`` is naive.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    attempts = VerificationRepository(session)
    window = dt.timedelta(hours=lock_hours)
    mobile = normalize_mobile(mobile)
    customer = CustomerRepository(session).find_by_mobile(mobile) if mobile else None
    customer_id = customer.id if customer else None

    def refuse(locked_until: dt.datetime, locked_customer_id: int | None) -> VerificationResult:
        attempts.record_verification_attempt(
            conversation_id=conversation_id,
            mobile=mobile,
            success=False,
            customer_id=customer_id,
            during_lock=True,
            at=now,
        )
        return VerificationResult("locked", locked_customer_id, None, 0, locked_until)

    lock = attempts.active_lock(customer.id, now) if customer is not None else None
    lock = lock or attempts.active_conversation_lock(conversation_id, now)
    if lock is not None:
        logger.info("verification refused in conversation %s: locked", conversation_id)
        return refuse(lock.locked_until, lock.customer_id)

    if customer is not None and _same_last4(id_last4, customer.id_last4):
        attempts.record_verification_attempt(
            conversation_id=conversation_id,
            mobile=mobile,
            success=True,
            customer_id=customer.id,
            at=now,
        )
        account_id = _primary_account_id(AccountRepository(session).for_customer(customer.id))
        logger.info("conversation %s verified", conversation_id)
        return VerificationResult("verified", customer.id, account_id, max_failures, None)

    attempts.record_verification_attempt(
        conversation_id=conversation_id,
        mobile=mobile,
        success=False,
        customer_id=customer_id,
        at=now,
    )
    logger.info(
        "verification mismatch in conversation %s (%s)", conversation_id, mask_phone(mobile)
    )
    return _after_failure(attempts, customer, conversation_id, now, window, max_failures)


def _after_failure(
    attempts: VerificationRepository,
    customer: Customer | None,
    conversation_id: str,
    now: dt.datetime,
    window: dt.timedelta,
    max_failures: int,
) -> VerificationResult:
    """Count the failures after a mismatch and lock the customer or the conversation if due."""
    customer_failures = 0
    if customer is not None:
        since = _count_from(attempts.last_success_at(customer_id=customer.id), now - window)
        customer_failures = attempts.failed_attempts_since(customer.id, since)
    since = _count_from(attempts.last_success_at(conversation_id=conversation_id), now - window)
    conversation_failures = attempts.conversation_failures_since(conversation_id, since)
    if customer_failures >= max_failures or conversation_failures >= max_failures:
        locked_id = customer.id if customer and customer_failures >= max_failures else None
        lock = attempts.lock(locked_id, now + window, conversation_id=conversation_id)
        return VerificationResult("locked", locked_id, None, 0, lock.locked_until)
    left = max_failures - max(customer_failures, conversation_failures)
    return VerificationResult("mismatch", None, None, left, None)


def _count_from(last_success: dt.datetime | None, window_start: dt.datetime) -> dt.datetime:
    """Failures count after the later of the window start and the last success."""
    if last_success is None:
        return window_start
    return max(last_success, window_start)
