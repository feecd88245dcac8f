"""What the simulated source APIs (CRM, survey tool) share: a threaded HTTP server on 127.0.0.1 that checks a
bearer token, answers a share of requests with 429 (Retry-After) or 500 as real APIs do under load, and pages
with an opaque token. Each API supplies its routes and the shape of its error bodies."""

from __future__ import annotations

import argparse
import base64
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import ParseResult, urlparse


def encode_page_token(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


def decode_page_token(token: str) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
    return state


class DemoApiHandler(BaseHTTPRequestHandler):
    """GET only: count, authenticate, maybe fail, then route. Subclasses define `error` and `route`."""

    server: DemoApiServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.send_json_text(status, json.dumps(body), headers)

    def send_json_text(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        raise NotImplementedError

    def route(self, url: ParseResult) -> None:
        raise NotImplementedError

    def do_GET(self) -> None:
        srv = self.server
        # a server started before its files were read answers once they are (requests wait meanwhile)
        srv.loaded.wait()
        if srv.load_error is not None:
            self.error(500, f"the simulated API could not read its files: {srv.load_error}")
            return
        with srv.lock:
            srv.request_count += 1
            self.request_no = srv.request_count
            roll = srv.rng.random()
        if self.headers.get("Authorization") != f"Bearer {srv.token}":
            self.error(401, "Session expired or invalid")
        elif roll < srv.fail_rate / 2:
            self.error(429, "Too many requests", {"Retry-After": "0"})
        elif roll < srv.fail_rate:
            self.error(500, "An unexpected error occurred")
        else:
            self.route(urlparse(self.path))


class DemoApiServer(ThreadingHTTPServer):
    """One simulated API over the files in `root`; `load` reads them into `self.data`.

    With `defer_load`, the server listens at once and reads its files when `load_files` is called: its address is
    known, and can be handed out, while it reads (seconds at 10 M order lines).
    """

    daemon_threads = True
    handler: type[DemoApiHandler] = DemoApiHandler
    thread_name = "demo-api"

    def __init__(
        self,
        root: Path,
        port: int = 0,
        token: str = "demo-token",
        fail_rate: float = 0.0,
        seed: int = 0,
        *,
        defer_load: bool = False,
    ) -> None:
        super().__init__(("127.0.0.1", port), self.handler)
        self.root = root
        self.loaded = threading.Event()
        self.load_error: str | None = None
        if not defer_load:
            self.data = self.load(root)
            self.loaded.set()
        self.token = token
        self.fail_rate = fail_rate
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.request_count = 0

    def load(self, root: Path) -> Any:
        raise NotImplementedError

    def load_files(self) -> str | None:
        """Read the files of a server made with `defer_load`; the error, in one line, when they cannot be read
        (requests are then answered with it, as HTTP 500)."""
        try:
            self.data = self.load(self.root)
        except Exception as exc:
            self.load_error = f"{type(exc).__name__}: {exc}"
        finally:
            self.loaded.set()
        return self.load_error

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


S = TypeVar("S", bound=DemoApiServer)


def start_in_thread(
    server_cls: type[S],
    root: Path,
    token: str,
    fail_rate: float,
    port: int,
    defer_load: bool = False,
) -> S:
    server = server_cls(root, port=port, token=token, fail_rate=fail_rate, defer_load=defer_load)
    threading.Thread(target=server.serve_forever, name=server.thread_name, daemon=True).start()
    return server


def serve_from_command_line(
    server_cls: type[DemoApiServer], description: str, root_help: str, port: int, path: str
) -> None:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("root", type=Path, help=root_help)
    p.add_argument("--port", type=int, default=port)
    p.add_argument("--token", default="demo-token")
    p.add_argument("--fail-rate", type=float, default=0.0)
    a = p.parse_args()
    server = server_cls(a.root, port=a.port, token=a.token, fail_rate=a.fail_rate)
    print(f"{description} {server.url}{path}", flush=True)
    server.serve_forever()
