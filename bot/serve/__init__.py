"""Our entry points for the Rasa server and the action server: loopback, tokens, limits.

``python -m bot.serve.rasa_server`` and ``python -m bot.serve.action_server`` replace
``rasa run`` and ``rasa run actions``; settings come from :class:`bot.serve.settings.ServeSettings`.
"""
