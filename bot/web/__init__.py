"""The web app for people inside the issuer: borrower chat, agent assist, trainer review.

``python -m bot.web`` serves it (``WEB_PORT``, default 8000); :func:`bot.web.app.create_app` is
the app factory. Staff users are created with ``python -m bot.web.users add NAME --role ROLE``.
Importing this package does no I/O.
"""
