"""The scripts library: loading, rendering, lint, and the runtime guard on every message."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import settings
from bot.db import models
from bot.db.demo import seed_demo
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.dialogue import runtime
from bot.dialogue.turn import Outcome, Turn
from bot.scripts import ScriptError, load_library
from bot.scripts.__main__ import main as cli
from bot.scripts.lint import check_domain, lint

LIBRARY = Path(__file__).resolve().parents[3] / "scripts_library"

BAD_SCRIPT = """
  - id: closing.threat
    answers: [goodbye]
    locale: zh-CN
    status: approved
    version: 1
    approved_by: 测试
    approved_at: 2026-11-29
    rules_checked: [no-threat]
    variants:
      - "再不还钱就让公安来抓你，等着坐牢吧。"
"""


@pytest.fixture
def library_copy(tmp_path) -> Path:
    target = tmp_path / "scripts_library"
    shutil.copytree(LIBRARY, target)
    return target


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_shipped_library_passes_lint():
    assert [str(p) for p in lint()] == []


def test_render_fills_placeholders_and_records_id_and_version():
    message = load_library().render(
        "balance.summary",
        {
            "card_last4": "6217",
            "total_due": "12,580.00",
            "minimum_payment": "1,258.00",
            "days_past_due": 45,
        },
        seed="c",
    )
    assert "12,580.00" in message.text and "{" not in message.text
    assert (message.script_id, message.version) == ("balance.summary", 1)


def test_render_refuses_missing_values_and_unapproved_scripts(library_copy):
    with pytest.raises(ScriptError, match="needs values"):
        load_library().render("balance.summary", {"card_last4": "6217"})
    text = (library_copy / "closing.yml").read_text(encoding="utf-8")
    (library_copy / "closing.yml").write_text(
        text.replace("status: approved", "status: draft", 1), encoding="utf-8"
    )
    with pytest.raises(ScriptError, match="draft"):
        load_library(library_copy).render("closing.goodbye")


def test_duplicate_ids_and_bad_fields_are_refused_with_the_file_named(library_copy):
    append(library_copy / "closing.yml", BAD_SCRIPT.replace("closing.threat", "closing.goodbye"))
    with pytest.raises(ScriptError, match=r"duplicate script id 'closing\.goodbye'"):
        load_library(library_copy)
    (library_copy / "closing.yml").write_text("stage: closing\nscripts: [{id: x}]\n")
    with pytest.raises(ScriptError, match=r"closing\.yml"):
        load_library(library_copy)


def test_lint_catches_a_non_compliant_approved_script(library_copy):
    append(library_copy / "closing.yml", BAD_SCRIPT)
    problems = [str(p) for p in lint(load_library(library_copy))]
    assert any("closing.threat" in p and "no-threat" in p for p in problems)


def test_lint_catches_unknown_placeholders_and_unmarked_debt_facts(library_copy):
    append(
        library_copy / "closing.yml",
        BAD_SCRIPT.replace("再不还钱就让公安来抓你，等着坐牢吧。", "您还欠{total_due}元，{secret}"),
    )
    problems = [str(p) for p in lint(load_library(library_copy), guard=None)]
    assert any("unknown placeholder {secret}" in p for p in problems)
    assert any("lacks `facts: account`" in p for p in problems)


def test_lint_requires_the_opening_disclosures(library_copy):
    path = library_copy / "opening.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("本次对话将被记录存档。", ""), encoding="utf-8"
    )
    problems = [str(p) for p in lint(load_library(library_copy), guard=None)]
    assert any("recording disclosure" in p for p in problems)


def test_lint_refuses_free_text_in_the_domain(tmp_path):
    domain = tmp_path / "domain.yml"
    domain.write_text("responses:\n  utter_hi:\n  - text: 你好\n", encoding="utf-8")
    assert [p.where for p in check_domain(domain)] == ["domain.yml responses.utter_hi"]


def test_show_lists_a_stage(capsys):
    assert cli(["show", "safety"]) == 0
    assert "12356" in capsys.readouterr().out
    assert cli(["show", "no-such-stage"]) == 1


@pytest.fixture
def demo_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'guard.db'}"
    upgrade_head(url)
    with session_scope(make_session_factory(make_engine(url))) as session:
        seed_demo(session)
    with settings.override(database_url=url):
        yield url


def test_a_non_compliant_message_is_blocked_replaced_and_logged(library_copy, demo_database):
    append(library_copy / "closing.yml", BAD_SCRIPT)
    with settings.override(scripts_dir=library_copy):
        result = runtime.execute(
            lambda turn, ctx: Outcome().say("closing.threat"),
            Turn(conversation_id="blocked-1", intent="goodbye"),
        )
    assert [m.script_id for m in result.messages] == ["fallback.blocked"]
    assert "坐牢" not in result.messages[0].text
    with session_scope(make_session_factory(make_engine(demo_database))) as session:
        events = session.execute(select(models.ComplianceEvent)).scalars().all()
        handoffs = session.execute(select(models.Handoff)).scalars().all()
        assert {e.rule for e in events} >= {"no-threat"}
        assert all(e.script_id == "closing.threat" and not e.reviewed for e in events)
        assert [h.reason for h in handoffs] == ["compliance"]


def test_an_account_facts_script_is_refused_before_verification(demo_database):
    result = runtime.execute(
        lambda turn, ctx: Outcome().say("verification.success"),
        Turn(conversation_id="rp-1", intent="ask_balance", slots={"verification": "unverified"}),
    )
    assert [m.script_id for m in result.messages] == ["fallback.blocked"]


def test_a_general_facts_script_goes_out_before_verification(demo_database):
    result = runtime.execute(
        lambda turn, ctx: Outcome().say("consequences.truthful"),
        Turn(
            conversation_id="rp-2", intent="ask_consequences", slots={"verification": "unverified"}
        ),
    )
    assert [m.script_id for m in result.messages] == ["consequences.truthful"]
    assert "征信" in result.messages[0].text


def test_a_reply_that_does_not_fit_is_blocked_and_recorded(demo_database):
    """Collection talk to a borrower in distress: the caring reply goes out instead."""
    result = runtime.execute(
        lambda turn, ctx: Outcome().say("payment_methods.official", channels="手机银行App"),
        Turn(conversation_id="fit-1", intent="ask_payment_methods", text="我真的不想活了，怎么还"),
    )
    assert [m.script_id for m in result.messages] == ["safety.distress"]
    with session_scope(make_session_factory(make_engine(demo_database))) as session:
        events = session.execute(select(models.ComplianceEvent)).scalars().all()
        assert [e.rule for e in events if e.conversation_id == "fit-1"] == ["distress_ignored"]


def test_a_fitting_reply_goes_out_unchanged(demo_database):
    result = runtime.execute(
        lambda turn, ctx: Outcome().say("consequences.no_jail").say("consequences.truthful"),
        Turn(conversation_id="fit-2", intent="ask_consequences", text="不还钱会坐牢吗"),
    )
    assert [m.script_id for m in result.messages] == [
        "consequences.no_jail",
        "consequences.truthful",
    ]
