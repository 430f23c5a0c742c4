"""Security headers on every kind of response, and templates that need no inline code."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

from bot.web.app import SESSION_COOKIE, create_app
from tests.unit.web.conftest import CSRF_META, page_token

TEMPLATES = Path(__file__).resolve().parents[3] / "bot" / "web" / "templates"
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _assert_headers(response, where: str, hsts: bool) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (where, name)
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp, where
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, where
    assert ("Strict-Transport-Security" in response.headers) is hsts, where


async def _every_kind_of_response(client, big_body: bytes):
    page = await client.get("/login")
    yield "page 200", page
    # sent by hand: the test client keeps no Secure cookie over plain HTTP
    cookie = page.cookies[SESSION_COOKIE].value
    token = CSRF_META.search(await page.text()).group(1)
    session = {"Cookie": f"{SESSION_COOKIE}={cookie}", "X-CSRF-Token": token}
    yield "redirect 302", await client.get("/", allow_redirects=False)
    yield "static", await client.get("/static/chat.js")
    yield "page 404", await client.get("/nowhere")
    yield "api 404", await client.get("/api/nowhere")
    yield "page 405", await client.get("/logout")
    yield "api 401", await client.get("/api/dashboard")
    yield "csrf 403", await client.post("/api/chat", json={"message": "x"})
    yield "api 400", await client.post("/api/chat", data=b"{", headers=session)
    yield "api 413", await client.post("/api/chat", data=big_body, headers=session)
    yield "page 500", await client.get("/boom")
    yield "api 500", await client.get("/api/boom")


def _app_with_a_bug(config):
    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("bug")

    app = create_app(config)
    app.router.add_get("/boom", boom)
    app.router.add_get("/api/boom", boom)
    return app


@pytest.mark.parametrize("secure", [False, True])
async def test_every_response_carries_the_headers(aiohttp_client, config, secure) -> None:
    client = await aiohttp_client(_app_with_a_bug(replace(config, secure_cookies=secure)))
    seen = set()
    async for where, response in _every_kind_of_response(client, b"x" * (65 * 1024)):
        seen.add(response.status)
        _assert_headers(response, where, hsts=secure)
    assert {200, 302, 400, 401, 403, 404, 405, 413, 500} <= seen


async def test_the_413_is_a_clear_message(client) -> None:
    token = await page_token(client)
    response = await client.post(
        "/api/chat", data=b"x" * (1024 * 1024), headers={"X-CSRF-Token": token}
    )
    assert response.status == 413
    assert (await response.json())["error"] == "内容太长：请求不能超过 64 KiB"


@pytest.mark.parametrize("path", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_inline_script_or_style(path: str) -> None:
    html = (TEMPLATES / path).read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, (path, tag)
    assert not re.search(r"<style\b", html), path
    assert not re.search(r"\sstyle\s*=", html), path
    assert not re.search(r"\son[a-z]+\s*=", html), path
    assert "javascript:" not in html, path


async def test_pages_load_only_same_origin_scripts(client, login) -> None:
    await login("admin")
    for path in ("/chat", "/assist", "/review", "/dashboard", "/admin/users"):
        html = await (await client.get(path)).text()
        for src in re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html):
            assert src.startswith("/static/"), (path, src)
        assert not re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", html), path
