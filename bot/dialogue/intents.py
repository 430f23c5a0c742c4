"""The intent registry: one row per borrower intent, and everything derived from it.

Each row names the intent (as in ``domain.yml`` and ``data/nlu``), the handler that answers it,
the Rasa action that runs the handler, the label agents see in agent assist, and whether its
answer states general facts or facts of the borrower's own account. Whether an intent needs
verification is not written here: it is the handler's ``@requires_verification`` decorator.

Derived from the table: :data:`HANDLERS` and :func:`respond` (the dialogue),
:data:`ACTION_HANDLERS` (``actions/actions.py``), :data:`INTENT_LABELS` (agent assist),
:data:`DEBT_INTENTS` (the right-party rule in ``data/rules/verification.yml``) and
:data:`TRAINED_INTENTS` (the training data). ``tests/unit/dialogue/test_intent_registry.py``
holds ``domain.yml``, ``data/rules``, ``data/nlu`` and ``docs/intents.md`` against it;
``docs/adding-an-intent.md`` is the checklist for a new intent.

This module imports :mod:`bot.dialogue.handlers`; the handlers reach the registry only inside
functions (``respond``, ``after_verification``), so there is no import cycle.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum

from bot import intent_names as names
from bot.compliance.answer_fit import collects
from bot.dialogue import handlers as h
from bot.dialogue import messages
from bot.dialogue.handlers import Handler
from bot.dialogue.questions import ANSWERS as FEAR_ANSWERS
from bot.dialogue.questions import truth_first
from bot.dialogue.third_party import asks_for_someone_else
from bot.dialogue.turn import IN_DISTRESS, REQUEST_ENTITY, Outcome, Reply, Turn

AFTER_DISTRESS_SCRIPT = "safety.collection_paused"
HOLDER_ONLY_SCRIPT = "verification.holder_only"
FEAR_ANSWER_SCRIPTS = frozenset(FEAR_ANSWERS.values())


class Facts(str, Enum):
    """What an intent's answer is about."""

    GENERAL = "general"
    """The institution, the policy or the conversation: the same for every borrower."""
    ACCOUNT = "account"
    """The borrower's own account (ledger figures, plans, records): only after verification."""


@dataclass(frozen=True)
class Intent:
    """One borrower intent.

    Attributes:
        name: The intent name in ``domain.yml`` and the training data.
        handler: The handler that answers it.
        action: The Rasa action that runs the handler (``data/rules`` calls it); None for an
            intent answered by :data:`RESPOND_ACTION`, which needs no action and no rule of
            its own (a turn no rule covers reaches ``RESPOND_ACTION`` through RulePolicy's
            core fallback, ``config.yml``).
        label: What agent assist shows the agent.
        facts: Whether the answer states general or account-specific facts.
        general_script: For an account intent, the approved script with its general answer
            (how fees, plans or waivers work), given in full before verification.
        trained: False for ``nlu_fallback``, which Rasa's FallbackClassifier produces and no
            message is labelled with.
    """

    name: str
    handler: Handler
    action: str | None
    label: str
    facts: Facts = Facts.GENERAL
    trained: bool = True
    general_script: str | None = None

    @property
    def requires_verification(self) -> bool:
        """Whether the handler runs only for a verified borrower (``@requires_verification``)."""
        return bool(getattr(self.handler, "requires_verification", False))


G, A = Facts.GENERAL, Facts.ACCOUNT

# The order is domain.yml's.
INTENTS: tuple[Intent, ...] = (
    Intent(names.GREET, h.greet, "action_greet", "打招呼"),
    Intent("goodbye", h.goodbye, "action_goodbye", "结束对话"),
    Intent(names.AFFIRM, h.affirm, "action_confirm", "同意"),
    Intent("deny", h.deny, "action_decline", "拒绝"),
    Intent("ask_bot_identity", h.ask_bot_identity, "action_bot_identity", "询问对方身份"),
    Intent(names.PROVIDE_IDENTITY, h.provide_identity, "action_provide_identity", "提供身份信息"),
    Intent("ask_balance", h.ask_balance, "action_tell_balance", "询问欠款", A),
    Intent(
        "ask_fees",
        h.ask_fees,
        "action_explain_fees",
        "询问费用构成",
        A,
        general_script="fees.general",
    ),
    Intent("ask_consequences", h.ask_consequences, "action_explain_consequences", "询问逾期后果"),
    Intent("ask_payment_methods", h.ask_payment_methods, "action_payment_methods", "询问还款方式"),
    Intent(
        "request_installment",
        h.request_installment,
        "action_offer_installment",
        "申请分期",
        A,
        general_script="plans.general",
    ),
    Intent("offer_amount", h.offer_amount, "action_assess_offer", "说明每月可还金额", A),
    Intent("promise_to_pay", h.promise_to_pay, "action_record_promise", "承诺还款", A),
    Intent("claim_paid", h.claim_paid, "action_record_paid_claim", "声称已还款", A),
    Intent(
        names.FINANCIAL_HARDSHIP, h.financial_hardship, "action_handle_hardship", "表示经济困难", A
    ),
    Intent(
        "request_fee_waiver",
        h.request_fee_waiver,
        "action_handle_fee_waiver",
        "申请减免费用",
        A,
        general_script="waiver.general",
    ),
    Intent("dispute_debt", h.dispute_debt, "action_record_dispute", "对欠款有异议", A),
    Intent("wrong_person", h.wrong_person, "action_handle_wrong_person", "非本人"),
    Intent("stop_contact", h.stop_contact, "action_record_stop_contact", "要求停止联系"),
    Intent("request_human", h.request_human, "action_handoff_to_human", "要求转人工"),
    Intent("complain", h.complain, "action_handle_complaint", "投诉"),
    Intent(names.EXPRESS_DISTRESS, h.express_distress, "action_handle_distress", "表达心理危机"),
    Intent(names.OUT_OF_SCOPE, h.fallback, "action_fallback", "与催收无关"),
    Intent(names.NLU_FALLBACK, h.fallback, "action_fallback", "未能理解", trained=False),
)

# Answers a turn by its intent through the registry: RulePolicy's core fallback action
# (config.yml), so an intent without its own action and rule is still answered by its handler,
# and an unknown or misunderstood one by the fallback handler.
RESPOND_ACTION = "action_respond"

# Actions of the verification flow, not of one intent (data/rules/verification.yml).
FLOW_ACTIONS: dict[str, Handler] = {
    "action_remember_request": h.verify_first,
    "action_after_verification": h.after_verification,
    "action_refuse_locked": h.refuse_locked,
}

# The borrower gives identity: the handler needs verification only to say "already verified";
# it is not a debt question to remember and answer after verification.
IDENTITY_INTENT = names.PROVIDE_IDENTITY

BY_NAME: dict[str, Intent] = {intent.name: intent for intent in INTENTS}
HANDLERS: dict[str, Handler] = {intent.name: intent.handler for intent in INTENTS}
ACTION_HANDLERS: dict[str, Handler] = {
    **FLOW_ACTIONS,
    **{intent.action: intent.handler for intent in INTENTS if intent.action},
}
INTENT_LABELS: dict[str, str] = {intent.name: intent.label for intent in INTENTS}
TRAINED_INTENTS: frozenset[str] = frozenset(i.name for i in INTENTS if i.trained)

# Questions about the debt, answered only after verification (right-party rule).
DEBT_INTENTS: frozenset[str] = frozenset(
    i.name for i in INTENTS if i.requires_verification and i.name != IDENTITY_INTENT
)


# What a borrower may ask before verifying, or together with identity, and have answered right
# after verification: the debt questions, and the general ones worth answering then too.
ANSWERED_AFTER_VERIFICATION: frozenset[str] = DEBT_INTENTS | {
    "ask_payment_methods",
    "ask_consequences",
}


def answer_second_question(turn: Turn, ctx: h.Context, outcome: Outcome) -> Outcome:
    """Answer a second question asked in the same message, after the first one's answer.

    The NLU names it in the ``request`` entity ("我现在欠多少？还有怎么还？": ask_balance, then
    ask_payment_methods). Only a question of ``intent_names.QUESTIONS`` after one of
    ``FIRST_REQUESTS``, to a verified borrower (before verification the first question
    starts verification and is answered after it), and not when the first answer ended a
    form.
    """
    second = turn.entity(REQUEST_ENTITY)
    if (
        turn.intent not in names.FIRST_REQUESTS
        or second not in names.QUESTIONS
        or second == turn.intent
        or not turn.verified
        or outcome.end_form
    ):
        return outcome
    entities = {k: v for k, v in turn.entities.items() if k != REQUEST_ENTITY}
    replay = dataclasses.replace(turn, intent=second, entities=entities)
    return outcome.extend(HANDLERS[second](replay, ctx))


def answer_turn(handler: Handler, turn: Turn, ctx: h.Context) -> Outcome:
    """Run the handler of a turn, with what every answer to a borrower's message owes.

    Someone asking for the borrower ("我是他同事，他让我帮他问问") is told, before any handler,
    that only the card holder is answered. A turn's own handler also answers a second
    question and puts the truthful denial of a fear first
    (:func:`bot.dialogue.questions.truth_first`). Form questions and the verification check
    run through the runtime too, on the same message: they add nothing, so nothing is said
    twice.
    """
    if handler in _TURN_HANDLERS and not turn.verified and asks_for_someone_else(turn.text):
        return Outcome(end_form=True).say(
            HOLDER_ONLY_SCRIPT, hotline=ctx.policy.institution.hotline
        )
    outcome = handler(turn, ctx)
    if handler not in _TURN_HANDLERS:
        return outcome
    outcome = answer_second_question(turn, ctx, outcome)
    return no_collection_after_distress(turn, truth_first(turn.text, outcome))


def no_collection_after_distress(turn: Turn, outcome: Outcome) -> Outcome:
    """After distress in this conversation, a reply that would collect is replaced by care.

    "你们还会逼我还钱吗" after "我不想活了" gets "现在先不谈还款的事…12356", not the credit
    report; the truthful denial of a fear stays. Which replies collect is the answer-fit
    check's reading (:func:`bot.compliance.answer_fit.collects`).
    """
    if not turn.slots.get(IN_DISTRESS) or turn.intent == names.EXPRESS_DISTRESS:
        return outcome
    library = messages.library()
    kept = [
        reply
        for reply in outcome.replies
        if reply.script_id in FEAR_ANSWER_SCRIPTS
        or not collects(library.render(reply.script_id, dict(reply.params), seed="check").text)
    ]
    if len(kept) == len(outcome.replies):
        return outcome
    outcome.replies[:] = [*kept, Reply(AFTER_DISTRESS_SCRIPT, {})]
    return outcome


def respond(turn: Turn, ctx: h.Context) -> Outcome:
    """Answer a turn with the handler of its intent (unknown intents fall back)."""
    return HANDLERS.get(turn.intent, h.fallback)(turn, ctx)


ACTION_HANDLERS[RESPOND_ACTION] = respond

# The handlers that answer a borrower's message (not a form question or a check).
_TURN_HANDLERS: frozenset[Handler] = frozenset(
    handler for name, handler in ACTION_HANDLERS.items() if name != "action_after_verification"
)
