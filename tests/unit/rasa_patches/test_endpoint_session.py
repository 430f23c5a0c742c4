"""Endpoint requests reuse one session and its connections, and answer as Rasa's do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import rasa.core.run
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.rasa_patches import endpoint_session
from bot.rasa_patches.endpoint_session import RASA_REQUEST, close_sessions, request, session_for


class Server:
    """A loopback HTTP server that records connections and requests."""

    def __init__(self) -> None:
        self.connections = 0
        self.seen: list[dict[str, str]] = []
        self.url = ""

    async def webhook(self, req: web.Request) -> web.StreamResponse:
        self.seen.append({"header": req.headers.get("X-Action-Token", ""), **req.query})
        body = await req.json()
        if body.get("fail"):
            return web.Response(status=500, text="boom")
        if body.get("text"):
            return web.Response(text="not json")
        return web.json_response({"echo": body})


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    recorder = Server()
    app = web.Application()
    app.router.add_post("/webhook", recorder.webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def count(*_: object) -> None:
        recorder.connections += 1

    original = runner.server.connection_made  # type: ignore[union-attr]

    def connection_made(handler: object, transport: object) -> None:
        count()
        original(handler, transport)

    runner.server.connection_made = connection_made  # type: ignore[union-attr,method-assign]
    recorder.url = f"http://127.0.0.1:{port}/webhook"
    yield recorder
    await runner.cleanup()


@pytest.fixture(autouse=True)
def patched() -> None:
    endpoint_session.apply()


def _endpoint(server: Server) -> EndpointConfig:
    return EndpointConfig(
        url=server.url, headers={"X-Action-Token": "secret"}, params={"p": "1"}, token="t"
    )


async def test_calls_share_one_connection(server: Server) -> None:
    endpoint = _endpoint(server)
    for number in range(5):
        assert await endpoint.request(json={"n": number}) == {"echo": {"n": number}}
    assert server.connections == 1
    assert server.seen[-1] == {"header": "secret", "p": "1", "token": "t"}
    await close_sessions()


async def test_rasa_opened_a_connection_per_call(server: Server) -> None:
    endpoint = _endpoint(server)
    for number in range(3):
        assert await RASA_REQUEST(endpoint, json={"n": number}) == {"echo": {"n": number}}
    assert server.connections == 3


async def test_answers_and_errors_are_rasa_s(server: Server) -> None:
    endpoint = _endpoint(server)
    assert await request(endpoint, json={"text": True}) is None
    assert await RASA_REQUEST(endpoint, json={"text": True}) is None
    for call in (request, RASA_REQUEST):
        with pytest.raises(ClientResponseError) as error:
            await call(endpoint, json={"fail": True})
        assert error.value.status == 500
    assert [seen["p"] for seen in server.seen] == ["1"] * 4
    assert {seen["header"] for seen in server.seen} == {"secret"}
    await close_sessions()


async def test_a_closed_session_is_replaced_and_close_sessions_closes(server: Server) -> None:
    endpoint = _endpoint(server)
    first = session_for(endpoint)
    assert session_for(endpoint) is first
    await close_sessions()
    assert first.closed
    assert await endpoint.request(json={}) == {"echo": {}}
    assert session_for(endpoint) is not first
    await close_sessions()


def test_each_event_loop_gets_its_own_session() -> None:
    endpoint = EndpointConfig(url="http://127.0.0.1:9/webhook")

    async def made() -> object:
        session = session_for(endpoint)
        await close_sessions()
        return session

    assert asyncio.run(made()) is not asyncio.run(made())


async def test_the_server_closes_the_sessions_at_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    async def rasa_close(app: object, loop: object) -> None:
        calls.append("rasa")

    monkeypatch.setattr(endpoint_session, "RASA_CLOSE_RESOURCES", rasa_close)
    session = session_for(EndpointConfig(url="http://127.0.0.1:9/webhook"))
    assert rasa.core.run.close_resources is endpoint_session.close_resources
    await rasa.core.run.close_resources(object(), None)
    assert calls == ["rasa"] and session.closed


def test_apply_is_idempotent() -> None:
    endpoint_session.apply()
    assert EndpointConfig.request is request
