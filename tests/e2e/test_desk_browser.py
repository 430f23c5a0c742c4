"""The agent desk in headless Chromium, two pages at once, against the real stack.

A borrower asks for a human; the agent's desk shows the hand-off at once (and a distress
message from another borrower at the top within 2 s, with the alert); the agent claims the
conversation, and while the agent holds it the bot stays silent (Rasa's pause). The agent
replies with a suggestion, which the borrower's page shows; a threatening sentence is blocked
with the compliant alternative shown, and never reaches the borrower; the borrower gives the
numbers and the agent runs the verification step; the agent hands back and the bot answers the
borrower's next message (with the balance: the desk's verification is the bot's own).
Screenshots go to ``results/screenshots/``.

Needs Debian's ``chromium`` and a trained model; skipped without either (see test_browser.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.db.models import Handoff
from bot.db.settings import make_engine, make_session_factory, session_scope
from tests.e2e.conftest import Stack
from tests.e2e.web_stack import (
    PHONE,
    WebApp,
    chromium,
    needs_chromium,
    running_web_app,
    shot,
)

PASSWORD = "desk-browser-password"
AGENT = "desk_agent"
THREAT = "再不还钱就去你单位找你"

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def desk_app(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    log_dir = tmp_path_factory.mktemp("desk-web")
    with running_web_app(stack, [(AGENT, "agent")], PASSWORD, "desk-browser-test", log_dir) as app:
        yield app


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def _type(page, text: str) -> None:
    """Send a borrower message and wait until the app answered (a reply or none)."""
    sent = page.locator("li.me").count()
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('li.me').length > n", arg=sent, timeout=5_000
    )
    page.wait_for_selector("li.typing", state="detached", timeout=60_000)


def _bot_texts(page) -> list[str]:
    return page.locator("li.bot").all_inner_texts()


def _open_chat(browser, app: WebApp):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{app.url}/chat")
    return context, page


def _handoffs(stack: Stack, reason: str) -> list[str]:
    engine = make_engine(stack.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            found = session.scalars(select(Handoff.conversation_id).where(Handoff.reason == reason))
            return list(found)
    finally:
        engine.dispose()


def test_a_person_takes_over_and_hands_back(browser, desk_app: WebApp, stack: Stack) -> None:
    # ---------------------------------------------------------------- the agent opens the desk
    office = browser.new_context(viewport={"width": 1440, "height": 900})
    desk = office.new_page()
    desk.goto(f"{desk_app.url}/login")
    desk.fill("input[name=name]", AGENT)
    desk.fill("input[name=password]", PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_load_state("networkidle")
    desk.goto(f"{desk_app.url}/desk")
    desk.wait_for_selector("#queue-state:has-text('实时')", timeout=10_000)

    # ---------------------------------------------------------------- a borrower asks for a human
    phone, chat = _open_chat(browser, desk_app)
    _type(chat, "我要转人工")
    assert any("人工" in text for text in _bot_texts(chat)), _bot_texts(chat)
    borrower = _handoffs(stack, "request")[-1]  # other e2e tests may have left hand-offs too
    mine = f"#queue li[data-conversation='{borrower}']"
    desk.wait_for_selector(mine, timeout=5_000)

    # ---------------------------------------------------------------- distress: on top within 2 s
    other, sos = _open_chat(browser, desk_app)
    _type(sos, "我不想活了")
    replied = time.monotonic()
    assert any("12356" in text for text in _bot_texts(sos)), _bot_texts(sos)
    urgent = _handoffs(stack, "distress")[-1]
    desk.wait_for_selector(f"#queue li.urgent[data-conversation='{urgent}']", timeout=2_000)
    assert time.monotonic() - replied < 2
    ranks = desk.eval_on_selector_all("#queue li", "rows => rows.map(r => r.className)")
    position = desk.eval_on_selector_all(
        "#queue li", "(rows, id) => rows.findIndex(r => r.dataset.conversation === id)", urgent
    )
    assert all("urgent" in rank for rank in ranks[: position + 1])  # only urgent ones above it
    assert desk.is_visible("#alert")
    other.close()

    # ---------------------------------------------------------------- claim: the bot goes silent
    desk.click(f"{mine} button.claim")
    desk.wait_for_selector("#conversation:not([hidden])")
    desk.wait_for_selector("#paused:has-text('机器人已暂停')", timeout=10_000)
    assert "未核身" in desk.inner_text("#contact")
    chat.wait_for_selector("li.bot:has-text('人工客服已加入对话')", timeout=10_000)
    before = len(_bot_texts(chat))
    _type(chat, "你好，在吗")
    desk.wait_for_selector("#messages li.borrower:has-text('你好，在吗')", timeout=5_000)
    time.sleep(1.5)
    assert len(_bot_texts(chat)) == before  # no bot reply while the agent holds it

    _type(chat, "我想分期还款")
    desk.wait_for_selector("#messages li.borrower:has-text('我想分期还款')", timeout=5_000)
    assert len(_bot_texts(chat)) == before

    # ---------------------------------------------------------------- reply with a suggestion
    desk.wait_for_selector("#suggestions li button.use", timeout=10_000)
    desk.wait_for_selector("#situation:has-text('request_installment')", timeout=10_000)
    suggestion = desk.locator("#suggestions li .text").first.inner_text()
    desk.locator("#suggestions li button.use").first.click()
    assert desk.input_value("#draft") == suggestion
    shot(desk, "desk")
    desk.click("#send-form button[type=submit]")
    try:
        desk.wait_for_selector(f"#messages li.agent:has-text('{suggestion[:8]}')", timeout=5_000)
    except Exception:
        raise AssertionError(desk.inner_text("#desk")) from None
    chat.wait_for_selector(f"li.bot:has-text('{suggestion[:8]}')", timeout=5_000)

    # ---------------------------------------------------------------- a threat is blocked
    desk.fill("#draft", THREAT)
    desk.click("#send-form button[type=submit]")
    desk.wait_for_selector("#blocked:not([hidden]) #highlighted mark", timeout=5_000)
    assert desk.is_visible("#alternative-box")
    alternative = desk.inner_text("#alternative")
    assert alternative and THREAT not in alternative
    shot(desk, "desk_blocked")
    time.sleep(1.5)
    assert not any("单位" in text for text in _bot_texts(chat))
    tracker = stack.tracker(borrower)
    assert not any(THREAT in (e.get("text") or "") for e in tracker["events"])
    agent_turns = [e for e in tracker["events"] if (e.get("metadata") or {}).get("agent")]
    assert agent_turns and agent_turns[-1]["metadata"]["agent"] == AGENT
    metadata = agent_turns[-1]["metadata"]
    assert metadata["script_id"] and metadata["edited"] is False

    # ---------------------------------------------------------------- verification from the desk
    before = len(_bot_texts(chat))
    _type(chat, "13800001111 身份证后四位1234")
    desk.wait_for_selector("#messages li.borrower:has-text('138****1111')", timeout=5_000)
    assert "13800001111" not in desk.inner_text("#messages")  # the agent sees it masked
    desk.click("#verify")
    desk.wait_for_selector("#verify-result:has-text('核身通过')", timeout=5_000)
    desk.wait_for_selector("#contact:has-text('已核身')", timeout=5_000)
    assert len(_bot_texts(chat)) == before

    # ---------------------------------------------------------------- hand back: the bot answers
    desk.click("#handback")
    desk.wait_for_selector("#conversation", state="hidden", timeout=10_000)
    chat.wait_for_selector("li.bot:has-text('智能助手将继续为您服务')", timeout=10_000)
    before = len(_bot_texts(chat))
    _type(chat, "我还欠多少钱")
    texts = _bot_texts(chat)[before:]
    # The desk's verification is the bot's own: it answers with the balance at once.
    assert any("12,580.00" in text for text in texts), texts
    shot(chat, "chat_after_desk")
    phone.close()
    office.close()
