"""Deterministic compliance guard for every outgoing message (see shared/compliance.md).

Usage::

    from bot.compliance import GuardContext, check, check_reply

    verdict = check("请通过官方App还款。", GuardContext(verified=True))
    if not verdict.ok:
        for violation in verdict.violations:
            print(violation.rule, violation.message, violation.start, violation.end)

    fit = check_reply("不还钱会坐牢吗", "不会。还不上信用卡欠款属于民事纠纷……")
    if not fit.ok:
        print(fit.labels, fit.to_dict())  # affirm_then_refuse, fear_not_denied ...
"""

from bot.compliance.answer_fit import FitVerdict, Misfit, check_reply
from bot.compliance.context import GuardContext
from bot.compliance.guard import check
from bot.compliance.model import GuardModelError
from bot.compliance.verdict import Verdict, Violation

__all__ = [
    "FitVerdict",
    "GuardContext",
    "GuardModelError",
    "Misfit",
    "Verdict",
    "Violation",
    "check",
    "check_reply",
]
