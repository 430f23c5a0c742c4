"""Conversation logic of the borrower assistant, independent of Rasa.

Custom actions (``actions/``) turn a Rasa tracker into a :class:`~bot.dialogue.turn.Turn`, call a
handler from :mod:`bot.dialogue.handlers` and turn its :class:`~bot.dialogue.turn.Outcome` back
into messages and slot events.
"""
