"""Formal notices as issued (table ``notices``, migration 0008): written once, never changed.

Like the repositories of :mod:`bot.db.repositories`, :class:`NoticeRepository` takes a session
owned by the caller and never commits. It can add and read notices, not change them; the
database's trigger refuses an UPDATE from anywhere else too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from bot.db.models import Account, Notice

logger = logging.getLogger(__name__)


def pdf_digest(pdf: bytes) -> str:
    """The hex SHA-256 stored with a notice's PDF (and checked before it is served)."""
    return hashlib.sha256(pdf).hexdigest()


def notice_reference(account_id: int, version: int) -> str:
    """The reference printed on a notice: account and version, ``N000001-01``."""
    return f"N{account_id:06d}-{version:02d}"


class NoticeRepository:
    """Issued notices: insert and read."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def next_version(self, account_id: int) -> int:
        """The version the account's next notice gets (1 for its first)."""
        latest = self._session.execute(
            select(func.max(Notice.version)).where(Notice.account_id == account_id)
        ).scalar_one()
        return 1 if latest is None else int(latest) + 1

    def add(
        self,
        *,
        account_id: int,
        version: int,
        script_id: str,
        script_version: int,
        issued_at: dt.datetime,
        issued_by: str,
        html: str,
        pdf: bytes,
        sha256: str,
    ) -> Notice:
        """Store an issued notice (its reference follows from the account and version).

        Raises:
            sqlalchemy.exc.IntegrityError: at flush, when this version of the account's notice
                exists already (a concurrent issue): nothing is stored, issue again.
        """
        notice = Notice(
            account_id=account_id,
            version=version,
            reference=notice_reference(account_id, version),
            script_id=script_id,
            script_version=script_version,
            issued_at=issued_at,
            issued_by=issued_by,
            html=html,
            pdf=pdf,
            sha256=sha256,
        )
        self._session.add(notice)
        self._session.flush()
        return notice

    def get(self, notice_id: int) -> Notice | None:
        """Return the notice with this id, or ``None``."""
        found: Notice | None = self._session.get(Notice, notice_id)
        return found

    def for_account(self, account_id: int) -> list[Notice]:
        """Return an account's notices, first version first."""
        return self.for_accounts([account_id])

    def for_accounts(self, account_ids: Sequence[int]) -> list[Notice]:
        """Return the notices of these accounts, by account then version.

        For lists: the documents (``html``, ``pdf``) load only when read.
        """
        statement = (
            select(Notice)
            .where(Notice.account_id.in_(list(account_ids)))
            .order_by(Notice.account_id, Notice.version)
            .options(defer(Notice.html), defer(Notice.pdf))
        )
        return list(self._session.scalars(statement))

    def for_customers(self, customer_ids: Sequence[int]) -> list[Notice]:
        """Return the notices of every account of these customers, by account then version."""
        accounts = select(Account.id).where(Account.customer_id.in_(list(customer_ids)))
        return self.for_accounts(list(self._session.scalars(accounts)))
