"""Load benchmark: simulated borrowers on the REST channel, our stack next to stock Rasa.

``python -m bot.bench`` (``make bench-load``) starts each stack in turn on free loopback
ports, drives it and stops it, then writes ``results/bench-load.json`` and prints a table:

- :mod:`~bot.bench.conversation`: the verified conversation every borrower has;
- :mod:`~bot.bench.borrower`: one simulated borrower (its own sender id per conversation);
- :mod:`~bot.bench.stats`: percentiles and summaries (pure);
- :mod:`~bot.bench.load`: the load phases (sequential, capacity steps, N borrowers with think time);
- :mod:`~bot.bench.processes`: memory of a process tree, free ports, waiting for an answer;
- :mod:`~bot.bench.stacks`: how each stack is started (stock, embedded, production);
- :mod:`~bot.bench.report`: the JSON file and the printed table.
"""
