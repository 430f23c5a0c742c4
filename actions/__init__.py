"""Rasa custom actions: thin adapters from trackers to the dialogue handlers in ``bot``."""
