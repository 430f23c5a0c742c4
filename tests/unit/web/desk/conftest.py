"""The desk's fixtures: a stub Rasa that also keeps trackers (pause, resume, appended events)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.unit.web.conftest import PASSWORD, USERS, StubRasa, page_token, parse_result


@dataclass
class TrackerRasa(StubRasa):
    """A stub Rasa with trackers: the REST channel answers only while not paused."""

    trackers: dict[str, dict[str, Any]] = field(default_factory=dict)
    appended: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    pushed: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(conversation, output_channel, execute_side_effects) of every append."""
    refuse_push: bool = False
    """Answer 500 to an append with an output channel (the channel did not take it)."""

    def tracker(self, sender: str) -> dict[str, Any]:
        return self.trackers.setdefault(
            sender, {"sender_id": sender, "events": [], "paused": False, "slots": {}}
        )

    def add(self, sender: str, event: dict[str, Any]) -> None:
        tracker = self.tracker(sender)
        event = {**event, "timestamp": event.get("timestamp") or time.time()}
        time.sleep(0.001)  # distinct timestamps, as Rasa's events have
        if event["event"] == "pause":
            tracker["paused"] = True
        elif event["event"] == "resume":
            tracker["paused"] = False
        tracker["events"].append(event)

    def borrower_says(self, sender: str, text: str) -> list[str]:
        """What Rasa does with a borrower message: log it; answer only when not paused."""
        self.add(sender, {"event": "user", "text": text, "parse_data": parse_result(text)})
        if self.tracker(sender)["paused"]:
            return []
        reply = f"收到：{text}"
        self.add(sender, {"event": "bot", "text": reply, "metadata": {}})
        return [reply]


@pytest.fixture
async def rasa_stub(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> TrackerRasa:
    stub = TrackerRasa()

    async def parse(request: web.Request) -> web.Response:
        if stub.fail:
            return web.Response(status=500)
        text = (await request.json())["text"]
        stub.parsed.append(text)
        return web.json_response(parse_result(text))

    async def webhook(request: web.Request) -> web.Response:
        if stub.fail:
            return web.Response(status=500)
        body = await request.json()
        stub.sent.append(body)
        replies = stub.borrower_says(body["sender"], body["message"])
        return web.json_response([{"recipient_id": body["sender"], "text": r} for r in replies])

    async def get_tracker(request: web.Request) -> web.Response:
        stub.tokens.append(request.query.get("token"))
        if stub.fail:
            return web.Response(status=500)
        return web.json_response(stub.tracker(request.match_info["sender"]))

    async def append(request: web.Request) -> web.Response:
        stub.tokens.append(request.query.get("token"))
        if stub.fail:
            return web.Response(status=500)
        sender = request.match_info["sender"]
        channel = request.query.get("output_channel")
        stub.pushed.append((sender, channel, request.query.get("execute_side_effects")))
        if channel and stub.refuse_push:
            return web.Response(status=500)
        events = await request.json()
        events = events if isinstance(events, list) else [events]
        stub.appended.append((sender, events))
        for event in events:
            stub.add(sender, event)
        return web.json_response(stub.tracker(sender))

    app = web.Application()
    app.router.add_post("/model/parse", parse)
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/conversations/{sender}/tracker", get_tracker)
    app.router.add_post("/conversations/{sender}/tracker/events", append)
    server = await aiohttp_server(app)
    stub.url = str(server.make_url("")).rstrip("/")
    return stub


async def log_in(client: TestClient, role: str) -> str:
    """Log a client in as the user of ``role``; return its CSRF token."""
    token = await page_token(client, "/login")
    response = await client.post(
        "/login",
        data={"name": USERS[role], "password": PASSWORD, "_csrf": token},
        allow_redirects=False,
    )
    assert response.status == 302, await response.text()
    return await page_token(client, "/desk" if role != "trainer" else "/assist")


@pytest.fixture
async def second_client(client: TestClient):
    """Another browser on the same app (its own cookies)."""
    other = TestClient(client.server)
    await other.start_server()
    yield other
    await other.close()
