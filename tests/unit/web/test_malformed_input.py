"""Malformed input on every endpoint that takes a body or a query: a clear 4xx, never a 5xx,
and the endpoint still works for a normal request afterwards."""

import json

import pytest

from tests.unit.web.conftest import page_token
from tests.unit.web.test_views_review import _user_event_ids

CONVERSATION = "/review/conversations/conv-plan"
NASTY_TEXTS = {
    "nul and bidi": "我想\x00分期\u202e\u2066\u202a\u2069",
    "emoji only": "😀😀🙏🏻👨‍👩‍👧",
    "sql injection": "'; DROP TABLE staff_users; -- \" OR 1=1",
    "template injection": "{{ 7*7 }} {% raw %} ${7*7} {hotline} %s <script>alert(1)</script>",
    "lone surrogate": "\ud800半个字",
}
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def _json(value) -> bytes:
    return json.dumps(value).encode()


def _bodies(field: str) -> list[tuple[str, bytes, str]]:
    """(name, body, content type) for an endpoint whose main text field is ``field``."""
    cases = [
        ("invalid json", b'{"' + field.encode() + b'": ', JSON),
        ("empty body", b"", JSON),
        ("json array", _json([field, "x"]), JSON),
        ("json string", _json("hello"), JSON),
        ("json null", b"null", JSON),
        ("number field", _json({field: 123, "account_id": "abc"}), JSON),
        ("list field", _json({field: ["x"], "history": {"a": 1}}), JSON),
        ("null field", _json({field: None}), JSON),
        ("bool account", _json({field: "你好", "account_id": True}), JSON),
        ("huge account", _json({field: "你好", "account_id": 10**40}), JSON),
        ("float account", _json({field: "你好", "account_id": 1.5}), JSON),
        ("non utf-8", b'{"' + field.encode() + b'": "\xff\xfe\xc3"}', JSON),
        ("latin-1 charset", _json({field: "x"}), JSON + "; charset=latin-1"),
        ("unknown charset", _json({field: "x"}), JSON + "; charset=no-such-charset"),
        ("deep nesting", b"[" * 40_000 + b"]" * 40_000, JSON),
        ("one megabyte", b'{"' + field.encode() + b'": "' + b"a" * 1_048_576 + b'"}', JSON),
        ("form instead of json", field.encode() + b"=x", FORM),
        ("nul only", _json({field: "\x00\x01\u202e"}), JSON),
    ]
    cases += [(name, _json({field: text}), JSON) for name, text in NASTY_TEXTS.items()]
    return cases


def _form_bodies(field: str) -> list[tuple[str, bytes, str]]:
    cases = [
        ("empty body", b"", FORM),
        ("non utf-8", field.encode() + b"=\xff\xfe\xc3", FORM),
        ("broken encoding", field.encode() + b"=%ZZ%", FORM),
        ("one megabyte", field.encode() + b"=" + b"a" * 1_048_576, FORM),
        ("json instead of form", _json({field: "x"}), JSON),
        ("unknown charset", field.encode() + b"=x", FORM + "; charset=no-such-charset"),
        ("latin-1 charset", field.encode() + b"=\xe9", FORM + "; charset=latin-1"),
        ("broken multipart", b"--xyz\r\ngarbage", "multipart/form-data; boundary=xyz"),
        ("multipart without boundary", b"garbage", "multipart/form-data"),
        ("huge start", b"entity=amount&span=1&value=1&start=" + b"9" * 40, FORM),
        ("unicode digits", "entity=amount&span=1&value=1&start=²".encode(), FORM),
    ]
    for name, text in NASTY_TEXTS.items():
        encoded = text.encode("utf-8", "surrogatepass")
        cases.append((name, field.encode() + b"=" + encoded, FORM))
    return cases


# (endpoint, role or None, cases, the normal request that must still work, its status)
ENDPOINTS = {
    "/api/chat": (None, _bodies("message"), {"json": {"message": "你好"}}, 200),
    "/api/chat/reset": (None, _bodies("message"), {"json": {}}, 200),
    "/api/assist/suggest": ("agent", _bodies("message"), {"json": {"message": "我想分12期"}}, 200),
    "/api/assist/check": ("agent", _bodies("text"), {"json": {"text": "请按时还款"}}, 200),
    f"{CONVERSATION}/turns/{{turn}}/annotation": (
        "trainer",
        _form_bodies("intent") + _form_bodies("note"),
        {"data": {"intent": "greet"}},
        302,
    ),
    f"{CONVERSATION}/review": (
        "trainer",
        _form_bodies("tags") + _form_bodies("note"),
        {"data": {"tags": "ok"}},
        302,
    ),
    "/login": (None, _form_bodies("name") + _form_bodies("password"), None, None),
    "/admin/users": ("admin", _form_bodies("name"), {"data": {"name": "x"}}, 302),
    "/api/payments": (
        "admin",
        _bodies("reference"),
        {"json": [{"reference": "R1", "account": 1, "amount": 5, "paid_at": "2024-11-30"}]},
        200,
    ),
}
CASES = [
    pytest.param(path, name, body, ctype, id=f"{path} {name}")
    for path, (_, cases, _, _) in ENDPOINTS.items()
    for name, body, ctype in cases
]


@pytest.mark.parametrize(("path", "name", "body", "content_type"), CASES)
async def test_malformed_input_is_refused_cleanly(
    client, login, rasa_stub, tracker_url, path, name, body, content_type
) -> None:
    role, _, normal, expected = ENDPOINTS[path]
    path = path.format(turn=_user_event_ids(tracker_url, "conv-plan")[0])
    token = await login(role) if role else await page_token(client)
    headers = {"X-CSRF-Token": token, "Content-Type": content_type}
    response = await client.post(path, data=body, headers=headers, allow_redirects=False)
    text = await response.text()
    assert response.status < 500, (response.status, text[:300])
    if path.startswith("/api/") and response.status >= 400:
        assert response.content_type == JSON and (await response.json())["error"]
    for sent in rasa_stub.sent + [{"message": t} for t in rasa_stub.parsed]:
        assert not any(c in sent["message"] for c in "\x00\u202e\u2066\u202a\u2069\ud800")
    if normal is not None:
        after = await client.post(
            path, headers={"X-CSRF-Token": token}, allow_redirects=False, **normal
        )
        assert after.status == expected, await after.text()


async def test_injection_strings_are_plain_text(client, rasa_stub) -> None:
    token = await page_token(client)
    for text in NASTY_TEXTS.values():
        response = await client.post(
            "/api/chat", json={"message": text}, headers={"X-CSRF-Token": token}
        )
        assert response.status == 200
    assert rasa_stub.sent[1]["message"] == "😀😀🙏🏻👨‍👩‍👧"
    assert rasa_stub.sent[2]["message"] == NASTY_TEXTS["sql injection"]
    assert rasa_stub.sent[3]["message"] == NASTY_TEXTS["template injection"]
    assert rasa_stub.sent[4]["message"] == "半个字"


@pytest.mark.parametrize(
    "query",
    [
        "start=%00&end=%FF",
        "start=2026-13-45&end=yesterday",
        "page=-1",
        "page=999999999999999999999999",
        "page=%F0%9F%98%80",
        "outcome=%27%3B+DROP+TABLE+x%3B--&flag=%7B%7B7*7%7D%7D&tag=%E2%80%AE",
        "reviewed=maybe&start=2026-11-30&end=2026-11-01",
        "start=" + "9" * 5000,
    ],
)
@pytest.mark.parametrize("path", ["/api/conversations", "/api/dashboard", "/review", "/dashboard"])
async def test_malformed_queries_are_never_a_server_error(client, login, path, query) -> None:
    await login("admin")
    response = await client.get(f"{path}?{query}")
    assert response.status < 500, (response.status, (await response.text())[:300])
    assert (await client.get(path)).status == 200


@pytest.mark.parametrize(
    "path",
    [
        "/review/conversations/%00",
        "/review/conversations/%E2%80%AEabc",
        "/review/conversations/" + "x" * 500,
        "/review/conversations/conv-plan/story.yml?x=%00",
        "/review/export/nlu.yml?conversation=%00%E2%80%AE",
        "/review/conversations/conv-plan/turns/99999999999999999999999/annotation/delete",
    ],
)
async def test_odd_paths_are_never_a_server_error(client, login, path) -> None:
    token = await login("admin")
    if path.endswith("/delete"):
        response = await client.post(path, data={"_csrf": token}, allow_redirects=False)
    else:
        response = await client.get(path, allow_redirects=False)
    assert response.status < 500, (response.status, (await response.text())[:300])
