"""The nginx edge of the production profile, for real: only the borrower endpoints get through.

nginx runs the configuration rendered from ``deploy/nginx/edge.conf.template`` in front of small
fakes on loopback (two playing Rasa instances, one the web app) that record what reaches them.
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.inbound import MAX_REQUEST_BYTES
from bot.serve.nginx import TEMPLATE, EdgeLayout, prepare_dirs, render

NGINX = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (`make /usr/sbin/nginx` as root installs it)"
)
HOST = "127.0.0.1"
REST = "/webhooks/rest/webhook"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
NOT_PUBLIC = [
    ("GET", "/status"),
    ("GET", "/status?token=guess"),
    ("GET", "/version"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
    ("GET", "/conversations/x/tracker"),
    ("POST", "/conversations/x/messages"),
    ("POST", "/conversations/x/trigger_intent"),
    ("GET", "/webhooks/rest/"),
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/review"),
    ("GET", "/review/conversations/x"),
    ("GET", "/assist"),
    ("POST", "/api/assist/suggest"),
    ("GET", "/dashboard"),
    ("GET", "/api/dashboard"),
    ("GET", "/api/conversations"),
    ("GET", "/admin/users"),
    ("GET", "/static/../login"),
    ("GET", "/chat/../review"),
    ("POST", REST + "/../../../model/parse"),
    ("GET", "/%72eview"),
]


class Fake:
    """An upstream on a free loopback port that answers 200 and records every request."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.seen.append((self.command, self.path, dict(self.headers)))
                body = json.dumps({"from": fake.name}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()


@dataclass
class Edge:
    port: int
    api_port: int
    rasa: list[Fake]
    web: Fake
    error_log: Path

    def reached(self) -> list[tuple[str, str, dict[str, str]]]:
        return [seen for fake in (*self.rasa, self.web) for seen in fake.seen]


def _free_ports(count: int) -> list[int]:
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in socks]


def _wait_listening(port: int, proc: subprocess.Popen, error_log: Path) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        assert proc.poll() is None, error_log.read_text(errors="replace")
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.02)
    raise AssertionError(f"nginx did not listen on {port}: {error_log.read_text()}")


@contextlib.contextmanager
def _running_edge(work: Path, rasa: list[Fake], web_app: Fake) -> Iterator[Edge]:
    edge_port, api_port = _free_ports(2)
    layout = EdgeLayout(
        HOST, edge_port, api_port, tuple(f.port for f in rasa), web_app.port, work / "var"
    )
    prepare_dirs(layout.var_dir)
    conf = work / "nginx.conf"
    conf.write_text(render(layout))
    error_log = layout.var_dir / "log" / "nginx-error.log"
    command = [NGINX, "-p", f"{layout.var_dir}/", "-c", str(conf), "-e", str(error_log)]
    check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, timeout=10)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(edge_port, proc, error_log)
        yield Edge(edge_port, api_port, rasa, web_app, error_log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture
def fakes() -> Iterator[tuple[list[Fake], Fake]]:
    rasa, web_app = [Fake("rasa-0"), Fake("rasa-1")], Fake("web")
    yield rasa, web_app
    for fake in (*rasa, web_app):
        fake.stop()


@pytest.fixture
def edge(tmp_path, fakes) -> Iterator[Edge]:
    rasa, web_app = fakes
    with _running_edge(tmp_path, rasa, web_app) as running:
        yield running


def call(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def post_message(port: int, path: str = REST) -> tuple[int, http.client.HTTPMessage, bytes]:
    body = json.dumps({"sender": "edge-test", "message": "你好"}).encode()
    return call(port, "POST", path, body, {"Content-Type": "application/json"})


# ---------------------------------------------------------------- rendering (no nginx needed)


def test_render_fills_every_placeholder_and_keeps_the_api_on_loopback():
    layout = EdgeLayout("0.0.0.0", 5005, 5006, (5007, 5008), 8000, Path("/srv/var"))
    conf = render(layout)
    assert not re.search(r"@[A-Z_]+@", conf)
    assert "listen 0.0.0.0:5005;" in conf
    assert "listen 127.0.0.1:5006;" in conf
    assert "server 127.0.0.1:5007 max_fails=1" in conf and "server 127.0.0.1:5008 " in conf
    assert "server 127.0.0.1:8000 " in conf
    assert f"client_max_body_size {MAX_REQUEST_BYTES // 1024}k;" in conf
    assert "pid /srv/var/run/nginx.pid;" in conf


def test_render_brackets_ipv6():
    conf = render(EdgeLayout("::", 5005, 5006, (5007,), 8000, Path("/srv/var")))
    assert "listen [::]:5005;" in conf


@pytest.mark.parametrize(
    "change",
    [
        {"edge_host": "example.org"},
        {"edge_host": "127.0.0.1; include /etc/passwd"},
        {"rasa_ports": ()},
        {"rasa_ports": (5005,)},
        {"web_port": 70000},
        {"var_dir": Path("var")},
    ],
)
def test_layout_refuses_what_is_not_a_port_or_an_address(change):
    values = {
        "edge_host": "127.0.0.1",
        "edge_port": 5005,
        "api_port": 5006,
        "rasa_ports": (5007,),
        "web_port": 8000,
        "var_dir": Path("/srv/var"),
        **change,
    }
    with pytest.raises(ValueError):
        EdgeLayout(**values)


def test_render_refuses_unknown_placeholders():
    with pytest.raises(ValueError, match="NOPE"):
        render(EdgeLayout("127.0.0.1", 1, 2, (3,), 4, Path("/v")), "listen @NOPE@;")


def test_web_locations_of_the_template_are_the_borrower_routes_of_the_app():
    from aiohttp import web

    from bot.web.routes import setup_routes

    app = web.Application()
    setup_routes(app)
    routes = {(r.resource.canonical, r.method) for r in app.router.routes() if r.resource}
    public = {"chat", "api_chat", "api_chat_reset", "api_chat_events"}
    expected = {(app.router[name].canonical, m) for name in public for m in ("GET", "POST")}
    locations = re.findall(
        r"location = (\S+) \{\s*limit_except (\w+)[^}]*\}[^}]*proxy_pass http://web",
        TEMPLATE.read_text(),
    )
    assert locations
    assert {(path, method) for path, method in locations} == expected & routes
    assert app.router["static"].canonical == "/static"
    assert "location ^~ /static/ {" in TEMPLATE.read_text()


# ---------------------------------------------------------------- nginx for real


@needs_nginx
def test_rest_channel_reaches_rasa_with_the_real_client_address(edge):
    status, _, body = call(
        edge.port,
        "POST",
        REST,
        json.dumps({"sender": "a", "message": "你好"}).encode(),
        {"X-Real-IP": "6.6.6.6", "X-Forwarded-For": "6.6.6.6"},
    )
    assert status == 200 and json.loads(body)["from"].startswith("rasa")
    [(method, path, headers)] = edge.reached()
    assert (method, path) == ("POST", REST)
    assert headers["X-Real-IP"] == HOST
    assert headers["X-Forwarded-For"].split(",")[-1].strip() == HOST
    assert not edge.web.seen


@needs_nginx
def test_wechat_channel_goes_to_rasa(edge):
    status, _, body = post_message(edge.port, "/webhooks/wechat/webhook")
    assert status == 200 and json.loads(body)["from"].startswith("rasa")


@needs_nginx
def test_telegram_updates_go_to_rasa_and_only_as_post(edge):
    status, _, body = post_message(edge.port, "/webhooks/telegram/webhook")
    assert status == 200 and json.loads(body)["from"].startswith("rasa")
    assert call(edge.port, "GET", "/webhooks/telegram/webhook")[0] in (403, 405)
    assert call(edge.port, "GET", "/webhooks/telegram/set_webhook")[0] == 404


@needs_nginx
def test_wechat_is_rate_limited_per_borrower_not_per_platform_address(edge):
    """Every borrower's callbacks come from the platform's few addresses (here: one)."""
    path = "/webhooks/wechat/webhook?openid="
    many = [call(edge.port, "POST", f"{path}o{n}", b"<xml/>")[0] for n in range(30)]
    one = [call(edge.port, "POST", f"{path}oSame", b"<xml/>")[0] for _ in range(30)]
    assert many == [200] * 30
    assert 429 in one and one.count(200) <= 13


@needs_nginx
def test_borrower_web_chat_reaches_the_web_app(edge):
    assert call(edge.port, "GET", "/chat")[0] == 200
    assert post_message(edge.port, "/api/chat")[0] == 200
    assert post_message(edge.port, "/api/chat/reset")[0] == 200
    status, headers, _ = call(edge.port, "GET", "/static/chat.js?v=abc")
    assert status == 200
    assert headers.get_all("X-Content-Type-Options") == ["nosniff"]  # the app's, not twice
    assert [(m, p) for m, p, _ in edge.web.seen] == [
        ("GET", "/chat"),
        ("POST", "/api/chat"),
        ("POST", "/api/chat/reset"),
        ("GET", "/static/chat.js?v=abc"),
    ]
    assert not any(fake.seen for fake in edge.rasa)


@needs_nginx
def test_rasa_api_and_staff_pages_are_404_at_the_edge(edge):
    for method, path in NOT_PUBLIC:
        status, headers, body = call(edge.port, method, path, b"{}" if method != "GET" else None)
        assert status == 404, (method, path, status)
        assert json.loads(body) == {"error": "not found"}
    assert edge.reached() == []
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    assert headers["Server"] == "nginx"


@needs_nginx
def test_wrong_method_on_a_public_path_is_405(edge):
    assert call(edge.port, "GET", REST)[0] == 405
    assert post_message(edge.port, "/chat")[0] == 405
    assert call(edge.port, "GET", "/api/chat")[0] == 405
    assert edge.reached() == []


@needs_nginx
def test_body_over_the_application_limit_is_413_at_the_edge(edge):
    big = b'{"sender": "a", "message": "' + b"x" * (64 * 1024) + b'"}'
    status, _, body = call(edge.port, "POST", REST, big, {"Content-Type": "application/json"})
    assert status == 413 and "error" in json.loads(body)
    assert call(edge.port, "POST", "/api/chat", big)[0] == 413
    assert edge.reached() == []
    assert call(edge.port, "POST", REST, b"x" * (MAX_REQUEST_BYTES - 1024))[0] == 200


@needs_nginx
def test_a_burst_over_the_rate_limit_gets_429(edge):
    answers = [post_message(edge.port) for _ in range(30)]
    statuses = [status for status, _, _ in answers]
    assert 429 in statuses
    assert statuses.count(200) <= 13  # burst 10 + 1, plus what 5 r/s refills meanwhile
    refused = next(body for status, _, body in answers if status == 429)
    assert "error" in json.loads(refused)
    assert len(edge.reached()) == statuses.count(200)


@needs_nginx
def test_a_stopped_rasa_instance_is_routed_around(edge):
    for _ in range(4):
        assert post_message(edge.port)[0] == 200
    assert all(fake.seen for fake in edge.rasa)  # round robin over both
    dead, alive = edge.rasa
    dead.stop()
    before = len(alive.seen)
    for _ in range(6):
        status, _, body = post_message(edge.port)
        assert status == 200 and json.loads(body)["from"] == alive.name
    assert len(alive.seen) == before + 6


@needs_nginx
def test_all_rasa_instances_down_still_answers_the_approved_reply(edge):
    for fake in edge.rasa:
        fake.stop()
    status, _, body = post_message(edge.port)
    assert status == 200
    [reply] = json.loads(body)
    assert "暂时无法回复" in reply["text"] and "400-800-0000" in reply["text"]


@needs_nginx
def test_loopback_api_listener_passes_rasa_api_to_the_instances(edge):
    status, _, body = call(edge.api_port, "GET", "/status?token=t0ken")
    assert status == 200 and json.loads(body)["from"].startswith("rasa")
    assert [(m, p) for m, p, _ in edge.reached()] == [("GET", "/status?token=t0ken")]
    assert not edge.web.seen
