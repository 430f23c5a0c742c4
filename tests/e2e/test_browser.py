"""The web app in headless Chromium against the real stack (Rasa, actions, database).

A borrower chats on the phone-sized page, an agent gets suggestions and checks a draft, a
trainer opens the resulting transcript, annotates it, marks it reviewed and exports the example
and the test story: Rasa's validator accepts both, and ``rasa test core
--fail-on-prediction-errors`` passes the exported story. Screenshots go to
``results/screenshots/``.

Needs Debian's ``chromium`` (``/usr/bin/chromium``, or ``$CHROMIUM``); skipped without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import MODEL, ROOT, TODAY, Stack
from tests.e2e.web_stack import (
    DESKTOP,
    PHONE,
    WebApp,
    chromium,
    needs_chromium,
    running_web_app,
    shot,
)

PASSWORD = "browser-test-password"

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def web_app(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    users = [("agent1", "agent"), ("trainer1", "trainer")]
    log_dir = tmp_path_factory.mktemp("web")
    with running_web_app(stack, users, PASSWORD, "browser-test", log_dir) as app:
        yield app


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def _say(page, text: str) -> list[str]:
    """Type a borrower message and return the assistant's new replies."""
    before = page.locator("li.bot").count()
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('li.bot').length > n", arg=before, timeout=60_000
    )
    page.wait_for_selector("li.typing", state="detached", timeout=60_000)
    return page.locator("li.bot").all_inner_texts()[before:]


def _log_in(context, app: WebApp, name: str):
    page = context.new_page()
    page.goto(f"{app.url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_borrower_agent_and_trainer(browser, web_app: WebApp, tmp_path: Path) -> None:
    # ---------------------------------------------------------------- the borrower
    phone = browser.new_context(viewport=PHONE, device_scale_factor=1)
    chat = phone.new_page()
    chat.goto(f"{web_app.url}/chat")
    first = _say(chat, "我还欠多少钱")
    assert any("手机号" in reply for reply in first), first
    verified = _say(chat, "13800001111 身份证后四位1234")
    assert any("12,580.00" in reply for reply in verified), verified
    quote = _say(chat, "我想分12期")
    assert any("1,131.36" in reply for reply in quote), quote
    recorded = _say(chat, "好的")
    assert any("已为您登记" in reply for reply in recorded), recorded
    shot(chat, "chat")
    phone.close()

    # ---------------------------------------------------------------- the agent
    desk = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    assist = _log_in(desk, web_app, "agent1")
    assert assist.url.endswith("/assist")
    assist.select_option("#account", label="张* · 尾号6217 · 逾期45天")
    assist.fill("#message", "我想分12期")
    started = time.monotonic()
    assist.click("#suggest-form button[type=submit]")
    assist.wait_for_selector("#suggestions li", timeout=10_000)
    assert time.monotonic() - started < 3  # the API itself answers in < 1 s (unit-tested)
    suggestions = assist.locator("#suggestions li").all_inner_texts()
    assert "1,131.36" in suggestions[0] and "plans.quote" in suggestions[0]
    assert "request_installment" in assist.inner_text("#intent")
    assist.fill("#draft", "再不还钱就让你坐牢，你这个老赖")
    assist.click("#check-form button[type=submit]")
    assist.wait_for_selector("#highlighted mark")
    marks = assist.locator("#highlighted mark").all_inner_texts()
    assert "坐牢" in "".join(marks)
    assert "不会因此被抓或坐牢" in assist.inner_text("#alternative")  # the truthful answer
    shot(assist, "assist")
    assert "对话审阅" not in assist.inner_text("header")  # agents see assist only
    assist.goto(f"{web_app.url}/review")
    assert "没有权限" in assist.content()
    desk.close()

    # ---------------------------------------------------------------- the trainer
    desk = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    review = _log_in(desk, web_app, "trainer1")
    assert review.url.endswith("/review")
    review.goto(f"{web_app.url}/review?outcome=plan")
    link = review.locator("#conversations a[href*='/review/conversations/web-']").first
    conversation_id = link.inner_text()
    shot(review, "review_list")
    link.click()
    review.wait_for_load_state("networkidle")
    page_text = review.inner_text("body")
    assert "request_installment" in page_text and "plans.quote v1" in page_text
    assert "138****1111" in page_text and "13800001111" not in page_text

    # annotate the installment request: correct the entity value, add a note
    row = review.locator("tr.user", has_text="我想分12期")
    row.locator("summary").click()
    form = row.locator("form").first
    form.locator("select[name=intent]").select_option("request_installment")
    form.locator("input[name=note]").fill("浏览器测试：确认分期意图")
    form.locator("button[type=submit]").click()
    review.wait_for_load_state("networkidle")
    assert "标注已保存" in review.inner_text("body")
    review.fill("#review-form input[name=tags]", "好例子, 分期")
    review.select_option("#review-form select[name=reviewed]", "yes")
    review.click("#review-form button[type=submit]")
    review.wait_for_load_state("networkidle")
    assert "trainer1 于" in review.inner_text("body")
    shot(review, "conversation")

    with review.expect_download() as story_download:
        review.click("#export-story")
    story_path = tmp_path / "stories.yml"
    story_download.value.save_as(story_path)
    with review.expect_download() as nlu_download:
        review.click("#export-nlu")
    nlu_path = tmp_path / "nlu.yml"
    nlu_download.value.save_as(nlu_path)

    story = yaml.safe_load(story_path.read_text())["stories"][0]
    intents = [step["intent"] for step in story["steps"] if "intent" in step]
    assert intents == ["ask_balance", "provide_identity", "request_installment", "affirm"]
    assert conversation_id.replace("-", "_") in story["story"] or conversation_id in story["story"]
    nlu = yaml.safe_load(nlu_path.read_text())["nlu"]
    assert nlu == [
        {
            "intent": "request_installment",
            "examples": '- 我想分[12期]{"entity": "installments", "value": "12"}\n',
        }
    ]
    _validate_with_rasa(tmp_path)
    _rasa_test_passes(story_path, tmp_path / "rasa-test")

    review.goto(f"{web_app.url}/dashboard")
    assert review.locator("svg.chart").count() == 3
    shot(review, "dashboard")
    desk.close()


def _validate_with_rasa(folder: Path) -> None:
    """What ``rasa data validate`` checks, on the two exported files and our domain."""
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain.yml"), training_data_paths=[str(folder)]
    )
    validator = Validator.from_importer(importer)
    assert validator.verify_intents_in_stories(ignore_warnings=True)
    assert validator.verify_utterances_in_stories(ignore_warnings=True)
    assert validator.verify_story_structure(ignore_warnings=False)


def _rasa_test_passes(story: Path, out: Path) -> None:
    """The exported story is a conversation test the trained model passes as it is."""
    env = {**os.environ, "BOT_TODAY": TODAY, "RASA_TELEMETRY_ENABLED": "false"}
    rasa = str(Path(sys.executable).with_name("rasa"))
    command = [rasa, "test", "core", "--stories", str(story), "--model", str(MODEL)]
    command += ["--fail-on-prediction-errors", "--out", str(out)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "None of the test stories failed" in (out / "failed_test_stories.yml").read_text()
