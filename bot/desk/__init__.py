"""The agent desk: the hand-off queue, claiming, live takeover and the agent's checked messages.

Rasa-free and aiohttp-free: the web views in :mod:`bot.web.views.desk` call these modules.

- :mod:`bot.desk.queue`: the queue as the desk shows it (read model), urgent first;
- :mod:`bot.desk.claims`: claim, hand back and close (writes, through the repositories);
- :mod:`bot.desk.contact`: what the agent may say in a conversation (verified, wrong person,
  stop-contact, distress);
- :mod:`bot.desk.live`: the messages of a Rasa tracker after a cursor, for the desk and the chat;
- :mod:`bot.desk.drafts`: the guard and the answer-fit check on an agent's message, and the
  ``bot`` event that stores it in the transcript;
- :mod:`bot.desk.webhook` and :mod:`bot.desk.watcher`: the urgent alert and the loop that
  feeds the desk's live updates.
"""
