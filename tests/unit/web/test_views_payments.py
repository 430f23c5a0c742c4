"""``POST /api/payments``: admins record payments; role and CSRF checks; 4xx for bad bodies."""

import json
import logging
from decimal import Decimal

import pytest

from bot.db.repositories import Repositories
from bot.db.settings import session_scope
from tests.unit.web.conftest import page_token

URL = "/api/payments"
ROWS = [
    {"reference": "API-1", "account": 1, "amount": 300, "paid_at": "2024-11-30T10:00+08:00"},
    {
        "reference": "API-2",
        "account": "2",
        "amount": "26.05",
        "paid_at": "2024-11-30",
        "channel": "alipay",
        "card_last4": "4392",
    },
]


async def _post(client, token, body, **kwargs):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "X-CSRF-Token": token, **kwargs}
    return await client.post(URL, data=data, headers=headers)


def _account(session_factory, account_id):
    with session_scope(session_factory) as session:
        return Repositories(session).accounts.get(account_id)


async def test_admin_records_payments_once(client, login, session_factory) -> None:
    token = await login("admin")
    response = await _post(client, token, ROWS)
    assert response.status == 200, await response.text()
    report = await response.json()
    assert (report["recorded"], report["duplicates"], report["rejected"]) == (2, 0, [])
    account = _account(session_factory, 1)
    assert (account.late_fees, account.interest, account.total_due) == (
        Decimal("0.00"),
        Decimal("280.00"),
        Decimal("12280.00"),
    )
    with session_scope(session_factory) as session:
        assert Repositories(session).payments.find_by_reference("API-1").source == "api:ada"
    again = await (await _post(client, token, ROWS)).json()
    assert (again["recorded"], again["duplicates"]) == (0, 2)
    assert _account(session_factory, 1).total_due == Decimal("12280.00")


async def test_rejected_rows_answer_422_with_reasons_and_the_rest_is_recorded(
    client, login, session_factory
) -> None:
    token = await login("admin")
    rows = [
        *ROWS,
        {"reference": "API-3", "account": 1, "amount": "1.001", "paid_at": "2024-11-30"},
        {"reference": "API-1", "account": 1, "amount": 301, "paid_at": "2024-11-30T10:00+08:00"},
        {"reference": "API-4", "account": 77, "amount": 1, "paid_at": "2024-11-30"},
    ]
    response = await _post(client, token, rows)
    assert response.status == 422
    report = await response.json()
    assert report["recorded"] == 2 and report["rejected_rows"] == 3
    assert [(e["line"], e["field"]) for e in report["rejected"]] == [
        (3, "amount"),
        (4, "reference"),
        (5, "account"),
    ]
    assert _account(session_factory, 1).total_due == Decimal("12280.00")


@pytest.mark.parametrize("role", ["agent", "trainer"])
async def test_other_roles_are_refused(client, login, role, session_factory) -> None:
    token = await login(role)
    response = await _post(client, token, ROWS)
    assert response.status == 403
    assert _account(session_factory, 1).total_due == Decimal("12580.00")


async def test_anonymous_is_refused(client) -> None:
    response = await _post(client, await page_token(client), ROWS)
    assert response.status == 401


async def test_a_missing_or_wrong_csrf_token_is_refused(client, login, session_factory) -> None:
    await login("admin")
    assert (await client.post(URL, json=ROWS)).status == 403
    assert (await _post(client, "not-the-token", ROWS)).status == 403
    assert _account(session_factory, 1).total_due == Decimal("12580.00")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[",
        b'{"reference": "A"}',
        b"[]",
        b"null",
        b'"rows"',
        '[{"amount": 1}]'.encode("utf-16"),
        b"\xff\xfe[]",
        b"[" * 5000 + b"]" * 5000,
        json.dumps([{}] * 1001).encode(),
    ],
    ids=range(10),
)
async def test_malformed_bodies_get_400(client, login, body) -> None:
    token = await login("admin")
    response = await _post(client, token, body)
    assert response.status == 400, (body[:40], await response.text())


@pytest.mark.parametrize(
    "row",
    [
        {"reference": ["x"], "account": {"a": 1}, "amount": None, "paid_at": True},
        {"reference": "A", "account": 10**40, "amount": 1e400, "paid_at": "2024-11-30"},
        {"reference": "A", "account": 1, "amount": "NaN", "paid_at": "2024-11-30"},
        {"reference": "A" * 10_000, "account": 1, "amount": 1, "paid_at": "9999-99-99"},
        "not an object",
        None,
    ],
    ids=range(6),
)
async def test_bad_rows_get_422_never_500(client, login, row) -> None:
    token = await login("admin")
    response = await _post(client, token, [row])
    assert response.status == 422, await response.text()
    assert (await response.json())["recorded"] == 0


async def test_no_full_card_or_phone_number_in_logs_or_answer(client, login, caplog) -> None:
    token = await login("admin")
    card, phone = "6217001234565678", "13800001111"
    row = {"reference": phone, "account": card, "amount": 5, "paid_at": "2024-11-30"}
    with caplog.at_level(logging.DEBUG):
        response = await _post(client, token, [row, {**ROWS[0], "channel": card}])
    text = await response.text()
    assert response.status == 422
    for number in (card, phone):
        assert number not in text
        assert number not in caplog.text


async def test_a_concurrent_reference_answers_409_and_keeps_nothing(
    client, login, session_factory, monkeypatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    from bot.payments import ledger
    from bot.web.views import payments

    def racing(session, rows, **kwargs):
        ledger.record_payments(session, rows, **kwargs)
        raise IntegrityError("INSERT", {}, Exception("uq_payments_reference"))

    monkeypatch.setattr(payments, "record_payments", racing)
    token = await login("admin")
    response = await _post(client, token, ROWS)
    assert response.status == 409
    assert "send the batch again" in (await response.json())["error"]
    assert _account(session_factory, 1).total_due == Decimal("12580.00")
