"""The optional ``direction: outbound`` field and the outbound lint."""

import shutil
from pathlib import Path

import pytest

from bot.scripts import ScriptError, load_library
from bot.scripts.lint import lint

LIBRARY = Path(__file__).resolve().parents[3] / "scripts_library"

OUTBOUND = """
  - id: closing.outbound_test
    answers: []
    locale: zh-CN
    status: approved
    direction: {direction}
    version: 1
    approved_by: 测试
    approved_at: 2026-12-04
    rules_checked: [identity-disclosure]
    variants:
      - "{text}"
"""
GOOD_TEXT = (
    "您好，这里是{institution}的智能客服助手，本次对话将被记录。"
    "如不希望再收到此类消息，回复停止联系即可。"
)


@pytest.fixture
def library_copy(tmp_path) -> Path:
    target = tmp_path / "scripts_library"
    shutil.copytree(LIBRARY, target)
    return target


def _add(library: Path, text: str, direction: str = "outbound", extra: str = "") -> None:
    path = library / "closing.yml"
    script = OUTBOUND.format(direction=direction, text=text)
    if extra:
        script = script.replace("    version: 1\n", f"    version: 1\n    {extra}\n")
    path.write_text(path.read_text(encoding="utf-8") + script, encoding="utf-8")


def test_direction_defaults_to_inbound_and_outbound_is_read(library_copy) -> None:
    _add(library_copy, GOOD_TEXT)
    library = load_library(library_copy)
    assert library.get("closing.outbound_test").outbound
    assert library.get("opening.disclosure").direction == "inbound"
    assert library.outbound("closing.outbound_test").id == "closing.outbound_test"
    with pytest.raises(ScriptError, match="not an outbound script"):
        library.outbound("opening.disclosure")
    assert [str(p) for p in lint(library, guard=None, root=LIBRARY.parent)] == []


def test_an_unknown_direction_is_refused(library_copy) -> None:
    _add(library_copy, GOOD_TEXT, direction="sideways")
    with pytest.raises(ScriptError, match="direction must be one of"):
        load_library(library_copy)


def test_outbound_needs_the_disclosures_and_an_opt_out(library_copy) -> None:
    _add(library_copy, "您好，请回复本消息。")
    problems = [str(p) for p in lint(load_library(library_copy), guard=None, root=LIBRARY.parent)]
    for what in ("institution", "automated assistant", "recording", "opt-out"):
        assert any(f"lacks the {what} disclosure" in p for p in problems), what


def test_outbound_states_no_account_fact(library_copy) -> None:
    _add(library_copy, GOOD_TEXT + "您欠款{total_due}元。", extra="facts: account")
    problems = [str(p) for p in lint(load_library(library_copy), guard=None, root=LIBRARY.parent)]
    assert any("outbound but marked `facts: account`" in p for p in problems)


def test_the_guard_refuses_debt_words_in_an_outbound_message(library_copy) -> None:
    _add(library_copy, GOOD_TEXT + "您的信用卡欠款已逾期，请尽快还款。")
    problems = [str(p) for p in lint(load_library(library_copy), root=LIBRARY.parent)]
    assert any("closing.outbound_test[0]" in p and "right-party" in p for p in problems)
