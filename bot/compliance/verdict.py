"""The guard's result types: one violation per offending span, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Where a violation came from: a precise pattern, the classifier, or a context rule.
SOURCE_PATTERN = "pattern"
SOURCE_CLASSIFIER = "classifier"
SOURCE_CONTEXT = "context"


@dataclass(frozen=True)
class Violation:
    """One rule broken by one span of the checked text.

    Attributes:
        rule: Rule id from compliance.md (``no-threat``, ``right-party`` ...).
        message: Human explanation in Chinese.
        start: Offset of the first character of the offending span in the checked text.
        end: Offset one past the last character of the span (``text[start:end]``).
        category: Finer category (equals ``rule`` except ``criminal-accusation``).
        source: ``pattern``, ``classifier`` or ``context``.
    """

    rule: str
    message: str
    start: int
    end: int
    category: str = ""
    source: str = SOURCE_PATTERN


@dataclass(frozen=True)
class Verdict:
    """The guard's answer for one message.

    Attributes:
        text: The text that was checked.
        violations: Every violation found, ordered by position; empty when compliant.
    """

    text: str
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the message may be sent (no violation)."""
        return not self.violations

    @property
    def rules(self) -> set[str]:
        """The distinct rule ids broken."""
        return {violation.rule for violation in self.violations}
