"""Yes/no questions that must get the truthful answer first (issue 12).

A borrower who asks "会坐牢吗" or "会不会找我家人" fears a threat the compliance rules forbid
(no-threat, no-third-party). The answer opens with the truthful "不会" and its reason, before
anything else; an affirmation or a verification request first would read as "yes".

Which fears a message holds is read with the answer-fit check's own tables
(:func:`bot.compliance.answer_fit.fear_kinds`, ``fit_cues``): one definition for what the
dialogue answers and what the check demands. Whatever the NLU made of the message (a fear
question often reads as a complaint), :func:`truth_first` puts the denial before the reply.
"""

from __future__ import annotations

from enum import Enum

from bot.compliance import fit_cues as cues
from bot.compliance.answer_fit import FEAR_ARREST, FEAR_TOLD, fear_kinds
from bot.compliance.text import normalize
from bot.dialogue.turn import Outcome, Reply


class Fear(str, Enum):
    """What a consequences question is afraid of."""

    ARREST = "arrest"
    THIRD_PARTY = "third_party"


# The script that answers each fear, in the order they are said.
ANSWERS: dict[Fear, str] = {
    Fear.ARREST: "consequences.no_jail",
    Fear.THIRD_PARTY: "consequences.no_third_party",
}

_KINDS = {FEAR_ARREST: Fear.ARREST, FEAR_TOLD: Fear.THIRD_PARTY}
_WORDS = {
    Fear.ARREST: cues.ARREST,
    Fear.THIRD_PARTY: "|".join((cues.THIRD_PARTY, cues.HOME_VISIT, cues.EXPOSURE)),
}


def fears(text: str) -> list[Fear]:
    """The fears a consequences question names, in :class:`Fear` order.

    The message is already a question about consequences (its intent says so): a word of
    arrest, or of a person or place that could be told, is enough.
    """
    plain = normalize(text).text
    asked = {_KINDS[kind] for kind in fear_kinds(text)}
    return [fear for fear in Fear if fear in asked or cues.rx(_WORDS[fear]).search(plain)]


def truth_first(text: str, outcome: Outcome) -> Outcome:
    """Put the truthful denial of each fear the message asks about before the reply.

    "你们是不是要打电话给我爸妈还有我领导？" read as a complaint still opens with "不会。我们
    不会把您的欠款情况告诉您的家人…". A reply that already answers a fear is left as it is.
    """
    said = {reply.script_id for reply in outcome.replies}
    missing = [
        ANSWERS[_KINDS[kind]] for kind in fear_kinds(text) if ANSWERS[_KINDS[kind]] not in said
    ]
    if not missing:
        return outcome
    outcome.replies[:0] = [Reply(script_id, {}) for script_id in missing]
    return outcome
