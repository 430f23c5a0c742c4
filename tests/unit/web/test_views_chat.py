from bot.scripts import load_library
from tests.unit.web.conftest import page_token

HOTLINE = "400-800-0000"  # policy.yml


def approved_text(script_id: str) -> str:
    """The text of an approved script with the hotline filled in."""
    return load_library().render(script_id, {"hotline": HOTLINE}).text


async def test_the_chat_page_is_public_and_phone_sized(client) -> None:
    response = await client.get("/chat")
    html = await response.text()
    assert response.status == 200
    assert 'name="viewport" content="width=device-width' in html
    assert "chat.js" in html and 'class="phone"' in html
    assert "对话审阅" not in html  # no staff navigation


async def test_messages_go_to_rasa_with_one_sender_per_browser(client, rasa_stub) -> None:
    token = await page_token(client)
    headers = {"X-CSRF-Token": token}
    first = await client.post("/api/chat", json={"message": "你好"}, headers=headers)
    second = await client.post("/api/chat", json={"message": " 我想分期 "}, headers=headers)
    assert await first.json() == {"messages": [{"text": "收到：你好"}], "restarted": False}
    assert (await second.json())["messages"][0]["text"] == "收到：我想分期"
    senders = {sent["sender"] for sent in rasa_stub.sent}
    assert len(senders) == 1 and next(iter(senders)).startswith("web-")
    await client.post("/api/chat/reset", json={}, headers=headers)
    await client.post("/api/chat", json={"message": "再来"}, headers=headers)
    assert rasa_stub.sent[-1]["sender"] not in senders


async def test_two_browsers_are_two_conversations(
    aiohttp_client, client, config, rasa_stub
) -> None:
    from bot.web.app import create_app

    other = await aiohttp_client(create_app(config))
    for browser in (client, other):
        token = await page_token(browser)
        await browser.post("/api/chat", json={"message": "你好"}, headers={"X-CSRF-Token": token})
    assert len({sent["sender"] for sent in rasa_stub.sent}) == 2


async def test_bad_requests(client, rasa_stub) -> None:
    token = await page_token(client)
    headers = {"X-CSRF-Token": token}
    assert (await client.post("/api/chat", json={"message": "  "}, headers=headers)).status == 400
    too_long = {"message": "长" * 501}
    assert (await client.post("/api/chat", json=too_long, headers=headers)).status == 400
    response = await client.post("/api/chat", data="not json", headers=headers)
    assert response.status == 400
    assert (await response.json())["error"] == "body must be JSON"
    assert (await client.post("/api/chat", json={"message": "x"})).status == 403
    assert rasa_stub.sent == []


async def test_rasa_down_answers_the_approved_unavailable_script(client, rasa_stub) -> None:
    token = await page_token(client)
    rasa_stub.fail = True
    response = await client.post(
        "/api/chat", json={"message": "你好"}, headers={"X-CSRF-Token": token}
    )
    assert response.status == 503
    body = await response.json()
    assert body == {"messages": [{"text": approved_text("fallback.unavailable")}]}


async def test_what_the_page_says_comes_from_approved_scripts(client) -> None:
    html = await (await client.get("/chat")).text()
    assert "例如“我还欠多少钱”" in html  # opening.chat_hint
    assert "官方客服热线400-800-0000" in html  # fallback.unavailable, hotline from policy.yml
    assert 'maxlength="500"' in html
    # What the page shows for the edge's own 413 and 429 (no text of their own).
    assert "超过500个字" in html and "请分几条简短地发给我" in html  # fallback.too_long
    assert "速度有点快" in html  # fallback.rate_limited
