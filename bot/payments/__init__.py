"""Payments in: the issuer's payments recorded from a CSV file or the web API.

- :mod:`bot.payments.rows`: reading and validating rows (pure);
- :mod:`bot.payments.ledger`: recording them and settling promises and plans (on a session);
- ``python -m bot.payments import FILE.csv`` and ``settle --at ISO-DATETIME``: the command line.

The arithmetic (allocation order, kept / broken, plan periods) is in :mod:`bot.policy.payments`.
See ``docs/payments.md``.
"""
