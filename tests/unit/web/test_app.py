import logging
from dataclasses import replace

from sqlalchemy import inspect

from bot.db.settings import make_engine
from bot.web.app import SESSION_COOKIE, create_app, session_key
from bot.web.state import DOMAIN, LIBRARY, POLICY, SESSIONS, TRACKER, ZONE
from tests.unit.web.conftest import page_token


def test_session_key(caplog) -> None:
    assert session_key("abc") == session_key("abc")
    assert len(session_key("abc")) == 32 and session_key("abc") != session_key("abd")
    with caplog.at_level(logging.WARNING):
        first, second = session_key(None), session_key("")
    assert first != second and len(first) == 32
    assert "WEB_SECRET_KEY is not set" in caplog.text


async def test_resources_are_opened_at_start(aiohttp_client, config) -> None:
    app = create_app(config)
    await aiohttp_client(app)
    assert app[LIBRARY].get("plans.quote").version >= 1
    assert app[POLICY].institution.name
    assert str(app[ZONE]) == "Asia/Shanghai"
    assert "ask_balance" in app[DOMAIN].intents
    assert app[TRACKER].available()
    assert app[SESSIONS] is not None


async def test_start_migrates_an_empty_database(aiohttp_client, config, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    await aiohttp_client(create_app(replace(config, database_url=url, migrate=True)))
    tables = set(inspect(make_engine(url)).get_table_names())
    assert {"staff_users", "turn_annotations", "conversation_outcomes"} <= tables


async def test_secure_cookies_when_configured(aiohttp_client, config) -> None:
    client = await aiohttp_client(create_app(replace(config, secure_cookies=True)))
    response = await client.get("/chat")
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["secure"] is True and cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


async def test_sessions_from_another_key_are_ignored(aiohttp_client, config) -> None:
    first = await aiohttp_client(create_app(config))
    token = await page_token(first)
    cookie = first.session.cookie_jar.filter_cookies(first.make_url("/"))[SESSION_COOKIE].value
    second = await aiohttp_client(create_app(replace(config, secret_key="another-key")))
    response = await second.post(
        "/api/chat",
        json={"message": "hi"},
        headers={"X-CSRF-Token": token, "Cookie": f"{SESSION_COOKIE}={cookie}"},
    )
    assert response.status == 403
