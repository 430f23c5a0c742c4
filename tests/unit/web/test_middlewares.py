from aiohttp import web

from bot.web.app import create_app


async def test_security_headers_on_pages_and_caching_only_for_static(client) -> None:
    page = await client.get("/login")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    static = await client.get("/static/app.css")
    assert static.status == 200
    assert "Cache-Control" not in static.headers


async def test_not_found_is_a_page_or_json(client) -> None:
    page = await client.get("/nowhere")
    assert page.status == 404 and "页面不存在" in await page.text()
    api = await client.get("/api/nowhere")
    assert api.status == 404
    assert (await api.json())["status"] == 404


async def test_unexpected_errors_are_hidden(aiohttp_client, config) -> None:
    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("secret internals 13800001111")

    app = create_app(config)
    app.router.add_get("/boom", boom)
    app.router.add_get("/api/boom", boom)
    client = await aiohttp_client(app)
    page = await client.get("/boom")
    assert page.status == 500
    assert "secret internals" not in await page.text()
    api = await client.get("/api/boom")
    assert api.status == 500 and (await api.json())["error"] == "服务器出错"


async def test_csrf_refusal_renders_a_page_with_navigation(client, login) -> None:
    await login("trainer")
    response = await client.post("/review/conversations/conv-plan/review", data={"tags": "x"})
    html = await response.text()
    assert response.status == 403
    assert "CSRF" in html and "对话审阅" in html
