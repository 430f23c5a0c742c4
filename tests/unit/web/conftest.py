"""Fixtures: a migrated database with demo accounts, outcomes and one user per role, a tracker
store with sample conversations, a stub Rasa server, and the app under test."""

from __future__ import annotations

import re
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.db.demo import seed_demo
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.web import staff
from bot.web.app import create_app
from bot.web.config import WebConfig
from tests.unit.web.sample_data import CONVERSATIONS, seed_outcomes, write_tracker

PASSWORD = "correct-horse-battery"
USERS = {"agent": "alice", "trainer": "tom", "admin": "ada"}
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')

PARSES: dict[str, dict[str, Any]] = {
    "我还欠多少钱": {"intent": ("ask_balance", 0.98)},
    "我想分12期": {
        "intent": ("request_installment", 0.93),
        "entities": [("12", "installments", 12)],
    },
    "好的": {"intent": ("affirm", 0.99)},
    "我不想活了": {"intent": ("express_distress", 0.95)},
    "每月最多800": {"intent": ("offer_amount", 0.92), "entities": [("800", "amount", 800)]},
    "13800001111 身份证后四位1234": {
        "intent": ("provide_identity", 0.96),
        "entities": [("13800001111", "phone", "13800001111"), ("1234", "id_last4", "1234")],
    },
    "呃那个": {"intent": ("request_installment", 0.41)},
}


def parse_result(text: str) -> dict[str, Any]:
    """What the stub Rasa answers on /model/parse (unknown texts: nlu_fallback 0.3)."""
    known = PARSES.get(text, {"intent": ("nlu_fallback", 0.3)})
    name, confidence = known["intent"]
    entities = []
    for span, entity, value in known.get("entities", []):
        start = text.index(span)
        entities.append(
            {"entity": entity, "start": start, "end": start + len(span), "value": value}
        )
    return {
        "text": text,
        "intent": {"name": name, "confidence": confidence},
        "entities": entities,
        "intent_ranking": [{"name": name, "confidence": confidence}],
    }


@dataclass
class StubRasa:
    """A fake Rasa server: records what it received."""

    url: str = ""
    parsed: list[str] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str | None] = field(default_factory=list)
    fail: bool = False


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "template.db"
    url = f"sqlite:///{path}"
    upgrade_head(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        seed_demo(session)
        seed_outcomes(session)
        for role, name in USERS.items():
            staff.create_user(session, name, PASSWORD, role)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def tracker_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tracker") / "rasa_tracker.db"
    write_tracker(f"sqlite:///{path}", {cid: build() for cid, build in CONVERSATIONS.items()})
    return path


@pytest.fixture
def database_url(web_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "collection.db"
    shutil.copy(web_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def tracker_url(tracker_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "rasa_tracker.db"
    shutil.copy(tracker_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def session_factory(database_url: str):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
async def rasa_stub(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> StubRasa:
    stub = StubRasa()

    async def parse(request: web.Request) -> web.Response:
        if stub.fail:
            return web.Response(status=500)
        text = (await request.json())["text"]
        stub.parsed.append(text)
        stub.tokens.append(request.query.get("token"))
        return web.json_response(parse_result(text))

    async def webhook(request: web.Request) -> web.Response:
        if stub.fail:
            return web.Response(status=500)
        body = await request.json()
        stub.sent.append(body)
        stub.tokens.append(request.query.get("token"))
        return web.json_response(
            [
                {"recipient_id": body["sender"], "text": f"收到：{body['message']}"},
                {"recipient_id": body["sender"], "image": "ignored.png"},
            ]
        )

    async def tracker(request: web.Request) -> web.Response:
        if stub.fail:
            return web.Response(status=500)
        return web.json_response({"sender_id": request.match_info["sender"], "events": []})

    app = web.Application()
    app.router.add_post("/model/parse", parse)
    app.router.add_post("/webhooks/rest/webhook", webhook)
    # The agent desk's calls (tests/unit/web/desk/ has a stub that keeps trackers).
    app.router.add_get("/conversations/{sender}/tracker", tracker)
    app.router.add_post("/conversations/{sender}/tracker/events", tracker)
    server = await aiohttp_server(app)
    stub.url = str(server.make_url("")).rstrip("/")
    return stub


@pytest.fixture
def config(database_url: str, tracker_url: str, rasa_stub: StubRasa) -> WebConfig:
    return WebConfig(
        database_url=database_url,
        tracker_db_url=tracker_url,
        rasa_url=rasa_stub.url,
        secret_key="unit-test-secret",
        secure_cookies=False,  # local development: the test client speaks plain HTTP
        migrate=False,
    )


@pytest.fixture
async def client(aiohttp_client: Callable[..., Awaitable[TestClient]], config: WebConfig):
    return await aiohttp_client(create_app(config))


async def page_token(client: TestClient, path: str = "/chat") -> str:
    """Read the CSRF token of the client's session from a page."""
    response = await client.get(path)
    match = CSRF_META.search(await response.text())
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def login(client: TestClient) -> Callable[[str], Awaitable[str]]:
    """Log in as the user of a role (agent, trainer, admin); return the new CSRF token."""

    async def log_in(role: str) -> str:
        token = await page_token(client, "/login")
        response = await client.post(
            "/login",
            data={"name": USERS[role], "password": PASSWORD, "_csrf": token},
            allow_redirects=False,
        )
        assert response.status == 302, await response.text()
        return await page_token(client)

    return log_in
