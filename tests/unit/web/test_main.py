"""``python -m bot.web`` really serves the app."""

import os
import socket
import subprocess
import sys
import time

import requests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_python_m_bot_web_serves_the_login_page(database_url, tracker_url) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "WEB_PORT": str(port),
        "DATABASE_URL": database_url,
        "TRACKER_DB_URL": tracker_url,
        "WEB_SECRET_KEY": "main-test",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.web"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.3)
        else:
            raise AssertionError("the web app did not start")
        assert response.status_code == 200 and "登录" in response.text
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_bad_port_exits_2(database_url) -> None:
    env = {**os.environ, "WEB_PORT": "http", "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "bot.web"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "WEB_PORT" in result.stderr
