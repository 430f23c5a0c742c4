"""Issuing formal notices on the demo database: the Art. 69 fields in the PDF, the stored hash,
new versions, the rules that forbid a notice, and the guard refusing a text."""

from __future__ import annotations

import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from bot.db import channel_addresses
from bot.db.demo import DEMO_ACCOUNTS
from bot.db.models import AccountStatus, Notice
from bot.db.notices import NoticeRepository, pdf_digest
from bot.db.repositories import Repositories
from bot.db.settings import session_scope
from bot.dialogue.formatting import money
from bot.dialogue.values import channels
from bot.notices.content import NOTICE_SCRIPT, NoticeError, NoticeRefusedError
from bot.notices.issue import issue_notice, render_notice
from bot.policy import Policy, load_policy
from bot.scripts import Library, ScriptError, load_library
from bot.settings import REPO_ROOT
from tests.unit.notices.conftest import NOW, pdf_fonts, pdf_text

ZHANG_WEI = DEMO_ACCOUNTS[0]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _issue(factory: sessionmaker, policy: Policy, library: Library, account_id: int = 1) -> Notice:
    with session_scope(factory) as session:
        return issue_notice(
            session, account_id, policy=policy, library=library, now=NOW, issued_by="test"
        )


def _count(factory: sessionmaker) -> int:
    with session_scope(factory) as session:
        return session.execute(select(func.count(Notice.id))).scalar_one()


def test_zhang_weis_pdf_carries_every_field_art_69_asks_for(
    factory, policy, library, tmp_path
) -> None:
    notice = _issue(factory, policy, library)
    text = pdf_text(notice.pdf, tmp_path)
    assert policy.notices is not None
    fields = {
        "name": f"尊敬的{ZHANG_WEI.name}",
        "principal": f"本金{money(ZHANG_WEI.principal)}元",
        "interest": f"利息{money(ZHANG_WEI.interest)}元",
        "late fees": f"违约金{money(ZHANG_WEI.late_fees)}元",
        "total": f"欠款合计{money(ZHANG_WEI.total_due)}元",
        "minimum payment": f"最低还款额{money(ZHANG_WEI.minimum_payment)}元",
        "card": f"尾号{ZHANG_WEI.card_last4}的信用卡",
        "days past due": f"已逾期{ZHANG_WEI.days_past_due}天",
        "the agreement": "依据您与我行签订的《信用卡领用合约》",
        "the rule": "《商业银行信用卡业务监督管理办法》第六十九条",
        "rights and obligations": "三、您的权利和义务",
        "a right": "有权对欠款提出异议并提供相关证据",
        "an obligation": "您有义务按合约偿还欠款",
        "how to verify": "查询账户状况、还款记录和欠款明细，核实本函所列金额",
        "how to object, by when": f"请于收到本函之日起{policy.notices.objection_days}日内",
        "objections noted, checked": "在您的账户上备注，暂停对有异议部分的催收并进行核实",
        "how to repay": f"请只通过以下官方渠道还款：{channels(policy)}",
        "hotline": f"官方客服热线{policy.institution.hotline}",
        "address": "".join(policy.notices.correspondence_address.split()),
        "issuer": policy.institution.name,
        "seal": "（盖章）",
        "date": "2026年12月4日",
        "reference": "编号：N000001-01",
    }
    missing = {field: words for field, words in fields.items() if words not in text}
    assert not missing
    assert "13800001111" not in text  # the mobile number is not a field of the notice


def test_the_stored_hash_is_the_pdfs_and_names_the_template(factory, policy, library) -> None:
    issued = _issue(factory, policy, library)
    with session_scope(factory) as session:
        stored = NoticeRepository(session).get(issued.id)
        assert stored is not None
        assert stored.sha256 == pdf_digest(bytes(stored.pdf)) == issued.sha256
        assert bytes(stored.pdf).startswith(b"%PDF-")
        assert (stored.script_id, stored.script_version) == (
            NOTICE_SCRIPT,
            library.get(NOTICE_SCRIPT).version,
        )
        assert ZHANG_WEI.name in stored.html and "<script" not in stored.html


def test_the_pdf_embeds_a_cjk_font(factory, policy, library, tmp_path) -> None:
    fonts = pdf_fonts(_issue(factory, policy, library).pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded: no tofu on any machine


def test_reissuing_makes_a_new_version_and_leaves_the_first_as_it_was(
    factory, policy, library
) -> None:
    first = _issue(factory, policy, library)
    first_pdf = bytes(first.pdf)
    second = _issue(factory, policy, library)
    assert (first.version, second.version) == (1, 2)
    assert (first.reference, second.reference) == ("N000001-01", "N000001-02")
    with session_scope(factory) as session:
        again = NoticeRepository(session).get(first.id)
        assert again is not None and bytes(again.pdf) == first_pdf
        assert [n.version for n in NoticeRepository(session).for_account(1)] == [1, 2]


def test_an_issued_notice_cannot_be_changed(factory, policy, library) -> None:
    notice = _issue(factory, policy, library)
    for change in (
        update(Notice).where(Notice.id == notice.id).values(pdf=b"%PDF-forged"),
        text("UPDATE notices SET sha256 = 'forged'"),
    ):
        with pytest.raises(DBAPIError, match="issue a new version"), session_scope(factory) as s:
            s.execute(change)
    with session_scope(factory) as session:
        assert bytes(NoticeRepository(session).get(notice.id).pdf) == bytes(notice.pdf)


def test_the_figures_are_the_ledgers_of_that_account(factory, policy, library, tmp_path) -> None:
    with session_scope(factory) as session:
        repos = Repositories(session)
        customer = repos.customers.add(name="赵敏", mobile="13600004444", id_last4="4321")
        account = repos.accounts.add(
            customer_id=customer.id,
            card_last4="3005",
            principal="801.10",
            interest="12.34",
            late_fees="5.00",
            minimum_payment="81.84",
            days_past_due=7,
        )
        account_id = account.id
    text = pdf_text(_issue(factory, policy, library, account_id).pdf, tmp_path)
    for words in ("尊敬的赵敏", "本金801.10元", "欠款合计818.44元", "尾号3005", "已逾期7天"):
        assert words in text
    assert ZHANG_WEI.name not in text and money(ZHANG_WEI.total_due) not in text


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"status": AccountStatus.SETTLED}, "nothing_owed"),
        ({"status": AccountStatus.DISPUTED}, "dispute"),
        ({"status": AccountStatus.PAUSED}, "paused"),
        ({"total_due": Decimal("0.00"), "minimum_payment": Decimal("0.00")}, "nothing_owed"),
        ({"days_past_due": 0}, "not_overdue"),  # the notice would state an overdue debt
    ],
)
def test_no_notice_while_collection_is_stopped_or_nothing_is_owed(
    factory, policy, library, change, rule
) -> None:
    with session_scope(factory) as session:
        account = Repositories(session).accounts.get(1)
        for name, value in change.items():
            setattr(account, name, value)
    with pytest.raises(NoticeError, match=f"may not get a notice now: {rule}"):
        _issue(factory, policy, library)
    assert _count(factory) == 0


def test_no_notice_for_an_open_dispute_or_after_distress(factory, policy, library) -> None:
    with session_scope(factory) as session:
        Repositories(session).disputes.add(account_id=1, reason="不是我刷的")
    with pytest.raises(NoticeError, match="dispute"):
        _issue(factory, policy, library)
    with session_scope(factory) as session:
        Repositories(session).handoffs.add(
            conversation_id="c-distress", reason="distress", urgency="urgent", customer_id=2
        )
    with pytest.raises(NoticeError, match="distress"):
        _issue(factory, policy, library, account_id=2)
    assert _count(factory) == 0


def test_a_chat_unsubscribe_or_an_agent_at_the_desk_does_not_stop_a_written_notice(
    factory, policy, library
) -> None:
    with session_scope(factory) as session:
        channel_addresses.unsubscribe(session, channel="wechat", address="oDEMO1", now=NOW)
        Repositories(session).handoffs.add(
            conversation_id="wechat-oDEMO1", reason="request", customer_id=1
        )
    _issue(factory, policy, library)
    assert _count(factory) == 1


def _tampered_library(tmp_path: Path, old: str, new: str) -> Library:
    folder = tmp_path / "scripts"
    shutil.copytree(REPO_ROOT / "scripts_library", folder)
    path = folder / "notices.yml"
    original = path.read_text(encoding="utf-8")
    assert original.count(old) == 1
    path.write_text(original.replace(old, new), encoding="utf-8")
    return load_library(folder)


def test_a_tampered_template_is_refused_by_the_guard_and_nothing_is_stored(
    factory, policy, tmp_path
) -> None:
    library = _tampered_library(
        tmp_path, "请不要向任何个人账户转账", "也可以转到我个人卡或加我私人微信。不还就让你坐牢"
    )
    assert library.get(NOTICE_SCRIPT).status == "approved"  # tampered, still marked approved
    with pytest.raises(NoticeRefusedError) as refused:
        _issue(factory, policy, library)
    assert {"official-channels", "no-threat"} <= set(refused.value.rules)
    assert _count(factory) == 0


def test_a_rendered_text_the_guard_refuses_is_not_stored(factory, policy, library) -> None:
    assert policy.notices is not None
    bad = replace(policy.notices, correspondence_address="或者直接转账到客服人员的个人微信")
    tampered = replace(policy, notices=bad)
    with pytest.raises(NoticeRefusedError, match="official-channels"):
        _issue(factory, tampered, library)
    assert _count(factory) == 0


def test_a_draft_template_is_not_used(factory, policy, tmp_path) -> None:
    library = _tampered_library(
        tmp_path, "status: approved\n    form: document", "status: draft\n    form: document"
    )
    with pytest.raises(ScriptError, match="draft"):
        _issue(factory, policy, library)


def test_without_the_policys_notices_section_nothing_is_issued(factory, policy, library) -> None:
    without = replace(policy, notices=None)
    with pytest.raises(NoticeError, match="no `notices` section"):
        _issue(factory, without, library)


def test_render_stores_nothing(factory, policy, library) -> None:
    with session_scope(factory) as session:
        rendered = render_notice(session, 1, policy=policy, library=library, now=NOW)
    assert rendered.reference == "N000001-01" and rendered.sha256 == pdf_digest(rendered.pdf)
    assert _count(factory) == 0
