import pytest
from sqlalchemy import select

from bot.db.settings import session_scope
from bot.db.web_models import StaffUser
from bot.web.app import SESSION_COOKIE
from tests.unit.web.conftest import PASSWORD, USERS, page_token


async def _login(client, name, password=PASSWORD, next_url=""):
    token = await page_token(client, "/login")
    return await client.post(
        "/login",
        data={"name": name, "password": password, "_csrf": token, "next": next_url},
        allow_redirects=False,
    )


@pytest.mark.parametrize(
    ("role", "home"), [("agent", "/assist"), ("trainer", "/review"), ("admin", "/admin/users")]
)
async def test_login_sends_each_role_home(client, role, home) -> None:
    response = await _login(client, USERS[role])
    assert (response.status, response.headers["Location"]) == (302, home)
    response = await client.get("/", allow_redirects=False)
    assert response.headers["Location"] == home


async def test_login_follows_a_local_next_but_never_another_site(client) -> None:
    response = await _login(client, "tom", next_url="/dashboard?start=2026-11-01")
    assert response.headers["Location"] == "/dashboard?start=2026-11-01"
    for target in ("//evil.example/", "https://evil.example/", "/\\evil"):
        response = await _login(client, "tom", next_url=target)
        assert response.headers["Location"] == "/review"


async def test_wrong_password_and_unknown_user_get_the_same_answer(client) -> None:
    wrong = await _login(client, "tom", "not-the-password")
    unknown = await _login(client, "nobody")
    assert wrong.status == unknown.status == 401
    assert "用户名或密码错误" in await wrong.text()
    assert "用户名或密码错误" in await unknown.text()
    assert (await client.get("/review", allow_redirects=False)).status == 302


async def test_login_form_without_csrf_token_is_refused(client) -> None:
    await client.get("/login")
    response = await client.post("/login", data={"name": "tom", "password": PASSWORD})
    assert response.status == 403


async def test_session_cookie_flags_and_a_new_session_on_login(client) -> None:
    await client.get("/login")
    before = client.session.cookie_jar.filter_cookies(client.make_url("/"))[SESSION_COOKIE].value
    response = await _login(client, "tom")
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]
    assert cookie.value != before


async def test_logout_ends_the_session(client) -> None:
    await _login(client, "tom")
    token = await page_token(client, "/review")
    response = await client.post("/logout", data={"_csrf": token}, allow_redirects=False)
    assert response.headers["Location"] == "/login"
    assert (await client.get("/review", allow_redirects=False)).status == 302


async def test_a_deactivated_user_is_logged_out_at_the_next_request(
    client, session_factory
) -> None:
    await _login(client, "tom")
    assert (await client.get("/review")).status == 200
    with session_scope(session_factory) as session:
        session.scalars(select(StaffUser).where(StaffUser.name == "tom")).one().active = False
    response = await client.get("/review", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/login")
