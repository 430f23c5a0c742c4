"""The web app and headless Chromium for the browser tests, on top of the real stack.

``running_web_app`` starts ``python -m bot.web`` against a :class:`~tests.e2e.conftest.Stack`
with the staff users given; ``chromium`` launches Debian's Chromium through Playwright. Browser
test modules mark themselves with ``needs_chromium`` and wrap both in module fixtures.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.web import staff
from tests.e2e.conftest import ROOT, TODAY, Stack

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "results" / "screenshots"
PHONE = {"width": 390, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and shutil.which("chromium") is None,
    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)",
)


@dataclass
class WebApp:
    """Where the web app answers."""

    url: str


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_web_app(
    stack: Stack, users: Iterable[tuple[str, str]], password: str, secret: str, log_dir: Path
) -> Iterator[WebApp]:
    """The web app on a free port, with these ``(name, role)`` staff users, until the block ends."""
    engine = make_engine(stack.database_url)
    with session_scope(make_session_factory(engine)) as session:
        for name, role in users:
            staff.create_user(session, name, password, role)
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "WEB_PORT": str(port),
        "DATABASE_URL": stack.database_url,
        "TRACKER_DB_URL": stack.tracker_db_url,
        "RASA_URL": stack.rasa_url,
        "RASA_TOKEN": stack.token,
        "WEB_DEV": "1",
        "WEB_SECRET_KEY": secret,
        "BOT_TODAY": TODAY,
    }
    log = log_dir / "web.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.web"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"web app exited:\n{log.read_text()[-3000:]}")
            try:
                if requests.get(f"{url}/login", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("web app not up after 120 s")
            time.sleep(0.5)
        yield WebApp(url)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium (Debian's) through Playwright, closed when the block ends."""
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot in ``results/screenshots/<name>.png``."""
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
