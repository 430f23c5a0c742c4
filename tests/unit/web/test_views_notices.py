"""Formal notices in the web app: trainers and admins read and download them, agents and
anonymous users cannot, the conversation's record lists them masked, and access is logged without
personal data."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from sqlalchemy import text

from bot.db.settings import session_scope
from bot.notices.issue import issue_notice
from bot.policy import load_policy
from bot.scripts import load_library

NOW = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def notice(session_factory):
    """张伟's notice (account 1, the account conv-plan verified as), issued in this database."""
    with session_scope(session_factory) as session:
        return issue_notice(
            session, 1, policy=load_policy(), library=load_library(), now=NOW, issued_by="test"
        )


def _notices_cell(html: str) -> str:
    match = re.search(r'<dd id="notices">(.*?)</dd>', html, re.S)
    assert match, "the conversation's record has a 函件 entry"
    return match.group(1)


@pytest.mark.parametrize("role", ["trainer", "admin"])
async def test_trainers_and_admins_read_the_notice_as_issued(client, login, notice, role) -> None:
    await login(role)
    response = await client.get(f"/notices/{notice.id}")
    assert response.status == 200
    html = await response.text()
    assert notice.reference in html and notice.sha256 in html
    assert "notices.formal_notice v1" in html
    assert "尊敬的张伟：" in html  # the document is the legal notice: the full name
    assert f'href="/notices/{notice.id}.pdf"' in html
    css = re.search(r'href="(/static/notices/notice\.css[^"]*)"', html)
    assert css, "the page uses the notice's style sheet"
    sheet = await client.get(css.group(1))
    assert sheet.status == 200 and "@page" in await sheet.text()


async def test_the_pdf_download_is_the_stored_document(client, login, notice) -> None:
    await login("trainer")
    response = await client.get(f"/notices/{notice.id}.pdf")
    assert response.status == 200
    assert response.content_type == "application/pdf"
    assert await response.read() == bytes(notice.pdf)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{notice.reference}.pdf"'
    )
    assert response.headers["X-Content-SHA256"] == notice.sha256


async def test_agents_are_refused_and_anonymous_users_sent_to_login(client, login, notice):
    for path in (f"/notices/{notice.id}", f"/notices/{notice.id}.pdf"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"].startswith("/login?")
    await login("agent")
    for path in (f"/notices/{notice.id}", f"/notices/{notice.id}.pdf"):
        response = await client.get(path)
        assert response.status == 403
        assert "张伟" not in await response.text()


async def test_an_unknown_notice_is_404(client, login, notice) -> None:
    await login("trainer")
    for path in ("/notices/999", "/notices/999.pdf", f"/notices/{2**63}", "/notices/x"):
        assert (await client.get(path)).status == 404, path


async def test_the_conversations_record_lists_its_notices_masked(client, login, notice) -> None:
    await login("trainer")
    verified = _notices_cell(await (await client.get("/review/conversations/conv-plan")).text())
    assert f'href="/notices/{notice.id}"' in verified and notice.reference in verified
    assert "张*" in verified and "张伟" not in verified
    assert "卡尾号6217" in verified and "notices.formal_notice v1" in verified
    unverified = _notices_cell(
        await (await client.get("/review/conversations/conv-fallback")).text()
    )
    assert notice.reference not in unverified and "无" in unverified


async def test_access_is_logged_without_personal_data(client, login, notice, caplog) -> None:
    await login("trainer")
    with caplog.at_level(logging.INFO, logger="bot.web.views.notices"):
        await client.get(f"/notices/{notice.id}")
        await client.get(f"/notices/{notice.id}.pdf")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.web.views.notices"]
    assert lines == [f"notice {notice.id} page read by tom", f"notice {notice.id} pdf read by tom"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(secret in logged for secret in ("张伟", "13800001111", "6217"))


async def test_a_pdf_that_no_longer_matches_its_hash_is_not_served(
    client, login, notice, session_factory
) -> None:
    with session_scope(session_factory) as session:  # only by removing the database's guard
        session.execute(text("DROP TRIGGER notices_immutable"))
        session.execute(
            text("UPDATE notices SET pdf = :pdf WHERE id = :id"),
            {"pdf": b"%PDF-1.7 forged", "id": notice.id},
        )
    await login("trainer")
    response = await client.get(f"/notices/{notice.id}.pdf")
    assert response.status == 500
    assert b"forged" not in await response.read()
