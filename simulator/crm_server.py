"""A Salesforce-like REST API over the simulated CRM objects, on 127.0.0.1.

GET /services/data/v1/query/<Object>?updated_since=<ISO-8601>&limit=<n>[&page=<token>]
    -> {"totalSize": n, "done": bool, "records": [...], "nextRecordsUrl": "/services/data/v1/query/...?page=..."}

Records are ordered by (SystemModstamp, Id) and filtered on SystemModstamp >= updated_since.
Requests must carry `Authorization: Bearer <token>`. With fail_rate > 0 the server answers a share of
requests with 429 (Retry-After) or 500, as real CRMs do under load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import ParseResult, parse_qs, urlencode

from simulator.demo_api import (
    DemoApiHandler,
    DemoApiServer,
    decode_page_token,
    encode_page_token,
    serve_from_command_line,
)
from simulator.demo_api import start_in_thread as start_server

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


CRM_ERRORS = {
    401: "INVALID_SESSION_ID",
    404: "NOT_FOUND",
    429: "REQUEST_LIMIT_EXCEEDED",
    500: "UNKNOWN_EXCEPTION",
}


class Handler(DemoApiHandler):
    server: CrmServer

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.send_json(status, [{"errorCode": CRM_ERRORS[status], "message": message}], headers)

    def route(self, url: ParseResult) -> None:
        srv = self.server
        if not url.path.startswith(API_PREFIX):
            self.error(404, f"no resource {url.path}")
            return
        obj = url.path[len(API_PREFIX) :]
        if obj not in srv.data.objects:
            self.send_json(
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
            state = decode_page_token(q["page"])
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
            token = encode_page_token({"since": since, "offset": offset + limit, "limit": limit})
            body["nextRecordsUrl"] = f"{API_PREFIX}{obj}?{urlencode({'page': token})}"
        self.send_json(200, body)


class CrmServer(DemoApiServer):
    handler = Handler
    thread_name = "crm-demo-server"
    data: CrmData

    def load(self, root: Path) -> CrmData:
        return CrmData(root)


def start_in_thread(
    root: Path, token: str = "demo-token", fail_rate: float = 0.0, port: int = 0
) -> CrmServer:
    return start_server(CrmServer, root, token, fail_rate, port)


def main() -> None:
    serve_from_command_line(
        CrmServer,
        "Serve the simulated CRM as a REST API on 127.0.0.1:",
        "folder with the CRM *.jsonl files (simulate's out/crm)",
        8765,
        f"{API_PREFIX}<Object>",
    )


if __name__ == "__main__":
    main()
