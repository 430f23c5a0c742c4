"""Outreach: the scheduler's outbound contacts within the contact rules (issue 14).

- :mod:`bot.policy.outreach`: the candidates and each contact rule (pure);
- :mod:`bot.outreach.planner`: the borrowers' snapshots, the plan and ``record`` (on a session);
- :mod:`bot.outreach.sender`: one ``send`` run: settle, plan, record, deliver through Rasa;
- :mod:`bot.outreach.lock`: one ``send`` at a time per database;
- ``python -m bot.outreach plan [--at ISO-DATETIME]`` (the dry run) and ``send``.

See ``docs/outreach.md``.
"""
