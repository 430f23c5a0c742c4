async def _post(client, token, path, body):
    return await client.post(path, json=body, headers={"X-CSRF-Token": token})


async def test_the_page_lists_accounts_masked(client, login) -> None:
    await login("agent")
    html = await (await client.get("/assist")).text()
    assert "张* · 尾号6217 · 逾期45天" in html
    assert "张伟" not in html and "13800001111" not in html
    assert "assist.js" in html


async def test_suggest_for_a_verified_account(client, login, rasa_stub) -> None:
    token = await login("agent")
    response = await _post(
        client,
        token,
        "/api/assist/suggest",
        {"message": "好的", "history": "客户：我想分12期\n坐席：好的", "account_id": "1"},
    )
    data = await response.json()
    assert response.status == 200
    assert sorted(rasa_stub.parsed) == sorted(["我想分12期", "好的"])  # parsed concurrently
    assert data["parse"]["intent"] == "affirm"
    assert data["situation"]["verified"] is True
    assert data["suggestions"][0]["script_id"] == "plans.recorded"
    assert data["suggestions"][0]["source"] == "assistant"


async def test_suggest_for_an_unverified_borrower(client, login) -> None:
    token = await login("agent")
    data = await (
        await _post(client, token, "/api/assist/suggest", {"message": "我还欠多少钱"})
    ).json()
    assert data["situation"]["verified"] is False
    assert data["suggestions"][0]["script_id"] == "verification.verify_first"


async def test_suggest_refusals(client, login, rasa_stub) -> None:
    token = await login("agent")
    path = "/api/assist/suggest"
    assert (await _post(client, token, path, {"message": ""})).status == 400
    assert (await _post(client, token, path, {"message": 3})).status == 400
    assert (await _post(client, token, path, ["x"])).status == 400
    bad_account = await _post(client, token, path, {"message": "好的", "account_id": "abc"})
    assert bad_account.status == 400
    missing = await _post(client, token, path, {"message": "好的", "account_id": 99})
    assert missing.status == 404
    rasa_stub.fail = True
    assert (await _post(client, token, path, {"message": "好的"})).status == 502


async def test_draft_check(client, login) -> None:
    token = await login("agent")
    response = await _post(
        client, token, "/api/assist/check", {"text": "再不还就让你坐牢", "account_id": 1}
    )
    data = await response.json()
    assert data["ok"] is False
    assert [v["rule"] for v in data["violations"]] == ["no-threat"]
    assert [s["text"] for s in data["segments"] if s["rules"]] == ["坐牢"]
    assert data["alternative"]["script_id"] == "consequences.no_jail"
    # Unverified, the same truthful answer: general facts, no account figure in it.
    unverified = await (
        await _post(client, token, "/api/assist/check", {"text": "再不还就让你坐牢"})
    ).json()
    assert unverified["alternative"]["script_id"] == "consequences.no_jail"
    assert not any(ch.isdigit() for ch in unverified["alternative"]["text"])
    ok = await (
        await _post(client, token, "/api/assist/check", {"text": "请通过官方渠道还款"})
    ).json()
    assert ok["ok"] is True and ok["violations"] == []


async def test_draft_check_knows_whether_the_borrower_is_verified(client, login) -> None:
    token = await login("agent")
    text = "您尾号6217的信用卡应还12,580.00元"
    unverified = await (await _post(client, token, "/api/assist/check", {"text": text})).json()
    verified = await (
        await _post(client, token, "/api/assist/check", {"text": text, "account_id": 1})
    ).json()
    assert "right-party" in {v["rule"] for v in unverified["violations"]}
    assert "right-party" not in {v["rule"] for v in verified["violations"]}


async def test_draft_check_without_a_guard_model_is_a_503(client, login, monkeypatch) -> None:
    from bot.assist import drafts
    from bot.compliance import GuardModelError

    def broken(*args, **kwargs):
        raise GuardModelError("model missing")

    monkeypatch.setattr(drafts, "check", broken)
    token = await login("agent")
    response = await _post(client, token, "/api/assist/check", {"text": "请按时还款"})
    assert response.status == 503
    assert (await response.json())["error"] == "compliance guard unavailable"
