"""Where the notice's own files are (no import of WeasyPrint: the web app reads these too)."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The HTML templates of a notice (the fragment and the printed document)."""

STATIC = Path(__file__).resolve().parent / "static"
"""The notice's style sheet: the only files WeasyPrint may open, and what the web app serves."""
