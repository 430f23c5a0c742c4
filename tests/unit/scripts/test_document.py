"""Document scripts (``form: document``): the line markup, and the lint of the Art. 69 elements."""

import shutil
from pathlib import Path

import pytest

from bot.scripts import ScriptError, load_library
from bot.scripts.document import parse_document, plain_text
from bot.scripts.lint import check_guard, default_guard, lint

LIBRARY = Path(__file__).resolve().parents[3] / "scripts_library"
NOTICE = "notices.formal_notice"


@pytest.fixture
def library_copy(tmp_path) -> Path:
    target = tmp_path / "scripts_library"
    shutil.copytree(LIBRARY, target)
    return target


def _edit(library: Path, old: str, new: str) -> None:
    """Replace every ``old`` of the notice template (at least one)."""
    path = library / "notices.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(library: Path) -> list[str]:
    return [str(p) for p in lint(load_library(library), guard=None, root=LIBRARY.parent)]


def test_each_line_is_one_block_and_the_plain_text_drops_the_markup() -> None:
    blocks = parse_document("# 标题\n\n## 一、欠款\n| 本金 | 100.00元 |\n正文。\n> 示例银行\n")
    assert [(b.kind, b.text, b.value) for b in blocks] == [
        ("title", "标题", ""),
        ("heading", "一、欠款", ""),
        ("row", "本金", "100.00元"),
        ("paragraph", "正文。", ""),
        ("closing", "示例银行", ""),
    ]
    assert plain_text(blocks) == "标题\n一、欠款\n本金：100.00元\n正文。\n示例银行"
    assert parse_document("| 不是 | 一行 | 表格 |")[0].kind == "paragraph"


def test_the_notice_template_is_an_approved_document_that_passes_the_lint() -> None:
    library = load_library(LIBRARY)
    script = library.document(NOTICE)
    assert script.document and script.facts == "account" and len(script.variants) == 1
    assert not library.get("opening.disclosure").document
    with pytest.raises(ScriptError, match="not a document"):
        library.document("opening.disclosure")
    assert not [p for p in _problems(LIBRARY) if p.startswith("notices.")]


@pytest.mark.parametrize(
    ("old", "new", "element"),
    [
        ("尊敬的{borrower_name}：", "尊敬的持卡人：", "the cardholder's name"),
        ("| 利息 | {interest}元 |\n", "", "the amount owed and its parts"),
        ("第六十九条", "有关规定", "the reason and basis of the debt"),
        ("三、您的权利和义务", "三、须知", "the cardholder's rights and obligations"),
        ("请于收到本函之日起{objection_days}日内，", "", "how to object and give evidence"),
        ("请只通过以下官方渠道还款：{channels}。", "", "how to repay"),
        ("{correspondence_address}", "我行", "the issuer's contact details"),
        ("> （盖章）\n", "", "the issuer's seal"),
    ],
)
def test_the_lint_names_a_missing_art_69_element(library_copy, old, new, element) -> None:
    _edit(library_copy, old, new)
    problems = [p for p in _problems(library_copy) if p.startswith(NOTICE)]
    assert any(f"lacks Art. 69 element: {element}" in p for p in problems), problems


def test_a_document_must_be_for_the_cardholder_alone_in_one_wording(library_copy) -> None:
    _edit(library_copy, "    facts: account\n", "    facts: general\n")
    _edit(library_copy, "    answers: []", "    answers: [ask_balance]")
    problems = _problems(library_copy)
    assert f"{NOTICE}: a document states account facts: `facts: account`" in problems
    assert f"{NOTICE}: a document answers no message and is not outbound" in problems


def test_an_unknown_form_is_refused(library_copy) -> None:
    _edit(library_copy, "    form: document\n", "    form: leaflet\n")
    with pytest.raises(ScriptError, match="form must be one of"):
        load_library(library_copy)


def test_the_guard_lint_checks_what_a_reader_reads(library_copy) -> None:
    _edit(library_copy, "以上金额以我行账务记录为准。", "> 不还就让你坐牢。")
    problems = [str(p) for p in check_guard(load_library(library_copy).get(NOTICE), default_guard)]
    assert any("violates no-threat" in p for p in problems), problems
    assert all("> " not in p for p in problems)  # checked without the markup
