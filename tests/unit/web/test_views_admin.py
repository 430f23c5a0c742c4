from tests.unit.web.conftest import page_token


async def test_users_page_lists_users(client, login) -> None:
    await login("admin")
    html = await (await client.get("/admin/users")).text()
    for name in ("ada", "alice", "tom"):
        assert f"<td>{name}</td>" in html
    assert "password_hash" not in html and "$argon2" not in html


async def test_create_user_and_log_in_as_them(aiohttp_client, client, login, config) -> None:
    from bot.web.app import create_app

    token = await login("admin")
    response = await client.post(
        "/admin/users",
        data={"_csrf": token, "name": "li_agent", "role": "agent", "password": "new-agent-pass"},
    )
    html = await response.text()  # the redirect to the list shows the message once
    assert "已创建用户 li_agent" in html and "<td>li_agent</td>" in html
    other = await aiohttp_client(create_app(config))
    form = {"name": "li_agent", "password": "new-agent-pass", "_csrf": await page_token(other)}
    response = await other.post("/login", data=form, allow_redirects=False)
    assert response.headers["Location"] == "/assist"


async def test_refusals_are_flashed(client, login) -> None:
    token = await login("admin")
    response = await client.post(
        "/admin/users", data={"_csrf": token, "name": "tom", "role": "agent", "password": "x" * 12}
    )
    assert "用户 tom 已存在" in await response.text()
    response = await client.post(
        "/admin/users", data={"_csrf": token, "name": "zed", "role": "agent", "password": "short"}
    )
    assert "密码至少需要" in await response.text()
    response = await client.post("/admin/users/ghost/role", data={"_csrf": token, "role": "admin"})
    assert "没有用户 ghost" in await response.text()
    assert "没有用户 ghost" not in await (await client.get("/admin/users")).text()


async def test_change_role_deactivate_and_reset_password(client, login) -> None:
    token = await login("admin")
    await client.post("/admin/users/alice/role", data={"_csrf": token, "role": "trainer"})
    await client.post("/admin/users/alice/active", data={"_csrf": token, "active": "no"})
    response = await client.post(
        "/admin/users/alice/password", data={"_csrf": token, "password": "z" * 12}
    )
    html = await response.text()
    assert "alice 的密码已更新" in html
    row = html[html.index("<td>alice</td>") :][:400]
    assert "<td>训练师</td>" in row and "<td>停用</td>" in row


async def test_an_admin_cannot_deactivate_themselves(client, login) -> None:
    token = await login("admin")
    response = await client.post("/admin/users/ada/active", data={"_csrf": token, "active": "no"})
    assert "不能停用自己的账号" in await response.text()
    assert (await client.get("/admin/users")).status == 200
