"""One action per borrower situation; each delegates to a handler in ``bot.dialogue``.

The table below is the single map from action names (domain.yml) to handlers.
"""

from __future__ import annotations

from actions.base import HandlerAction
from bot.dialogue import handlers as h

ACTION_HANDLERS: dict[str, h.Handler] = {
    "action_remember_request": h.verify_first,
    "action_after_verification": h.after_verification,
    "action_refuse_locked": h.refuse_locked,
    "action_greet": h.greet,
    "action_bot_identity": h.ask_bot_identity,
    "action_tell_balance": h.ask_balance,
    "action_explain_fees": h.ask_fees,
    "action_explain_consequences": h.ask_consequences,
    "action_payment_methods": h.ask_payment_methods,
    "action_offer_installment": h.request_installment,
    "action_assess_offer": h.offer_amount,
    "action_record_promise": h.promise_to_pay,
    "action_record_paid_claim": h.claim_paid,
    "action_handle_hardship": h.financial_hardship,
    "action_handle_fee_waiver": h.request_fee_waiver,
    "action_record_dispute": h.dispute_debt,
    "action_handle_wrong_person": h.wrong_person,
    "action_record_stop_contact": h.stop_contact,
    "action_handoff_to_human": h.request_human,
    "action_handle_complaint": h.complain,
    "action_handle_distress": h.express_distress,
    "action_confirm": h.affirm,
    "action_decline": h.deny,
    "action_fallback": h.fallback,
    "action_goodbye": h.goodbye,
    "action_provide_identity": h.provide_identity,
}


def _make_action(action_name: str, handler: h.Handler) -> type[HandlerAction]:
    class_name = "".join(part.title() for part in action_name.split("_"))
    return type(
        class_name,
        (HandlerAction,),
        {
            "name": lambda self: action_name,
            "handler": staticmethod(handler),
            "__module__": __name__,
            "__doc__": f"Run ``{handler.__name__}`` for ``{action_name}``.",
        },
    )


# Concrete classes at import time, so the action server registers them.
ACTIONS = {name: _make_action(name, handler) for name, handler in ACTION_HANDLERS.items()}
