"""Issue a notice: check the account may get one, compose, guard, render, hash and store it.

:func:`issue_notice` does it all in the caller's session (the caller commits): a notice the guard
refuses, or that cannot be rendered, raises before anything is written. :func:`preview_notice`
composes and renders without storing (``python -m bot.notices render``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.clock import local_today
from bot.db.models import Notice
from bot.db.notices import NoticeRepository, notice_reference, pdf_digest
from bot.db.repositories import CustomerRepository, NotFoundError
from bot.dialogue.sql_store import SqlStore
from bot.notices.content import NOTICE_SCRIPT, Addressee, NoticeError, compose, notice_values
from bot.notices.render import document_html, notice_html, notice_pdf
from bot.outreach.planner import load_borrowers
from bot.policy import Policy
from bot.policy.outreach import Borrower, Rule, disputed, distressed
from bot.scripts import Library

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedNotice:
    """A notice ready to store: the fragment staff read, the PDF and its hash."""

    reference: str
    version: int
    script_id: str
    script_version: int
    html: str
    pdf: bytes
    sha256: str


NOTICE_RULES: tuple[tuple[Rule, Callable[[Borrower], bool]], ...] = (
    (Rule.STOP_CONTACT, lambda borrower: borrower.stop_contact),
    (Rule.DISPUTE, disputed),
    (Rule.PAUSED, lambda borrower: borrower.account_status == "paused"),
    (Rule.DISTRESS, distressed),
)
"""The outreach rules that stop collection as a whole, as a written notice reads them: a stop
record (not a platform unsubscribe, which ends one chat channel only), an open dispute, the
account paused (not an agent holding a chat), distress (:mod:`bot.policy.outreach`)."""


def blocking_rule(borrower: Borrower) -> str | None:
    """Why the account may not get a collection notice now, or None.

    Nothing is owed, the account is not past due (the notice states an overdue debt), or one
    of :data:`NOTICE_RULES` holds.
    """
    if borrower.account_status == "settled" or not borrower.owes:
        return "nothing_owed"
    if borrower.days_past_due <= 0:
        return "not_overdue"
    return next((rule.value for rule, holds in NOTICE_RULES if holds(borrower)), None)


def _borrower(session: Session, account_id: int, now: dt.datetime, policy: Policy) -> Borrower:
    """The account's snapshot as the outreach rules read it (the one definition of them)."""
    borrowers = load_borrowers(session, now, zone=policy.zone, account_ids=[account_id])
    if not borrowers:
        raise NoticeError(f"no account {account_id}")
    return borrowers[0]


def _addressee(session: Session, account_id: int) -> Addressee:
    try:
        account = SqlStore(session).account(account_id)
    except NotFoundError:
        raise NoticeError(f"no account {account_id}") from None
    customer = CustomerRepository(session).get(account.customer_id)
    if customer is None:
        raise NoticeError(f"account {account_id} has no customer")
    return Addressee(name=str(customer.name), account=account)


def render_notice(
    session: Session,
    account_id: int,
    *,
    policy: Policy,
    library: Library,
    now: dt.datetime,
    script_id: str = NOTICE_SCRIPT,
) -> RenderedNotice:
    """Compose, guard and render the account's next notice (nothing is stored).

    Raises:
        NoticeError: No such account, the policy has no ``notices`` section, a rule forbids a
            notice, the guard refused the text (:class:`NoticeRefusedError`), or the HTML asks
            for a resource.
        bot.scripts.ScriptError: The template is missing, not approved or not a document.
    """
    rule = blocking_rule(_borrower(session, account_id, now, policy))
    if rule is not None:
        raise NoticeError(f"account {account_id} may not get a notice now: {rule}")
    addressee = _addressee(session, account_id)
    version = NoticeRepository(session).next_version(account_id)
    reference = notice_reference(account_id, version)
    values = notice_values(
        policy, addressee, reference=reference, issued_on=local_today(policy.time_zone, now)
    )
    content = compose(library, values, borrower_name=addressee.name, script_id=script_id)
    fragment = notice_html(content)
    pdf = notice_pdf(
        document_html(
            fragment,
            title=content.title,
            reference=reference,
            institution=policy.institution.name,
        )
    )
    return RenderedNotice(
        reference,
        version,
        content.script_id,
        content.script_version,
        fragment,
        pdf,
        pdf_digest(pdf),
    )


def issue_notice(
    session: Session,
    account_id: int,
    *,
    policy: Policy,
    library: Library,
    now: dt.datetime,
    issued_by: str,
    script_id: str = NOTICE_SCRIPT,
) -> Notice:
    """Issue the account's next notice and store it (the caller commits).

    Raises:
        NoticeError: As :func:`render_notice`; nothing is stored.
        bot.scripts.ScriptError: As :func:`render_notice`; nothing is stored.
        sqlalchemy.exc.IntegrityError: A concurrent issue took this version; nothing is stored.
    """
    rendered = render_notice(
        session, account_id, policy=policy, library=library, now=now, script_id=script_id
    )
    notice = NoticeRepository(session).add(
        account_id=account_id,
        version=rendered.version,
        script_id=rendered.script_id,
        script_version=rendered.script_version,
        issued_at=now,
        issued_by=issued_by,
        html=rendered.html,
        pdf=rendered.pdf,
        sha256=rendered.sha256,
    )
    logger.info(
        "notice %s issued for account %s (%s v%s, sha256 %s)",
        notice.reference,
        account_id,
        rendered.script_id,
        rendered.script_version,
        rendered.sha256[:12],
    )
    return notice
