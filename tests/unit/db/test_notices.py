"""The notices table on both backends: stored once, read back as written, never updated."""

import datetime as dt
import hashlib

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from bot.db.demo import DEMO_ACCOUNTS, seed_demo
from bot.db.models import Notice
from bot.db.notices import NoticeRepository, pdf_digest
from bot.db.repositories import Repositories

NOW = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.timezone.utc)
PDF = b"%PDF-1.7 a notice"


@pytest.fixture
def account_id(session: Session) -> int:
    """张伟's account, from the demo data."""
    seed_demo(session)
    session.commit()
    repos = Repositories(session)
    customer = repos.customers.find_by_mobile(DEMO_ACCOUNTS[0].mobile)
    return int(repos.accounts.for_customer(customer.id)[0].id)


def _add(session: Session, account_id: int, version: int) -> Notice:
    return NoticeRepository(session).add(
        account_id=account_id,
        version=version,
        script_id="notices.formal_notice",
        script_version=1,
        issued_at=NOW,
        issued_by="test",
        html="<article>…</article>",
        pdf=PDF,
        sha256=pdf_digest(PDF),
    )


def test_versions_count_per_account_and_read_back_as_written(session, account_id) -> None:
    repo = NoticeRepository(session)
    assert repo.next_version(account_id) == 1
    first = _add(session, account_id, 1)
    assert first.reference == f"N{account_id:06d}-01" and repo.next_version(account_id) == 2
    session.commit()
    session.expire_all()
    stored = repo.get(first.id)
    assert bytes(stored.pdf) == PDF and stored.issued_at == NOW
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()


def test_the_same_version_twice_is_refused(session, account_id) -> None:
    _add(session, account_id, 1)
    session.commit()
    with pytest.raises(IntegrityError):
        _add(session, account_id, 1)


def test_the_database_refuses_to_change_an_issued_notice(session, account_id) -> None:
    notice_id = _add(session, account_id, 1).id
    session.commit()
    for change in (
        update(Notice).where(Notice.id == notice_id).values(pdf=b"%PDF forged"),
        text("UPDATE notices SET issued_by = 'someone else'"),
    ):
        with pytest.raises(DBAPIError, match="issue a new version"):
            session.execute(change)
        session.rollback()
    assert bytes(NoticeRepository(session).get(notice_id).pdf) == PDF
