"""A loopback group-robot receiver: a real HTTP server on 127.0.0.1 in a thread that
records every POST (path, query, JSON body) and answers what the test scripted —
each platform's documented error codes, a server error, or success."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    """One POST as the robot saw it."""

    path: str
    query: dict[str, str]
    body: dict[str, Any]
    size: int
    content_type: str


@dataclass
class Receiver:
    """The running receiver: `url(path)` to post to, `script` the answers to give in
    order as (HTTP status, JSON body) — success (`ok`) once it is used up."""

    port: int
    ok: dict[str, Any]
    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def receiver(ok: dict[str, Any]) -> Iterator[Receiver]:
    """A receiver answering `ok` unless scripted otherwise, stopped on leaving."""
    state: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            robot = state[0]
            robot.received.append(
                Received(
                    parts.path,
                    query,
                    json.loads(raw.decode("utf-8")),
                    len(raw),
                    self.headers.get("Content-Type", ""),
                )
            )
            status, answer = robot.script.pop(0) if robot.script else (200, robot.ok)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads `received`, not stderr."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(Receiver(server.server_address[1], ok))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
