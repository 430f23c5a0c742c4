async def test_dashboard_page(client, login) -> None:
    await login("trainer")
    html = await (await client.get("/dashboard?start=2026-11-27&end=2026-11-30")).text()
    assert html.count('<svg class="chart"') == 3
    assert '<strong id="kpi-conversations">5</strong>' in html
    assert "<td>2026-11-28</td><td>1</td><td>1</td><td>100.0%</td>" in html
    assert "<td>2026-11-27</td><td>0</td>" in html


async def test_dashboard_api(client, login) -> None:
    await login("admin")
    data = await (await client.get("/api/dashboard?start=2026-11-28&end=2026-11-30")).json()
    assert [d["day"] for d in data["days"]] == ["2026-11-28", "2026-11-29", "2026-11-30"]
    assert data["totals"]["conversations"] == 5
    assert data["totals"]["kept_rate"] == 1.0
    assert data["days"][1]["handoffs"] == 2


async def test_dashboard_default_period_and_bad_dates(client, login) -> None:
    await login("trainer")
    data = await (await client.get("/api/dashboard")).json()
    assert len(data["days"]) == 14
    assert (await client.get("/api/dashboard?start=2026-13-01")).status == 400
    assert (await client.get("/api/dashboard?start=2026-12-01&end=2026-11-01")).status == 400
    assert (await client.get("/dashboard?start=2020-01-01&end=2026-01-01")).status == 400


async def test_dashboard_shows_outbound_contacts_sent_failed_and_suppressed_per_rule(
    client, login
) -> None:
    await login("trainer")
    html = await (await client.get("/dashboard?start=2026-11-27&end=2026-11-30")).text()
    table = html[html.index('id="contacts"') :]
    table = table[: table.index("</table>")]
    assert '<td>已发送</td><td></td><td class="num">1</td>' in table
    assert "<td>发送失败</td><td>Rasa 不可用 <code>rasa_unavailable</code></td>" in table
    assert "<td>已拦截</td><td>免打扰时段 <code>quiet_hours</code></td>" in table
    assert "无可用渠道 <code>no_channel</code>" in table
    assert "outreach" not in table and "张" not in table  # aggregate only: no names, no scripts
    empty = await (await client.get("/dashboard?start=2026-11-01&end=2026-11-02")).text()
    assert "本期无外呼记录" in empty


async def test_dashboard_api_lists_outbound_contacts(client, login) -> None:
    await login("admin")
    data = await (await client.get("/api/dashboard?start=2026-11-29&end=2026-11-29")).json()
    assert data["contacts"] == [
        {"status": "suppressed", "reason": "quiet_hours", "contacts": 1},
        {"status": "suppressed", "reason": "no_channel", "contacts": 1},
    ]
