"""Fixtures: the demo database (tests/unit/conftest.py), a session factory on it, a fixed clock,
and the text and fonts of a PDF as poppler reads them."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.db.settings import make_engine, make_session_factory

NOW = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Beijing


@pytest.fixture
def factory(demo_database_url: str) -> Iterator[sessionmaker]:
    engine = make_engine(demo_database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it, white space removed (lines wrap anywhere)."""
    return "".join(_poppler("pdftotext", pdf, tmp_path, "-layout").split())


def pdf_fonts(pdf: bytes, tmp_path: Path) -> str:
    """pdffonts' table of the fonts the PDF uses (name, type, embedded ...)."""
    return _poppler("pdffonts", pdf, tmp_path)
