"""Formal written notices (函件) to cardholders, as Art. 69 of the 2011 credit-card rules asks.

Modules: ``content`` (the approved template filled from the ledger and the policy, checked by
the guard), ``render`` (HTML and PDF through WeasyPrint, nothing downloaded), ``issue`` (the
rules, then compose, render, hash and store), ``__main__`` (``python -m bot.notices``). The
stored notices live in :mod:`bot.db.notices`; the staff pages in :mod:`bot.web.views.notices`.
See docs/notices.md.
"""
