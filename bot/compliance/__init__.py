"""Deterministic compliance guard for every outgoing message (see shared/compliance.md).

Usage::

    from bot.compliance import GuardContext, check

    verdict = check("请通过官方App还款。", GuardContext(verified=True))
    if not verdict.ok:
        for violation in verdict.violations:
            print(violation.rule, violation.message, violation.start, violation.end)
"""

from bot.compliance.context import GuardContext
from bot.compliance.guard import check
from bot.compliance.model import GuardModelError
from bot.compliance.verdict import Verdict, Violation

__all__ = ["GuardContext", "GuardModelError", "Verdict", "Violation", "check"]
