"""The borrower chat: session-only cookie, new conversation after idling, rate limits, what
goes to Rasa (token, client address, cleaned text)."""

from dataclasses import replace

from bot.web.app import SESSION_COOKIE, create_app
from bot.web.views import chat
from tests.unit.web.conftest import page_token
from tests.unit.web.test_views_chat import approved_text


async def _client(aiohttp_client, config, **changes):
    return await aiohttp_client(create_app(replace(config, **changes)))


async def _say(client, token, text="你好", headers=None):
    return await client.post(
        "/api/chat", json={"message": text}, headers={"X-CSRF-Token": token, **(headers or {})}
    )


async def test_the_borrower_cookie_ends_with_the_browser_session(client, login) -> None:
    response = await client.get("/chat")
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""
    token = await page_token(client)
    sent = await _say(client, token)
    assert sent.status == 200
    if SESSION_COOKIE in sent.cookies:
        assert sent.cookies[SESSION_COOKIE]["max-age"] == ""
    # staff sessions keep their lifetime
    await client.get("/login")
    staff = await client.post(
        "/login",
        data={
            "name": "tom",
            "password": "correct-horse-battery",
            "_csrf": await page_token(client),
        },
        allow_redirects=False,
    )
    assert int(staff.cookies[SESSION_COOKIE]["max-age"]) == 8 * 3600


async def test_an_idle_conversation_starts_over(client, rasa_stub, monkeypatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(chat, "_now", lambda: now[0])
    token = await page_token(client)
    assert (await (await _say(client, token)).json())["restarted"] is False
    now[0] += 14 * 60  # within the 15 idle minutes: same conversation
    assert (await (await _say(client, token)).json())["restarted"] is False
    now[0] += 14 * 60  # activity moved the clock: still the same conversation
    await _say(client, token)
    assert len({sent["sender"] for sent in rasa_stub.sent}) == 1
    now[0] += 15 * 60 + 1
    answer = await (await _say(client, token)).json()
    assert answer["restarted"] is True
    assert rasa_stub.sent[-1]["sender"] != rasa_stub.sent[0]["sender"]
    assert len({sent["sender"] for sent in rasa_stub.sent}) == 2


async def test_an_idle_page_load_starts_over_too(client, rasa_stub, monkeypatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(chat, "_now", lambda: now[0])
    token = await page_token(client)
    await _say(client, token)
    now[0] += 16 * 60
    token = await page_token(client)
    await _say(client, token)
    assert rasa_stub.sent[0]["sender"] != rasa_stub.sent[1]["sender"]


async def test_too_many_messages_get_429_with_an_approved_script(
    aiohttp_client, config, rasa_stub
) -> None:
    client = await _client(aiohttp_client, config, chat_rate_per_minute=3)
    token = await page_token(client)
    for _ in range(3):
        assert (await _say(client, token)).status == 200
    response = await _say(client, token)
    assert response.status == 429
    assert response.headers["Retry-After"] == "60"
    assert await response.json() == {"messages": [{"text": approved_text("fallback.rate_limited")}]}
    assert len(rasa_stub.sent) == 3  # the refused message never reached Rasa


async def test_the_limit_holds_per_address_across_browsers(
    aiohttp_client, config, rasa_stub
) -> None:
    app = create_app(replace(config, chat_rate_per_minute=3))
    first = await aiohttp_client(app)
    token = await page_token(first)
    for _ in range(3):
        assert (await _say(first, token)).status == 200
    first.session.cookie_jar.clear()  # a "new browser" from the same address
    token = await page_token(first)
    assert (await _say(first, token)).status == 429


async def test_the_limit_holds_per_conversation_across_addresses(
    aiohttp_client, config, rasa_stub
) -> None:
    client = await _client(aiohttp_client, config, chat_rate_per_minute=3, trust_proxy=True)
    token = await page_token(client)
    for index in range(3):
        headers = {"X-Forwarded-For": f"203.0.113.{index}"}
        assert (await _say(client, token, headers=headers)).status == 200
    response = await _say(client, token, headers={"X-Forwarded-For": "203.0.113.99"})
    assert response.status == 429


async def test_rasa_gets_the_token_and_the_real_client_address(
    aiohttp_client, config, rasa_stub
) -> None:
    client = await _client(aiohttp_client, config, rasa_token="s3cret-token")
    token = await page_token(client)
    await _say(client, token, headers={"X-Forwarded-For": "198.51.100.7"})
    assert rasa_stub.sent[-1]["metadata"] == {"client": "127.0.0.1"}  # no proxy: header ignored
    assert rasa_stub.tokens == ["s3cret-token"]


async def test_behind_a_proxy_the_last_forwarded_address_counts(
    aiohttp_client, config, rasa_stub
) -> None:
    client = await _client(aiohttp_client, config, trust_proxy=True)
    token = await page_token(client)
    await _say(client, token, headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.7"})
    assert rasa_stub.sent[-1]["metadata"] == {"client": "198.51.100.7"}
    await _say(client, token)  # no header: the peer
    assert rasa_stub.sent[-1]["metadata"] == {"client": "127.0.0.1"}


async def test_control_and_bidi_characters_never_reach_rasa(client, rasa_stub) -> None:
    token = await page_token(client)
    response = await _say(client, token, "我\x00想\u202e分\u2066期\x1b[31m\r\n第二行\t!")
    assert response.status == 200
    assert rasa_stub.sent[-1]["message"] == "我想分期[31m\n第二行 !"  # a tab reads as a space
