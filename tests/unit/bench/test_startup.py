"""How the benchmark starts the production profile and records the training time."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from bot.bench import production
from bot.bench.runner import training_seconds
from bot.bench.stacks import Stack

ROOT = Path(__file__).resolve().parents[3]


class _Status(BaseHTTPRequestHandler):
    ready = threading.Event()

    def do_GET(self) -> None:
        self.send_response(200 if self.ready.is_set() else 503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def instance():
    _Status.ready.clear()
    server = HTTPServer(("127.0.0.1", 0), _Status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_the_edge_starts_only_after_every_instance_answers(instance, monkeypatch) -> None:
    started: list[bool] = []
    monkeypatch.setattr(production, "_running", _fake_running)
    stack = Stack("production", "http://edge", {"rasa-0": _sleeper()})
    threading.Timer(0.5, _Status.ready.set).start()

    def start_edge() -> subprocess.Popen:
        started.append(_Status.ready.is_set())
        return _sleeper()

    with production._edge_after_instances(stack, [instance], start_edge) as running:
        assert "nginx" in running.roles
    assert started == [True]
    _stop_all(stack)


def test_an_instance_that_dies_stops_the_start_and_nothing_is_left_running(instance) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    alive = _sleeper()
    stack = Stack("production", "http://edge", {"rasa-0": dead, "actions": alive})
    starting = production._edge_after_instances(stack, [instance], _sleeper)
    with pytest.raises(RuntimeError, match="exited with 3"), starting:
        pass
    assert alive.poll() is not None
    assert "nginx" not in stack.roles


def test_training_time_is_written_by_the_timed_train_step_and_read_by_the_benchmark(
    tmp_path,
) -> None:
    record = tmp_path / "results" / "train-time.json"
    subprocess.run([ROOT / "bin" / "timed", record, "--", "sleep", "0.3"], check=True)
    written = json.loads(record.read_text())
    assert 0.3 <= written["seconds"] < 5
    assert written["cores"] >= 1
    assert training_seconds(record) == written["seconds"]


def test_a_failed_train_step_records_no_time(tmp_path) -> None:
    record = tmp_path / "train-time.json"
    failed = subprocess.run([ROOT / "bin" / "timed", record, "--", "false"], check=False)
    assert failed.returncode != 0
    assert not record.exists()


class _fake_running:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def __enter__(self) -> Stack:
        return self.stack

    def __exit__(self, *exc: object) -> None:
        pass


def _stop_all(stack: Stack) -> None:
    for proc in stack.roles.values():
        proc.kill()
        proc.wait()
