import re

import yaml

from bot.db.settings import make_engine
from bot.web.tracker import TrackerReader
from tests.unit.web.sample_data import DAY_3, Clock, bot, session_start, user, write_tracker

FULL_NUMBERS = ("13800001111", "13912345678")


def _user_event_ids(tracker_url: str, cid: str) -> list[int]:
    reader = TrackerReader(make_engine(tracker_url, sqlite_foreign_keys=False))
    return [e.id for e in reader.events(cid, types=["user"])]


async def test_list_page_with_filters(client, login) -> None:
    await login("trainer")
    html = await (await client.get("/review")).text()
    assert "共 5 个对话" in html
    for cid in ("conv-plan", "conv-fallback", "conv-distress", "conv-lockout", "conv-blocked"):
        assert f"/review/conversations/{cid}" in html
    filtered = await (await client.get("/review?flag=distress&outcome=handoff")).text()
    assert "共 1 个对话" in filtered and "conv-distress" in filtered
    assert 'value="distress" checked' in filtered
    assert (await client.get("/review?start=yesterday")).status == 400


async def test_conversations_api(client, login) -> None:
    await login("trainer")
    data = await (await client.get("/api/conversations?flag=lockout")).json()
    assert data["total"] == 1
    (row,) = data["conversations"]
    assert row["conversation_id"] == "conv-lockout" and row["flags"] == ["lockout"]
    assert (await client.get("/api/conversations?flag=nope")).status == 400


async def test_conversation_page_shows_every_turn_detail(client, login) -> None:
    await login("trainer")
    html = await (await client.get("/review/conversations/conv-plan")).text()
    assert "<code>request_installment</code>" in html
    assert '<span class="conf">0.91</span>' in html
    assert "<code>installments</code> = 12" in html
    assert "plans.quote v1" in html and "balance.summary v1" in html
    assert "action_offer_installment" in html
    assert "138****1111" in html
    assert (await client.get("/review/conversations/no-such-thing")).status == 404


async def test_no_page_or_export_shows_a_full_number(client, login) -> None:
    token = await login("trainer")
    (event_id,) = [await _first_user_event(client)]
    await client.post(
        f"/review/conversations/conv-lockout/turns/{event_id}/annotation",
        data={"_csrf": token, "intent": "provide_identity", "note": "号码13912345678"},
    )
    paths = ["/review", "/api/conversations", "/review/export/nlu.yml"] + [
        f"/review/conversations/{cid}{suffix}"
        for cid in ("conv-plan", "conv-lockout", "conv-blocked")
        for suffix in ("", "/story.yml")
    ]
    for path in paths:
        body = await (await client.get(path)).text()
        assert "13912345678" not in body, path
        if not path.endswith(".yml"):
            assert "13800001111" not in body, path


async def _first_user_event(client) -> int:
    html = await (await client.get("/review/conversations/conv-lockout")).text()
    return int(re.search(r'id="turn-(\d+)"', html).group(1))


async def test_annotate_then_export_the_example_and_the_story(client, login, tracker_url) -> None:
    token = await login("trainer")
    ids = _user_event_ids(tracker_url, "conv-plan")
    response = await client.post(
        f"/review/conversations/conv-plan/turns/{ids[2]}/annotation",
        data=[
            ("_csrf", token),
            ("intent", "offer_amount"),
            ("entity", "amount"),
            ("span", "12"),
            ("value", "1200"),
            ("start", "3"),
            ("entity", ""),
            ("span", ""),
            ("value", ""),
            ("start", ""),
            ("note", "客户说的是金额"),
        ],
        allow_redirects=False,
    )
    assert response.status == 302
    assert response.headers["Location"] == f"/review/conversations/conv-plan#turn-{ids[2]}"
    html = await (await client.get("/review/conversations/conv-plan")).text()
    assert "标注已保存" in html
    assert "标注为 <code>offer_amount</code>" in html

    nlu = await client.get("/review/export/nlu.yml?conversation=conv-plan")
    assert nlu.headers["Content-Disposition"].startswith('attachment; filename="corrections_')
    data = yaml.safe_load(await nlu.text())
    assert data["nlu"] == [
        {
            "intent": "offer_amount",
            "examples": '- 我想分[12]{"entity": "amount", "value": "1200"}期\n',
        }
    ]
    story = await client.get("/review/conversations/conv-plan/story.yml")
    assert story.headers["Content-Disposition"] == 'attachment; filename="test_conv-plan.yml"'
    steps = yaml.safe_load(await story.text())["stories"][0]["steps"]
    assert {
        "user": '我想分[12]{"entity": "amount", "value": "1200"}期\n',
        "intent": "offer_amount",
    } in steps


async def test_an_invalid_annotation_is_explained_not_saved(client, login, tracker_url) -> None:
    token = await login("trainer")
    event_id = _user_event_ids(tracker_url, "conv-plan")[0]
    response = await client.post(
        f"/review/conversations/conv-plan/turns/{event_id}/annotation",
        data={"_csrf": token, "intent": "ask_balance", "entity": "amount", "span": "一万"},
    )
    html = await response.text()
    assert "未保存：“一万”不在这句话里" in html
    assert "标注为" not in html
    missing = await client.post(
        "/review/conversations/conv-plan/turns/999999/annotation",
        data={"_csrf": token, "intent": "greet"},
    )
    assert missing.status == 404


async def test_delete_an_annotation(client, login, tracker_url) -> None:
    token = await login("trainer")
    event_id = _user_event_ids(tracker_url, "conv-plan")[0]
    base = f"/review/conversations/conv-plan/turns/{event_id}/annotation"
    await client.post(base, data={"_csrf": token, "intent": "ask_fees"})
    html = await (await client.post(f"{base}/delete", data={"_csrf": token})).text()
    assert "标注已删除" in html and "标注为" not in html


async def test_tags_note_and_reviewed(client, login) -> None:
    token = await login("trainer")
    await client.post(
        "/review/conversations/conv-fallback/review",
        data={
            "_csrf": token,
            "tags": "需补样例, fallback",
            "note": "两次没听懂",
            "reviewed": "yes",
        },
    )
    html = await (await client.get("/review/conversations/conv-fallback")).text()
    assert 'value="fallback, 需补样例"' in html
    assert "tom 于" in html
    listing = await (await client.get("/review?reviewed=yes&tag=需补样例")).text()
    assert "共 1 个对话" in listing and "conv-fallback" in listing
    assert "✓ 已审阅" in listing


async def test_texts_are_escaped(client, login, tracker_url) -> None:
    clock = Clock(DAY_3)
    write_tracker(
        tracker_url,
        {
            "xss": [
                *session_start(clock),
                user(clock, "<script>alert(1)</script>", "greet"),
                bot(clock, "<img src=x onerror=alert(2)>", "opening.greet_verified"),
            ]
        },
    )
    await login("trainer")
    html = await (await client.get("/review/conversations/xss")).text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    response = await client.get("/review/conversations/xss")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
