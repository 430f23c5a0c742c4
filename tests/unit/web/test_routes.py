"""Every route against every role: anonymous, agent, trainer, admin (refusals included)."""

import pytest

from bot.web.app import create_app
from bot.web.security import PERMISSIONS
from tests.unit.web.conftest import page_token

CONVERSATION = "/review/conversations/conv-plan"
HANDOFF = "/api/desk/handoffs/1"  # the sample data's open fallback hand-off
# (method, path, permission or None for public routes, JSON body or form data)
ROUTES = [
    ("GET", "/", None, None),
    ("GET", "/login", None, None),
    ("POST", "/login", None, {"name": "x", "password": "y"}),
    ("POST", "/logout", None, {}),
    ("GET", "/chat", None, None),
    ("POST", "/api/chat", None, {"json": {"message": "你好"}}),
    ("POST", "/api/chat/reset", None, {"json": {}}),
    ("GET", "/api/chat/events", None, None),
    ("GET", "/assist", "assist", None),
    ("POST", "/api/assist/suggest", "assist", {"json": {"message": "我想分12期"}}),
    ("POST", "/api/assist/check", "assist", {"json": {"text": "请按时还款"}}),
    ("GET", "/desk", "desk", None),
    ("GET", "/api/desk/queue", "desk", None),
    ("GET", "/api/desk/events", "desk", None),
    ("POST", f"{HANDOFF}/claim", "desk", {"json": {}}),
    ("GET", f"{HANDOFF}/conversation", "desk", None),
    ("GET", f"{HANDOFF}/events", "desk", None),
    ("GET", f"{HANDOFF}/suggestions", "desk", None),
    ("POST", f"{HANDOFF}/messages", "desk", {"json": {"text": "您好"}}),
    ("POST", f"{HANDOFF}/verify", "desk", {"json": {}}),
    ("POST", f"{HANDOFF}/handback", "desk", {"json": {}}),
    ("POST", f"{HANDOFF}/close", "desk", {"json": {"outcome": "plan"}}),
    ("GET", "/review", "review", None),
    ("GET", "/review/export/nlu.yml", "review", None),
    ("GET", CONVERSATION, "review", None),
    ("POST", f"{CONVERSATION}/review", "review", {"tags": "x"}),
    ("GET", f"{CONVERSATION}/story.yml", "review", None),
    ("POST", f"{CONVERSATION}/turns/1/annotation", "review", {"intent": "greet"}),
    ("POST", f"{CONVERSATION}/turns/1/annotation/delete", "review", {}),
    ("GET", "/api/conversations", "review", None),
    ("GET", "/dashboard", "dashboard", None),
    ("GET", "/api/dashboard", "dashboard", None),
    ("GET", "/admin/users", "users", None),
    ("POST", "/admin/users", "users", {"name": "new_one", "role": "agent", "password": "x" * 12}),
    ("POST", "/admin/users/alice/role", "users", {"role": "agent"}),
    ("POST", "/admin/users/alice/active", "users", {"active": "yes"}),
    ("POST", "/admin/users/alice/password", "users", {"password": "y" * 12}),
    ("POST", "/api/payments", "payments", {"json": []}),
    ("GET", "/notices/1", "notices", None),
    ("GET", "/notices/1.pdf", "notices", None),
]


async def _call(client, method, path, body, token):
    kwargs = {"allow_redirects": False}
    if method == "POST":
        if body and "json" in body:
            kwargs["json"] = body["json"]
            kwargs["headers"] = {"X-CSRF-Token": token}
        else:
            kwargs["data"] = {**(body or {}), "_csrf": token}
    return await client.request(method, path, **kwargs)


def test_every_route_is_in_the_matrix(config) -> None:
    app = create_app(config)
    registered = {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD" and not route.resource.canonical.startswith("/static")
    }
    covered = {(method, path) for method, path, _, _ in ROUTES}
    canonical = {
        (m, p.replace("conv-plan", "{conversation_id}").replace("/turns/1/", "/turns/{event_id}/"))
        for m, p in covered
    }
    canonical = {(m, p.replace("/alice/", "/{name}/")) for m, p in canonical}
    canonical = {(m, p.replace("/notices/1", "/notices/{notice_id}")) for m, p in canonical}
    canonical = {(m, p.replace(HANDOFF, "/api/desk/handoffs/{handoff_id}")) for m, p in canonical}
    assert registered == canonical


def test_protected_views_declare_their_permission(config) -> None:
    app = create_app(config)
    for route in app.router.routes():
        path = route.resource.canonical
        permission = getattr(route.handler, "permission", None)
        expected = next((p for m, r, p, _ in ROUTES if m == route.method and r == path), "skip")
        if expected not in ("skip", None):
            assert permission == expected, path


async def test_anonymous(client) -> None:
    token = await page_token(client)
    for method, path, permission, body in ROUTES:
        response = await _call(client, method, path, body, token)
        where = f"{method} {path}"
        if path == "/logout":
            token = await page_token(client)  # logging out ends the session and its token
        if permission is None:  # public (a wrong login answers 401, never 403)
            assert response.status != 403 and response.status < 500, where
        elif path.startswith("/api/"):
            assert response.status == 401, where
            assert (await response.json())["error"] == "login required", where
        else:
            assert response.status == 302, where
            assert response.headers["Location"].startswith("/login?next="), where


@pytest.mark.parametrize("role", ["agent", "trainer", "admin"])
async def test_roles(client, login, role) -> None:
    token = await login(role)
    for method, path, permission, body in ROUTES:
        if path in ("/logout", "/login"):
            continue  # would end or replace the session under test
        response = await _call(client, method, path, body, token)
        where = f"{role}: {method} {path}"
        if permission is None or role in {r.value for r in PERMISSIONS[permission]}:
            assert response.status not in (401, 403), where
            assert response.status < 500, (where, await response.text())
        elif path.startswith("/api/"):
            assert response.status == 403, where
            assert "forbidden" in (await response.json())["error"], where
        else:
            assert response.status == 403, where
            assert "没有权限" in await response.text(), where


async def test_state_changing_routes_need_the_csrf_token(client, login) -> None:
    token = await login("admin")
    for method, path, _, body in ROUTES:
        if method != "POST":
            continue
        response = await _call(client, method, path, body, "forged-" + token)
        assert response.status == 403, path
        response = await _call(client, method, path, body, "")
        assert response.status == 403, path
