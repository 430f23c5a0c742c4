"""Outreach: the scheduler's plan of outbound contacts within the contact rules (issue 14).

- :mod:`bot.policy.outreach`: the candidates and each contact rule (pure);
- :mod:`bot.outreach.planner`: the borrowers' snapshots, the plan and ``record`` (on a session);
- ``python -m bot.outreach plan [--at ISO-DATETIME]``: the dry run.

Sending (through Rasa's API) is not built yet. See ``docs/outreach.md``.
"""
