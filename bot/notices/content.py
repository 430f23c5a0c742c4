"""What a notice says: the approved template filled from the ledger and the policy, then guarded.

Pure apart from the guard's model: :func:`notice_values` gathers every placeholder value (the
ledger's figures through :func:`bot.dialogue.values.ledger_values`, the policy's through
:func:`bot.dialogue.values.policy_values` and the ``notices`` section), :func:`compose` renders
the approved document script and passes the text a reader reads through the compliance guard.
A text the guard refuses raises :class:`NoticeRefusedError` and is never rendered or stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.compliance import GuardContext, check
from bot.dialogue.formatting import chinese_date
from bot.dialogue.store import AccountView
from bot.dialogue.values import ledger_values, policy_values
from bot.policy import Policy
from bot.scripts import Library
from bot.scripts.document import TITLE, Block, parse_document, plain_text

logger = logging.getLogger(__name__)

NOTICE_SCRIPT = "notices.formal_notice"
"""The approved document every notice is made from (``scripts_library/notices.yml``)."""


class NoticeError(Exception):
    """A notice cannot be issued; the message says why (no personal data in it)."""


class NoticeRefusedError(NoticeError):
    """The compliance guard refused the notice's text: nothing is rendered or stored.

    Attributes:
        rules: The rule ids the guard found violated.
    """

    def __init__(self, script_id: str, version: int, rules: list[str]) -> None:
        super().__init__(
            f"the compliance guard refused {script_id} v{version}: {', '.join(rules)}; "
            "nothing was stored"
        )
        self.rules = rules


@dataclass(frozen=True)
class Addressee:
    """The cardholder a notice is for, and the account it is about."""

    name: str
    account: AccountView


@dataclass(frozen=True)
class NoticeContent:
    """A notice's text as issued, with the template that made it.

    Attributes:
        script_id: The document script.
        script_version: Its version.
        title: The document's title (its first ``#`` line).
        blocks: The laid-out lines (:mod:`bot.scripts.document`).
        text: What a reader reads (what the guard passed).
    """

    script_id: str
    script_version: int
    title: str
    blocks: tuple[Block, ...]
    text: str


def notice_values(
    policy: Policy, addressee: Addressee, *, reference: str, issued_on: dt.date
) -> dict[str, str]:
    """Every placeholder value of a notice.

    Raises:
        NoticeError: The policy file has no ``notices`` section.
    """
    if policy.notices is None:
        raise NoticeError(
            "the policy file has no `notices` section (objection_days, correspondence_address)"
        )
    day = chinese_date(issued_on)
    return {
        **policy_values(policy, issued_on),
        **ledger_values(addressee.account),
        "borrower_name": addressee.name,
        "objection_days": str(policy.notices.objection_days),
        "correspondence_address": policy.notices.correspondence_address,
        "notice_reference": reference,
        "as_of": day,
        "issued_on": day,
    }


def compose(
    library: Library,
    values: dict[str, str],
    *,
    borrower_name: str,
    script_id: str = NOTICE_SCRIPT,
) -> NoticeContent:
    """Render the approved document script and check its text with the guard.

    Args:
        library: The scripts library.
        values: Every placeholder value (:func:`notice_values`).
        borrower_name: The addressee (the guard's context: a verified cardholder by name).
        script_id: The document script.

    Raises:
        bot.scripts.ScriptError: No such approved document script, or a placeholder lacks a value.
        NoticeRefusedError: The guard found a violation.
    """
    script = library.document(script_id)
    rendered = library.render(script_id, values)
    blocks = tuple(parse_document(rendered.text))
    text = plain_text(list(blocks))
    verdict = check(text, GuardContext(verified=True, borrower_name=borrower_name))
    if not verdict.ok:
        rules = sorted({violation.rule for violation in verdict.violations})
        logger.warning(
            "notice from %s v%s refused by the guard: %s", script_id, script.version, rules
        )
        raise NoticeRefusedError(script_id, script.version, rules)
    title = next((block.text for block in blocks if block.kind == TITLE), script_id)
    return NoticeContent(script.id, script.version, title, blocks, text)
