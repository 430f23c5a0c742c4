"""The answer-fit check (issue 12): does a reply fit the borrower's message?

The sentence guard (``guard.check``) judges each outgoing sentence alone, so it cannot see
that "可以的。需要先核实您的身份。" answers "不还钱会坐牢吗" with a "yes".
``check_reply(user_text, reply_text)`` looks at the pair and reports each misfit label of
``rules.FIT_LABELS``:

* ``affirm_then_refuse``: the reply opens with an affirmation ("好的", "可以的", "OK") and
  a later clause refuses, defers, corrects, or asks for verification. A verification request
  after "好的" fits when the borrower is giving identity data ("我手机号…") or just said
  yes; a refusal fits when the borrower declined ("先不办了" -> "好的，暂不办理"); a soft
  caveat ("需人工审核", "不保证") fits when the reply also did something ("已为您提交").
  Clauses that state a condition ("如果暂时无法还款…") or restate the borrower's situation
  ("理解您暂时无法一次还清") are not refusals.
* ``fear_not_denied``: a sentence of the message is a yes/no question (or a stated fear)
  about arrest, jail, police or crime, or about family, employer, contacts or neighbours
  being told, called or visited, or about public exposure (a contact verb after "会", "要",
  "别", "will": "我儿子说…" is no fear; "我要不要告诉家里人" asks about the borrower's own
  act), and the reply's first clause, after a reassurance such as "您放心", is not a plain
  denial ("不会", "我们只联系您本人", "No"). A hedged or conditional denial ("一般不会",
  "按时还款就不会") is not one. To "能不能别告诉我家人" or "我不会坐牢吧", an affirmation
  followed by the denial ("可以的，我们不会…") is the truthful answer.
* ``distress_ignored``: ``bot.nlu.safety.find_distress`` finds despair or self-harm in the
  message, and the reply either has a clause that goes on collecting (amounts, plans,
  dates, verification, pressure to pay) and does not set collection aside ("现在先不谈
  还款"), or shows no care at all (no concern, no safety, no hotline).
* ``facts_after_dispute``: the message disputes the debt (not mine, wrong amount, double
  charge, fraud or identity misuse, settled by agreement or a court, paid already), and a
  clause of the reply presses to pay, quotes a plan, asserts the debt ("确实是您本人消费",
  "仍欠"), or, unless the reply records the dispute or pauses collection, states a debt
  fact (``facts.find``: amounts, card digits, the words of debt). A promise ("明天就还了")
  is no claim; a reported partial payment ("刚还了五百") is no dispute unless the borrower
  says it is not showing ("还了2000怎么还显示欠款"); "为什么多了380" asks about fees.

The words behind each decision are in ``fit_cues``. Next to them, with ``learned=True``,
``fit_model`` (one linear classifier per label over the character n-grams of the message and the
reply's opening, trained on ``data/answer_fit/``) flags a label it is ``fit_model.THRESHOLD``
sure of: the phrase lists hold what earlier writers said, the model generalises to new ones.
The agent desk checks agents' messages so; the bot's approved replies are checked on the
phrase lists (see ``check_reply``). The check is deterministic
and cheap (regular expressions and a few dot products; well under a millisecond per pair, see
``python -m bot.compliance.answer_fit_bench``); its precision and recall are measured by
``python -m bot.compliance.answer_fit_eval`` on labelled pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

from bot.compliance import facts, fit_model, rules
from bot.compliance import fit_cues as cues
from bot.compliance.context import GuardContext
from bot.compliance.fit_cues import rx
from bot.compliance.text import normalize
from bot.intent_names import DISPUTE_DEBT, EXPRESS_DISTRESS, WRONG_PERSON
from bot.nlu.safety import find_distress

Span = tuple[int, int]


class MisfitDict(TypedDict):
    """A misfit as JSON."""

    label: str
    message: str
    start: int
    end: int


class FitVerdictDict(TypedDict):
    """A verdict as JSON."""

    ok: bool
    labels: list[str]
    misfits: list[MisfitDict]


@dataclass(frozen=True)
class Misfit:
    """One way the reply does not fit the message.

    Attributes:
        label: One of ``rules.FIT_LABELS``.
        message: Explanation for agents (Chinese), from ``rules.FIT_MESSAGE``.
        start: Offset in the reply of the first character of the evidence.
        end: Offset one past its last character (``reply_text[start:end]``).
    """

    label: str
    message: str
    start: int
    end: int

    def to_dict(self) -> MisfitDict:
        """The misfit as a JSON-ready dict."""
        return {"label": self.label, "message": self.message, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class FitVerdict:
    """The answer-fit check's answer for one (message, reply) pair.

    Attributes:
        user_text: The borrower's message.
        reply_text: The reply that was checked.
        misfits: Each label found, in ``rules.FIT_LABELS`` order; empty when the reply fits.
    """

    user_text: str
    reply_text: str
    misfits: list[Misfit] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the reply fits the message."""
        return not self.misfits

    @property
    def labels(self) -> list[str]:
        """The misfit labels found, in ``rules.FIT_LABELS`` order."""
        return [misfit.label for misfit in self.misfits]

    def to_dict(self) -> FitVerdictDict:
        """The verdict as a JSON-ready dict (``json.dumps(verdict.to_dict())``)."""
        return {
            "ok": self.ok,
            "labels": self.labels,
            "misfits": [misfit.to_dict() for misfit in self.misfits],
        }


def check_reply(
    user_text: str,
    reply_text: str,
    context: GuardContext | None = None,
    *,
    learned: bool = False,
) -> FitVerdict:
    """Check that a reply fits the borrower's message.

    Args:
        user_text: The borrower's message. Non-text input is read as its ``str()``
            (``None`` as empty), like ``check()``.
        reply_text: The reply as it would be sent (all its messages, joined).
        context: The guard's context (the same one ``check()`` gets). Only its
            ``borrower_intent`` (with its confidence) is read: the NLU's ``express_distress``
            counts as distress, ``dispute_debt`` and ``wrong_person`` as a dispute, in whatever
            words, when the NLU is at least ``MIN_INTENT_CONFIDENCE`` sure.
        learned: Also flag what the learned model (``fit_model``) is sure of. For text a
            person wrote (the agent desk): it catches new wordings the phrase lists lack, at
            the cost of some false alarms. The bot's own replies are approved scripts chosen
            for the situation; the phrase lists and the library's own test cover them, and a
            false alarm there would block a correct answer, so the runtime leaves it off.

    Returns:
        The verdict; ``verdict.ok`` is True when nothing was found. An empty reply fits, and
        so does any reply to an empty message unless the context names the borrower's intent
        (the desk passes distress said earlier in the conversation).
    """
    user_text = _as_text(user_text)
    reply_text = _as_text(reply_text)
    intent = None
    if context is not None and context.borrower_intent_confidence >= MIN_INTENT_CONFIDENCE:
        intent = context.borrower_intent
    if not reply_text.strip() or not (user_text.strip() or intent):
        return FitVerdict(user_text, reply_text, [])
    user = normalize(user_text).text.strip()
    reply = normalize(reply_text)
    said = _Said(user_text, user, intent)
    found: dict[str, Span] = {}
    for label, decide in _DECIDERS:
        span = decide(said, reply.text)
        if span is not None:
            found[label] = span
    model = fit_model.model() if learned else None
    if model is not None:
        for label in model.labels(user_text, reply_text):
            found.setdefault(label, (0, len(reply.text)))
    misfits = []
    for label in rules.FIT_LABELS:
        if label in found:
            start, end = reply.span(*found[label])
            misfits.append(Misfit(label, rules.FIT_MESSAGE[label], start, end))
    return FitVerdict(user_text, reply_text, misfits)


@dataclass(frozen=True)
class _Said:
    """The borrower's message as typed, normalised, and as the NLU read it."""

    raw: str
    text: str
    intent: str | None = None

    @property
    def distressed(self) -> bool:
        if self.intent == EXPRESS_DISTRESS:
            return True
        return find_distress(self.raw) is not None or find_distress(self.text) is not None

    @property
    def disputes(self) -> bool:
        return self.intent in _DISPUTE_INTENTS or _disputes(self.text)


_DISPUTE_INTENTS = frozenset({DISPUTE_DEBT, WRONG_PERSON})
#: Below this the NLU's intent is not used ("忙死了 下午再说" reads as distress at 0.45).
MIN_INTENT_CONFIDENCE = 0.6


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def _pieces(text: str, breaks: str, start: int = 0) -> list[Span]:
    """Spans of ``text[start:]`` cut after each break, blank pieces dropped, ends trimmed."""
    spans = []
    begin = start
    for match in rx(breaks).finditer(text, start):
        spans.append((begin, match.end()))
        begin = match.end()
    spans.append((begin, len(text)))
    trimmed = []
    for first, last in spans:
        while first < last and text[first].isspace():
            first += 1
        while last > first and text[last - 1].isspace():
            last -= 1
        if last > first:
            trimmed.append((first, last))
    return trimmed


def _clauses(text: str, start: int = 0) -> list[Span]:
    return _pieces(text, cues.CLAUSE_BREAK, start)


def _sentences(text: str) -> list[Span]:
    return _pieces(text, cues.SENTENCE_BREAK)


# --- affirm_then_refuse ---------------------------------------------------------------


def _affirm_then_refuse(said: _Said, reply: str) -> Span | None:
    user = said.text
    opener = rx(cues.AFFIRM_OPENER).match(reply)
    if opener is None or opener.end() == 0 or opener.end() >= len(reply):
        return None
    clauses = _clauses(reply, opener.end())
    granted = _granted(reply, clauses) or (
        rx(cues.USER_CONDITION).search(user) is not None
        and rx(cues.GRANT).search(reply) is not None
    )
    done = rx(cues.DONE).search(reply, opener.end()) is not None
    declined = rx(cues.USER_DECLINE).search(user) is not None
    identity = rx(cues.USER_IDENTITY).search(user) is not None
    waiting = rx(cues.USER_WAIT).search(user) is not None
    asks_far = rx(cues.USER_ASKS).search(user) and rx(cues.USER_FAR).search(user)
    disputed = said.disputes
    for index, (start, end) in enumerate(clauses):
        clause = reply[start:end]
        if asks_far and rx(cues.LIMIT).search(clause):
            return 0, end  # "明年再还可以吗" -> "好的，日期需要在12月22日之前"
        if disputed and (
            rx(cues.PRESS).search(clause) or rx(cues.ASSERTED).search(clause) or facts.find(clause)
        ):
            return 0, end  # "不是我的" -> "好的，请尽快还款"
        if rx(cues.VERIFY_REQUEST).search(clause) and not rx(cues.VERIFY_DONE).search(clause):
            if identity:
                continue
            return 0, end
        if rx(cues.DEFERRAL).search(clause) or (not waiting and rx(cues.WAIT).search(clause)):
            return 0, end
        if index == 0 and rx(cues.DONE).match(clause):
            return None  # "好的，已为您登记…": done; what follows are its terms
        if rx(cues.CONDITIONAL).search(clause) or rx(cues.ECHO).search(clause):
            continue
        if (
            _refusal(clause, declined)
            or rx(cues.CORRECTION).search(clause)
            or (not granted and rx(cues.SOFT_DEFERRAL).search(clause))
            or (not done and rx(cues.DOUBT).search(clause))
        ):
            return 0, end
    return None


def _granted(reply: str, clauses: list[Span]) -> bool:
    """Whether the reply does or offers what was asked, other than under a condition.

    "如果您在…还清，可以申请减免" offers nothing now: the clause after a condition is its
    consequence; "需要为您转接人工吗?" only asks.
    """
    after_condition = False
    for start, end in clauses:
        clause = reply[start:end]
        conditional = rx(cues.CONDITIONAL).search(clause) is not None
        offer = clause.endswith(("?", "吗")) or clause.endswith("吗?")
        if not (conditional or after_condition or offer) and rx(cues.GRANT).search(clause):
            return True
        after_condition = conditional
    return False


def _refusal(clause: str, declined: bool) -> bool:
    for match in rx(cues.REFUSAL).finditer(clause):
        if declined and rx(cues.MIRRORED_REFUSAL).match(clause, match.start()):
            continue
        if rx(cues.USER_SUBJECT).search(clause[max(0, match.start() - 6) : match.start()]):
            continue
        if rx(cues.WARNING_OBJECT).match(clause, match.end()):
            continue
        return True
    return False


# --- fear_not_denied ------------------------------------------------------------------


def _fear_not_denied(said: _Said, reply: str) -> Span | None:
    fear = _fear_question(said.text)
    if fear is None:
        return None
    softener = rx(cues.SOFTENER).match(reply)
    body = softener.end() if softener else 0
    if fear.negative:
        opener = rx(cues.AFFIRM_OPENER).match(reply, body)
        if opener is not None and opener.end() > body:
            body = opener.end()
    clauses = _clauses(reply, body)
    if not clauses:
        return 0, len(reply)
    start, end = clauses[0]
    clause = reply[start:end]
    denial = rx(cues.DENIAL).search(clause)
    if denial is not None and not rx(cues.HEDGE).search(clause[: denial.end()]):
        then = reply[clauses[1][0] : clauses[1][1]] if len(clauses) > 1 else ""
        if not rx(cues.CONDITION_AFTER).match(then):
            return None  # "不会的，只要您尽快还款就不会坐牢" makes the denial conditional
    return 0, end


@dataclass(frozen=True)
class _Fear:
    negative: bool  # the question expects "no" or asks not to be told
    kinds: tuple[str, ...]  # of FEAR_KINDS, in that order


#: What a fear question is afraid of: arrest (jail, police, crime), or others being told.
FEAR_ARREST = "arrest"
FEAR_TOLD = "told"
FEAR_KINDS = (FEAR_ARREST, FEAR_TOLD)


def fear_kinds(user_text: str) -> tuple[str, ...]:
    """What a yes/no question (or stated fear) in the message is afraid of, or ``()``.

    The same reading as ``fear_not_denied`` ("会坐牢吗" -> arrest; "你们是不是要打电话给我爸妈"
    -> told); the dialogue answers each kind with its truthful denial first.
    """
    fear = _fear_question(normalize(_as_text(user_text)).text.strip())
    return fear.kinds if fear else ()


def _fear_question(user: str) -> _Fear | None:
    kinds: set[str] = set()
    negative = False
    for start, end in _sentences(user):
        sentence = user[start:end]
        if not rx(cues.YES_NO).search(sentence) or rx(cues.NOT_YES_NO).search(sentence):
            continue
        if rx(cues.ARREST).search(sentence) and not rx(cues.ARREST_NOT_FEAR).search(sentence):
            kinds.add(FEAR_ARREST)
        if _told(sentence) and not rx(cues.USER_TELLS).search(sentence):
            kinds.add(FEAR_TOLD)
        if kinds and not negative:
            negative = rx(cues.NEGATIVE_QUESTION).search(sentence) is not None
    if not kinds:
        return None
    return _Fear(negative, tuple(kind for kind in FEAR_KINDS if kind in kinds))


def _told(sentence: str) -> bool:
    """Whether the sentence asks if others will be told, called or visited, or exposed.

    A contact verb must follow a modal ("会告诉", "别告诉", "will you tell") or a fear word
    ("我怕你们找我老婆"), with the person after it ("会不会打给我爸"), before it ("我爸妈会
    知道"), or named earlier and referred to by a pronoun ("我老公…别让他知道").
    """
    named = rx(cues.THIRD_PARTY).search(sentence) is not None
    for modal in rx(cues.FEAR_MODAL + "|" + cues.FEAR_WORD).finditer(sentence):
        after = sentence[modal.end() : modal.end() + 40]
        feared = rx(cues.FEAR_WORD).fullmatch(modal.group()) is not None
        if (
            not feared
            and sentence[max(0, modal.start() - 1) : modal.start()] in ("我", "俺")
            and not after.startswith("被")
        ):
            continue  # the borrower acts ("我要去我老家"), nobody is told
        before = sentence[max(0, modal.start() - 20) : modal.start()]
        if rx(cues.HOME_VISIT).search(after) or rx(cues.EXPOSURE).search(after):
            return True
        if rx(cues.CONTACT).search(after) and (
            rx(cues.THIRD_PARTY).search(after)
            or rx(cues.THIRD_PARTY).search(before)
            or (named and rx(cues.PRONOUN).search(after))
        ):
            return True
    return False


# --- distress_ignored -----------------------------------------------------------------


def _distress_ignored(said: _Said, reply: str) -> Span | None:
    if not said.distressed:
        return None
    collecting = _collecting_clause(reply)
    if collecting is not None:
        return collecting
    if rx(cues.CARE).search(reply) is None:
        return 0, len(reply)
    return None


def _collecting_clause(reply: str) -> Span | None:
    """The first clause that goes on collecting and does not set collection aside."""
    for start, end in _clauses(reply):
        clause = reply[start:end]
        if rx(cues.SET_ASIDE).search(clause) or rx(cues.CONDITIONAL).search(clause):
            continue
        if rx(cues.DENIAL).search(clause) and rx(cues.ARREST).search(clause):
            continue  # "您不会因为欠款坐牢": the fear answered, not collection
        if rx(cues.COLLECTION).search(clause) or facts.find(clause, words=False):
            return start, end
    return None


def collects(reply_text: str) -> bool:
    """Whether a reply goes on with collection (amounts, plans, dates, verification, pressure).

    The reading ``distress_ignored`` applies to a reply to a borrower in distress; the
    dialogue uses it for every reply later in a conversation where distress was said.
    """
    return _collecting_clause(normalize(_as_text(reply_text)).text) is not None


# --- facts_after_dispute --------------------------------------------------------------


def _facts_after_dispute(said: _Said, reply: str) -> Span | None:
    if not said.disputes:
        return None
    recorded = rx(cues.RECORD).search(reply) is not None
    for start, end in _clauses(reply):
        clause = reply[start:end]
        if rx(cues.NOT_ASSERTED).search(clause):
            continue
        if (
            rx(cues.PRESS).search(clause)
            or rx(cues.PLAN_QUOTE).search(clause)
            or rx(cues.ASSERTED).search(clause)
        ):
            return start, end
        if not recorded and facts.find(clause):
            return start, end
    return None


def _disputes(user: str) -> bool:
    if rx(cues.SELF_CORRECTION).search(user):
        return False  # "搞错了 不是15号 是20号还" corrects a promise
    if rx(cues.DISPUTE).search(user):
        return True
    if rx(cues.OVERCHARGE).search(user) and not rx(cues.WHY).search(user):
        return True
    if rx(cues.FUTURE).search(user):
        return False
    contested = rx(cues.CONTESTED).search(user) is not None
    if contested and rx(cues.PAYMENT_DONE).search(user):
        return True
    return bool(rx(cues.PAID).search(user)) and not rx(cues.PARTIAL).search(user)


_DECIDERS: tuple[tuple[str, Callable[[_Said, str], Span | None]], ...] = (
    (rules.FIT_AFFIRM_THEN_REFUSE, _affirm_then_refuse),
    (rules.FIT_FEAR_NOT_DENIED, _fear_not_denied),
    (rules.FIT_DISTRESS_IGNORED, _distress_ignored),
    (rules.FIT_FACTS_AFTER_DISPUTE, _facts_after_dispute),
)

__all__ = [
    "FEAR_ARREST",
    "FEAR_KINDS",
    "FEAR_TOLD",
    "FitVerdict",
    "FitVerdictDict",
    "Misfit",
    "MisfitDict",
    "check_reply",
    "collects",
    "fear_kinds",
]
