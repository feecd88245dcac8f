"""A Salesforce-like REST API over the simulated CRM objects, on 127.0.0.1.

GET /services/data/v1/query/<Object>?updated_since=<ISO-8601>&limit=<n>[&page=<token>]
    -> {"totalSize": n, "done": bool, "records": [...], "nextRecordsUrl": "/services/data/v1/query/...?page=..."}

Records are ordered by (SystemModstamp, Id) and filtered on SystemModstamp >= updated_since.
Requests must carry `Authorization: Bearer <token>`. With fail_rate > 0 the server answers a share of
requests with 429 (Retry-After) or 500, as real CRMs do under load.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

OBJECTS = ("Account", "AccountHistory", "Contact", "Case", "CaseHistory", "CaseMilestone")
API_PREFIX = "/services/data/v1/query/"


def _ts_key(value: str | None) -> str:
    # "2024-03-05T14:22:10.000+0000" sorts lexically in UTC
    return value or ""


def _normalise_since(value: str) -> str:
    """Accept 2024-03-05T14:22:10Z, ...+00:00 or the Salesforce form; return the Salesforce form."""
    v = value.strip().replace("Z", "+0000").replace("+00:00", "+0000")
    if "." not in v and len(v) >= 19:
        v = v[:19] + ".000" + v[19:]
    if not v.endswith("+0000"):
        v = v[:23] + "+0000"
    return v


class CrmData:
    def __init__(self, root: Path) -> None:
        self.objects: dict[str, list[dict[str, Any]]] = {}
        for name in OBJECTS:
            path = root / f"{name}.jsonl"
            rows = (
                [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
                if path.exists()
                else []
            )
            rows.sort(
                key=lambda r: (_ts_key(r.get("SystemModstamp") or r.get("CreatedDate")), r["Id"])
            )
            self.objects[name] = rows


class Handler(BaseHTTPRequestHandler):
    server: CrmServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        srv = self.server
        with srv.lock:
            srv.request_count += 1
            roll = srv.rng.random()
        if self.headers.get("Authorization") != f"Bearer {srv.token}":
            self._send(
                401, [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}]
            )
            return
        if roll < srv.fail_rate / 2:
            self._send(
                429,
                [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "Too many requests"}],
                {"Retry-After": "0"},
            )
            return
        if roll < srv.fail_rate:
            self._send(
                500, [{"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred"}]
            )
            return
        url = urlparse(self.path)
        if not url.path.startswith(API_PREFIX):
            self._send(404, [{"errorCode": "NOT_FOUND", "message": f"no resource {url.path}"}])
            return
        obj = url.path[len(API_PREFIX) :]
        if obj not in srv.data.objects:
            self._send(
                404,
                [
                    {
                        "errorCode": "INVALID_TYPE",
                        "message": f"sObject type '{obj}' is not supported",
                    }
                ],
            )
            return
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if "page" in q:
            state = json.loads(base64.urlsafe_b64decode(q["page"].encode()).decode())
            since, offset, limit = state["since"], state["offset"], state["limit"]
        else:
            since = _normalise_since(q.get("updated_since", "1970-01-01T00:00:00.000+0000"))
            offset, limit = 0, max(1, min(int(q.get("limit", "2000")), 2000))
        rows = [
            r
            for r in srv.data.objects[obj]
            if _ts_key(r.get("SystemModstamp") or r.get("CreatedDate")) >= since
        ]
        page = rows[offset : offset + limit]
        done = offset + limit >= len(rows)
        body: dict[str, Any] = {"totalSize": len(rows), "done": done, "records": page}
        if not done:
            token = base64.urlsafe_b64encode(
                json.dumps({"since": since, "offset": offset + limit, "limit": limit}).encode()
            ).decode()
            body["nextRecordsUrl"] = f"{API_PREFIX}{obj}?{urlencode({'page': token})}"
        self._send(200, body)


class CrmServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        root: Path,
        port: int = 0,
        token: str = "demo-token",
        fail_rate: float = 0.0,
        seed: int = 0,
    ) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.data = CrmData(root)
        self.token = token
        self.fail_rate = fail_rate
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.request_count = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def start_in_thread(
    root: Path, token: str = "demo-token", fail_rate: float = 0.0, port: int = 0
) -> CrmServer:
    server = CrmServer(root, port=port, token=token, fail_rate=fail_rate)
    threading.Thread(target=server.serve_forever, name="crm-demo-server", daemon=True).start()
    return server


def main() -> None:
    p = argparse.ArgumentParser(description="Serve the simulated CRM as a REST API on 127.0.0.1.")
    p.add_argument("root", type=Path, help="folder with the CRM *.jsonl files (simulate's out/crm)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--token", default="demo-token")
    p.add_argument("--fail-rate", type=float, default=0.0)
    a = p.parse_args()
    server = CrmServer(a.root, port=a.port, token=a.token, fail_rate=a.fail_rate)
    print(f"CRM demo API on {server.url}{API_PREFIX}<Object>", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
