"""Processes under test: free ports, memory of a process tree, waiting for the first answer."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import requests

PROC = Path("/proc")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (0 when it is gone)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (nginx's workers, a server's helpers)."""
    found: list[int] = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            text = (task / "children").read_text().split()
            for child in map(int, text):
                found += [child, *children(child)]
    except OSError:
        pass
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants in MB."""
    return sum(rss_mb(p) for p in [pid, *children(pid)])


class MemoryWatch:
    """Samples the resident memory of named processes in a thread; keeps each one's peak."""

    def __init__(self, pids: dict[str, int], interval: float = 1.0) -> None:
        self.pids = pids
        self.interval = interval
        self.peak_mb: dict[str, float] = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def sample(self) -> None:
        """Take one sample now."""
        for name, pid in self.pids.items():
            self.peak_mb[name] = max(self.peak_mb[name], tree_rss_mb(pid))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


def first_answer(url: str, procs: list[subprocess.Popen[bytes]], timeout: float) -> None:
    """Wait until ``url`` (the REST webhook) answers a greeting.

    Raises:
        RuntimeError: A process exited, or no answer within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    body = {"sender": f"bench-start-{os.getpid()}-{time.time_ns()}", "message": "你好"}
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            reply = requests.post(url, json=body, timeout=30)
            if reply.ok and reply.json():
                return
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(procs: list[subprocess.Popen[bytes]], grace: float = 20.0) -> None:
    """Terminate the processes (they were started by us), then kill what is left."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
