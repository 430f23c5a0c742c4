"""One action per borrower situation; each delegates to a handler in ``bot.dialogue``.

The map from action names (domain.yml) to handlers is the intent registry's
(:data:`bot.dialogue.intents.ACTION_HANDLERS`).
"""

from __future__ import annotations

from actions.base import HandlerAction
from bot.dialogue.handlers import Handler
from bot.dialogue.intents import ACTION_HANDLERS


def _make_action(action_name: str, handler: Handler) -> type[HandlerAction]:
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
