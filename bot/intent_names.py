"""Names of the intents that code outside the registry must name, each written once.

The intent registry (:mod:`bot.dialogue.intents`) holds every intent; these few are also named
by the NLU components, the safe replies, agent assist and the transcript views, which must not
import the dialogue (the NLU is trained and loaded without it). The registry rows use these
constants, and ``tests/unit/dialogue/test_intent_registry.py`` holds them to the registry.
"""

from __future__ import annotations

from typing import Final

GREET: Final = "greet"
AFFIRM: Final = "affirm"
PROVIDE_IDENTITY: Final = "provide_identity"
FINANCIAL_HARDSHIP: Final = "financial_hardship"
EXPRESS_DISTRESS: Final = "express_distress"
DISPUTE_DEBT: Final = "dispute_debt"
WRONG_PERSON: Final = "wrong_person"
OUT_OF_SCOPE: Final = "out_of_scope"
#: Produced by Rasa's FallbackClassifier for a low-confidence parse; no message is labelled so.
NLU_FALLBACK: Final = "nlu_fallback"
#: Questions a borrower may ask two of in one message ("我现在欠多少？还有怎么还？"): the NLU
#: names the second in the ``request`` entity and the dialogue answers both.
QUESTIONS: Final = frozenset(
    {"ask_balance", "ask_fees", "ask_consequences", "ask_payment_methods", "ask_bot_identity"}
)
#: What a message may ask first and still have a second question of ``QUESTIONS`` answered
#: ("最低还多少？能不能分期？", "我要投诉，顺便问下我现在还欠多少").
FIRST_REQUESTS: Final = QUESTIONS | {"request_installment", "request_fee_waiver", "complain"}
#: The turns that count as "not understood" (two in a row hand over to a human).
NOT_UNDERSTOOD: Final = frozenset({NLU_FALLBACK, OUT_OF_SCOPE})
