"""The conversation of the load benchmark: greet, verify, balance, plan, accept, bye.

Each simulated borrower is one of the demo customers (:data:`bot.db.demo.DEMO_ACCOUNTS`) and
verifies with correct data: failures would be rate-limited and lock the shared customers.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.demo import DEMO_ACCOUNTS


@dataclass(frozen=True)
class Step:
    """One message and, optionally, a text the bot's answer must contain."""

    text: str
    expect: str = ""


def conversation(customer_index: int) -> tuple[Step, ...]:
    """The seven messages for demo customer ``customer_index`` (taken modulo their number).

    The balance answer names the card's last four digits: proof that verification succeeded.
    """
    account = DEMO_ACCOUNTS[customer_index % len(DEMO_ACCOUNTS)]
    return (
        Step("你好"),
        Step(account.mobile),
        Step(account.id_last4),
        Step("我还欠多少钱", expect=account.card_last4),
        Step("我想分12期", expect="12"),
        Step("好的"),
        Step("再见"),
    )


MESSAGES_PER_CONVERSATION = len(conversation(0))
