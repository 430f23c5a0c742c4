"""The scripts library: approved, versioned phrasing that is the only source of bot sentences."""

from bot.scripts.library import Library, RenderedMessage, Script, ScriptError, load_library

__all__ = ["Library", "RenderedMessage", "Script", "ScriptError", "load_library"]
