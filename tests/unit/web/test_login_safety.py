"""Login: where it may send you, how it backs off, how many password checks run at once, and
how a logout or a password change ends every copy of a session."""

import asyncio
import time
from dataclasses import replace

import pytest

from bot.web import staff
from bot.web.app import SESSION_COOKIE, create_app
from bot.web.security import safe_next
from bot.web.state import LOGIN_THROTTLE
from tests.unit.web.conftest import PASSWORD, page_token

EVIL_TARGETS = [
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "/\t/evil.com",
    "/%09/evil.com",
    "/%2F/evil.com",
    "/%2f%2fevil.com",
    "/%5C/evil.com",
    "/%5c%5cevil.com",
    "/%0a/evil.com",
    "/%0d%0a/evil.com",
    "/ /evil.com",
    "/%20/evil.com",
    "/%252F/evil.com",
    "/%25252F%25252Fevil.com",
    "/\x00/evil.com",
    "/%00/evil.com",
    "/\u202e/evil.com",
    "https://evil.com",
    "http:/evil.com",
    "javascript:alert(1)",
    "evil.com",
    "%2F%2Fevil.com",
    " /review",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_unsafe_next_targets_fall_back_to_the_default(target: str) -> None:
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize(
    "target",
    ["/review", "/dashboard?start=2026-11-01&end=2026-11-30", "/review/conversations/web-1a2b"],
)
def test_local_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


async def _login(client, name="tom", password=PASSWORD, next_url="", headers=None):
    token = await page_token(client, "/login")
    return await client.post(
        "/login",
        data={"name": name, "password": password, "_csrf": token, "next": next_url},
        headers=headers,
        allow_redirects=False,
    )


async def test_login_with_a_tab_trick_in_next_goes_home(client) -> None:
    page = await client.get("/login?next=/%09/evil.com")
    assert 'name="next" value=""' in await page.text()
    for target in ("/\t/evil.com", "/%09/evil.com", "/\t\\evil.com"):
        response = await _login(client, next_url=target)
        assert response.status == 302
        assert response.headers["Location"] == "/review"


async def test_five_failures_lock_the_account_name_with_429(client) -> None:
    for _ in range(5):
        assert (await _login(client, password="wrong-password")).status == 401
    response = await _login(client)  # even the right password is not checked now
    assert response.status == 429
    assert "登录失败次数过多，请 15 分钟后再试" in await response.text()
    assert 1 <= int(response.headers["Retry-After"]) <= 900
    assert (await client.get("/review", allow_redirects=False)).status == 302


async def test_the_name_lock_holds_from_every_address(aiohttp_client, config) -> None:
    client = await aiohttp_client(create_app(replace(config, trust_proxy=True)))
    for index in range(5):
        headers = {"X-Forwarded-For": f"198.51.100.{index}"}
        await _login(client, password="wrong-password", headers=headers)
    response = await _login(client, headers={"X-Forwarded-For": "203.0.113.1"})
    assert response.status == 429


async def test_the_address_lock_holds_for_every_name(client) -> None:
    for index in range(5):
        await _login(client, name=f"guess{index}", password="wrong-password")
    assert (await _login(client, name="ada")).status == 429


async def test_the_lock_ends_when_the_window_passes(client, monkeypatch) -> None:
    throttle = client.app[LOGIN_THROTTLE]
    now = [1000.0]
    for window in (throttle._names, throttle._addresses):
        monkeypatch.setattr(window, "_clock", lambda: now[0])
    for _ in range(5):
        await _login(client, password="wrong-password")
    assert (await _login(client)).status == 429
    now[0] += 14 * 60
    assert (await _login(client)).status == 429
    now[0] += 60
    assert (await _login(client)).status == 302


async def test_a_success_clears_the_names_failures(client) -> None:
    for _ in range(4):
        await _login(client, password="wrong-password")
    assert (await _login(client)).status == 302
    client.session.cookie_jar.clear()
    assert (await _login(client, password="wrong-password")).status == 401


async def test_password_checks_run_two_at_a_time_and_excess_requests_get_503(
    aiohttp_client, config, monkeypatch
) -> None:
    running, peak = [0], [0]
    real = staff.authenticate

    def slow_authenticate(session, name, password):
        running[0] += 1
        peak[0] = max(peak[0], running[0])
        time.sleep(0.4)
        try:
            return real(session, name, password)
        finally:
            running[0] -= 1

    monkeypatch.setattr(staff, "authenticate", slow_authenticate)
    app = create_app(replace(config, hash_concurrency=2, hash_wait_seconds=0.1))
    clients = [await aiohttp_client(app) for _ in range(5)]
    tokens = [await page_token(c, "/login") for c in clients]

    async def attempt(client, token):
        response = await client.post(
            "/login",
            data={"name": "tom", "password": PASSWORD, "_csrf": token},
            allow_redirects=False,
        )
        return response.status, await response.text()

    results = await asyncio.gather(*(attempt(c, t) for c, t in zip(clients, tokens, strict=True)))
    statuses = sorted(status for status, _ in results)
    assert peak[0] <= 2
    assert statuses == [302, 302, 503, 503, 503]
    assert all("登录请求较多" in text for status, text in results if status == 503)


def _cookie(client) -> str:
    return client.session.cookie_jar.filter_cookies(client.make_url("/"))[SESSION_COOKIE].value


async def test_a_copied_cookie_dies_with_the_logout(aiohttp_client, client, config) -> None:
    await _login(client)
    copied = _cookie(client)
    thief = await aiohttp_client(create_app(config))
    headers = {"Cookie": f"{SESSION_COOKIE}={copied}"}
    assert (await thief.get("/review", headers=headers, allow_redirects=False)).status == 200
    token = await page_token(client, "/review")
    await client.post("/logout", data={"_csrf": token}, allow_redirects=False)
    response = await thief.get("/review", headers=headers, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/login")
    api = await thief.get("/api/conversations", headers=headers)
    assert api.status == 401
    assert (await _login(client)).status == 302  # logging in again works
    assert (await client.get("/review", allow_redirects=False)).status == 200


async def test_a_password_reset_ends_the_users_sessions(aiohttp_client, client, config) -> None:
    await _login(client)  # tom, on his own browser
    admin = await aiohttp_client(create_app(config))
    await _login(admin, name="ada")
    token = await page_token(admin, "/admin/users")
    response = await admin.post(
        "/admin/users/tom/password", data={"_csrf": token, "password": "brand-new-pass-1"}
    )
    assert "tom 的密码已更新" in await response.text()
    assert (await client.get("/review", allow_redirects=False)).status == 302
    assert (await admin.get("/admin/users", allow_redirects=False)).status == 200


async def test_an_admin_changing_their_own_password_stays_logged_in_here_only(
    aiohttp_client, client, config
) -> None:
    await _login(client, name="ada")
    other_device = await aiohttp_client(create_app(config))
    await _login(other_device, name="ada")
    token = await page_token(client, "/admin/users")
    await client.post(
        "/admin/users/ada/password", data={"_csrf": token, "password": "brand-new-pass-1"}
    )
    assert (await client.get("/admin/users", allow_redirects=False)).status == 200
    assert (await other_device.get("/admin/users", allow_redirects=False)).status == 302


def test_password_change_and_deactivation_raise_the_session_version(session_factory) -> None:
    from bot.db.settings import session_scope

    with session_scope(session_factory) as session:
        before = staff.set_role(session, "tom", "trainer").session_version
        after = staff.set_password(session, "tom", "another-password").session_version
        assert after == before + 1
        assert staff.set_active(session, "tom", False).session_version == after + 1
        user = staff.authenticate(session, "alice", PASSWORD)
        assert staff.end_sessions(session, user.id) == user.session_version + 1
        assert staff.end_sessions(session, 999_999) is None
