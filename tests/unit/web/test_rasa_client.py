import aiohttp
import pytest
from aiohttp import web

from bot.web.rasa_client import RasaClient, RasaUnavailableError


async def test_parse_and_send(rasa_stub) -> None:
    async with aiohttp.ClientSession() as http:
        client = RasaClient(http, rasa_stub.url + "/")
        parsed = await client.parse("我想分12期")
        assert parsed["intent"]["name"] == "request_installment"
        replies = await client.send("web-1", "你好")
    assert replies[0] == {"recipient_id": "web-1", "text": "收到：你好"}
    assert rasa_stub.parsed == ["我想分12期"]
    assert rasa_stub.sent == [{"sender": "web-1", "message": "你好"}]


async def test_errors_become_rasa_unavailable(rasa_stub, unused_tcp_port) -> None:
    async with aiohttp.ClientSession() as http:
        rasa_stub.fail = True
        with pytest.raises(RasaUnavailableError, match="500"):
            await RasaClient(http, rasa_stub.url).parse("x")
        closed = RasaClient(http, f"http://127.0.0.1:{unused_tcp_port}", timeout=2)
        with pytest.raises(RasaUnavailableError, match="unreachable"):
            await closed.send("s", "x")


async def test_unexpected_answers(aiohttp_server) -> None:
    async def wrong(request: web.Request) -> web.Response:
        return web.json_response({"not": "a list"} if "webhook" in request.path else [1])

    app = web.Application()
    app.router.add_post("/model/parse", wrong)
    app.router.add_post("/webhooks/rest/webhook", wrong)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as http:
        client = RasaClient(http, str(server.make_url("")))
        with pytest.raises(RasaUnavailableError):
            await client.parse("x")
        with pytest.raises(RasaUnavailableError):
            await client.send("s", "x")


async def test_every_call_carries_the_token_and_a_message_the_client_address(rasa_stub) -> None:
    async with aiohttp.ClientSession() as http:
        client = RasaClient(http, rasa_stub.url, token="tok/en+&=")
        await client.parse("好的")
        await client.send("web-2", "你好", client="203.0.113.5")
        await RasaClient(http, rasa_stub.url).send("web-3", "hi")
    assert rasa_stub.tokens == ["tok/en+&=", "tok/en+&=", None]
    assert rasa_stub.sent[0] == {
        "sender": "web-2",
        "message": "你好",
        "metadata": {"client": "203.0.113.5"},
    }
    assert "metadata" not in rasa_stub.sent[1]
