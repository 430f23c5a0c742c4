"""Agent assist: the situation behind a borrower message, approved scripts for it, draft checks.

Suggestions come from two places, best first:

1. what the assistant itself would answer: the dialogue handlers run on the parsed message
   (and the borrower's previous messages, so a "yes" knows what it answers) against a
   read-only view of the selected account (:mod:`bot.assist.preview`), and their scripts are
   rendered with every placeholder filled from the ledger, the policy file and the plan
   calculator;
2. the other approved scripts answering the same intent, with the placeholders the selected
   account and the policy can fill; unknown ones stay visible as ``{name}``
   (:mod:`bot.assist.suggestions`).

Without a selected account the borrower counts as unverified: debt questions then get the
verification scripts only (right-party rule). A draft check runs the compliance guard and
offers the closest approved script (character-bigram cosine, deterministic) as an alternative
(:mod:`bot.assist.drafts`). Messages arrive as Rasa parses (:mod:`bot.assist.parsing`); the
agent picks an account from :mod:`bot.assist.accounts`. Nothing here writes to the database.
The HTTP side is :mod:`bot.web.views.assist`.
"""
