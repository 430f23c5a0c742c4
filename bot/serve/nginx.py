"""The nginx edge of the production profile: ``deploy/nginx/edge.conf.template`` rendered.

``bin/run-stack`` (``EDGE=nginx``, set by ``make run-prod``) decides the ports and calls::

    python -m bot.serve.nginx --listen 127.0.0.1:5005 --api-port 5006 --rasa-ports 5007 5008
        --web-port 8000 --var "$PWD/var" --out var/run/nginx.conf

The template holds every nginx setting; this module only fills its ``@NAME@`` placeholders
(the listeners, the upstream servers, the ``var/`` folder and the body limit, taken from
:data:`bot.inbound.MAX_REQUEST_BYTES`) and refuses values that would not be a port or an
address.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import re
from dataclasses import dataclass
from pathlib import Path

from bot.dialogue.safe_replies import safe_messages
from bot.inbound import MAX_REQUEST_BYTES

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "edge.conf.template"
LOOPBACK = "127.0.0.1"
# An instance that fails once is left out for this long, then tried again.
RASA_SERVER = "        server {address} max_fails=1 fail_timeout=10s;"
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


@dataclass(frozen=True)
class EdgeLayout:
    """Where the edge listens and what is behind it.

    Attributes:
        edge_host: Address of the borrower-facing listener (``EDGE_HOST``).
        edge_port: Its port (``RASA_PORT``).
        api_port: Loopback port of the balanced Rasa API, for the web app and tools.
        rasa_ports: Loopback ports of the Rasa instances.
        web_port: Loopback port of the web app.
        var_dir: Absolute folder for the pid, logs and temp files (``run/``, ``log/``, ``tmp/``).
    """

    edge_host: str
    edge_port: int
    api_port: int
    rasa_ports: tuple[int, ...]
    web_port: int
    var_dir: Path

    def __post_init__(self) -> None:
        """Check addresses and ports: nothing of a caller's may reach the file unchecked.

        Raises:
            ValueError: A port is out of range or used twice, the address is not an IP
                address, there is no Rasa instance, or ``var_dir`` is not absolute.
        """
        ipaddress.ip_address(self.edge_host)
        ports = [self.edge_port, self.api_port, self.web_port, *self.rasa_ports]
        if not self.rasa_ports:
            raise ValueError("at least one Rasa instance is needed")
        if any(not 0 < port < 65536 for port in ports):
            raise ValueError(f"ports must be 1-65535: {ports}")
        if len(set(ports)) != len(ports):
            raise ValueError(f"a port is used twice: {ports}")
        if not self.var_dir.is_absolute() or re.search(r"[\s;{}'\"]", str(self.var_dir)):
            raise ValueError(f"var folder must be an absolute path without spaces: {self.var_dir}")


def _listen(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ipaddress.ip_address(host).version == 6 else f"{host}:{port}"


def unavailable_json() -> str:
    """The approved "unavailable" sentence as a JSON string, safe inside nginx's quotes."""
    text = safe_messages("", seed="edge")[0].text
    return json.dumps(text, ensure_ascii=False).replace("\\", "\\\\").replace("'", "\\'")


def render(layout: EdgeLayout, template: str | None = None) -> str:
    """The nginx configuration for ``layout``.

    Args:
        layout: Ports and folders.
        template: Template text (default: ``deploy/nginx/edge.conf.template``).

    Raises:
        ValueError: The template has a placeholder this function does not know.
    """
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    values = {
        "EDGE_LISTEN": _listen(layout.edge_host, layout.edge_port),
        "API_LISTEN": _listen(LOOPBACK, layout.api_port),
        "RASA_SERVERS": "\n".join(
            RASA_SERVER.format(address=_listen(LOOPBACK, port)) for port in layout.rasa_ports
        ),
        "WEB_SERVER": _listen(LOOPBACK, layout.web_port),
        "VAR": str(layout.var_dir),
        "MAX_BODY": f"{MAX_REQUEST_BYTES // 1024}k",
        "UNAVAILABLE_JSON": unavailable_json(),
    }
    unknown = sorted(set(_PLACEHOLDER.findall(text)) - set(values))
    if unknown:
        raise ValueError(f"unknown placeholders in the nginx template: {unknown}")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def prepare_dirs(var_dir: Path) -> None:
    """Create the folders the configuration names (nginx creates only the last level)."""
    for sub in ("run", "log", "tmp/nginx"):
        (var_dir / sub).mkdir(parents=True, exist_ok=True)


def _host_port(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return host.strip("[]"), int(port)


def main(argv: list[str] | None = None) -> None:
    """Render the configuration to ``--out`` (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m bot.serve.nginx", description=__doc__)
    parser.add_argument("--listen", type=_host_port, required=True, help="EDGE_HOST:RASA_PORT")
    parser.add_argument("--api-port", type=int, required=True)
    parser.add_argument("--rasa-ports", type=int, nargs="+", required=True)
    parser.add_argument("--web-port", type=int, required=True)
    parser.add_argument("--var", type=Path, required=True, help="absolute runtime folder")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    host, port = args.listen
    try:
        layout = EdgeLayout(
            host, port, args.api_port, tuple(args.rasa_ports), args.web_port, args.var.resolve()
        )
    except ValueError as error:
        parser.error(str(error))
    prepare_dirs(layout.var_dir)
    args.out.write_text(render(layout), encoding="utf-8")


if __name__ == "__main__":
    main()
