"""A Qualtrics-like survey response API over the simulated survey exports, on 127.0.0.1.

GET /API/v3/surveys
    -> {"result": {"elements": [{"id", "name", "timeZone"}], "nextPage": null}, "meta": {...}}
GET /API/v3/surveys/<surveyId>/responses?startDate=<ISO-8601 UTC>&pageSize=<n>[&skipToken=<token>]
    -> {"result": {"responses": [{"responseId", "values": {...}}], "nextPage": "<url>" | null}, "meta": {...}}

Responses are the rows of the simulator's CSV exports (surveys/<surveyId>.csv), ordered by
(recordedDate, responseId) and filtered on recordedDate >= startDate. `values` uses Qualtrics' JSON
export keys (startDate, recordedDate, QID1, QID4_1, QID5_TEXT, externalDataReference, embedded data
by name) and its timestamps are UTC (`2025-03-05T14:22:10Z`), as the real API returns them; the CSV
export holds the same instants in the account's time zone. Dirty rows of the export (duplicates,
malformed values, decimal commas, a missing column) are served as they are.

Requests must carry `Authorization: Bearer <token>`. With fail_rate > 0 a share of requests is answered
429 (Retry-After) or 500, as the real API does under load.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import ParseResult, parse_qs, urlencode
from zoneinfo import ZoneInfo

from simulator.demo_api import (
    DemoApiHandler,
    DemoApiServer,
    decode_page_token,
    encode_page_token,
    serve_from_command_line,
)
from simulator.demo_api import start_in_thread as start_server

API_PREFIX = "/API/v3/surveys"
MAX_PAGE_SIZE = 1000
# CSV export column -> key in the JSON export's `values`
VALUE_KEYS = {
    "StartDate": "startDate",
    "EndDate": "endDate",
    "Status": "status",
    "IPAddress": "ipAddress",
    "Progress": "progress",
    "Duration (in seconds)": "duration",
    "Finished": "finished",
    "RecordedDate": "recordedDate",
    "ResponseId": "_recordId",
    "RecipientLastName": "recipientLastName",
    "RecipientFirstName": "recipientFirstName",
    "RecipientEmail": "recipientEmail",
    "ExternalReference": "externalDataReference",
    "DistributionChannel": "distributionChannel",
    "UserLanguage": "userLanguage",
    "Q5": "QID5_TEXT",
}
TIMESTAMPS = ("StartDate", "EndDate", "RecordedDate")
_QUESTION = re.compile(r"^Q(\d+(?:_\d+)?)$")
_INT = re.compile(r"^-?\d+$")


def value_key(column: str) -> str:
    if column in VALUE_KEYS:
        return VALUE_KEYS[column]
    m = _QUESTION.match(column)
    return f"QID{m.group(1)}" if m else column


def _utc_iso(local_text: str, zone: ZoneInfo) -> str:
    try:
        local = datetime.strptime(local_text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return local_text  # served as it is, like any other bad value
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read_export(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """(time zone, responses in the JSON export's shape) of one Qualtrics-like CSV export."""
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, tz = rows[0], "UTC"
    for cell in rows[2] if len(rows) > 2 else []:
        meta = json.loads(cell) if cell.startswith("{") else {}
        tz = meta.get("timeZone", tz)
    zone = ZoneInfo(tz)
    out = []
    for row in rows[3:]:
        values: dict[str, Any] = {}
        for col, cell in zip(header, row, strict=False):
            if col in TIMESTAMPS:
                values[value_key(col)] = _utc_iso(cell, zone)
            elif (
                _INT.match(cell)
                and col not in ("ResponseId", "ExternalReference")
                and (_QUESTION.match(col) or col in ("Status", "Progress", "Duration (in seconds)"))
            ):
                values[value_key(col)] = int(cell)
            else:
                values[value_key(col)] = cell
        out.append({"responseId": values.get("_recordId"), "values": values})
    return tz, out


class SurveyData:
    """The exports, read on the first request: `cqm demo` starts this API beside the connectors although
    its default reads the export files, and reading large exports up front cost seconds per run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._surveys: dict[str, tuple[str, list[dict[str, Any]]]] | None = None
        self._lock = threading.Lock()

    @property
    def surveys(self) -> dict[str, tuple[str, list[dict[str, Any]]]]:
        with self._lock:
            if self._surveys is None:
                self._surveys = self._read()
            return self._surveys

    def reload(self) -> None:
        """Re-read the exports (new responses appear as the simulator or a test appends them)."""
        surveys = self._read()
        with self._lock:
            self._surveys = surveys

    def _read(self) -> dict[str, tuple[str, list[dict[str, Any]]]]:
        surveys = {}
        for path in sorted(self.root.glob("*.csv")):
            tz, rows = _read_export(path)
            rows.sort(key=lambda r: (r["values"].get("recordedDate", ""), r["responseId"] or ""))
            surveys[path.stem] = (tz, rows)
        return surveys


STATUS_TEXT = {
    200: "OK",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


class Handler(DemoApiHandler):
    server: SurveyServer

    def _envelope(self, status: int, result: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "httpStatus": f"{status} - {STATUS_TEXT[status]}",
            "requestId": f"req-{self.request_no:08d}",
        }
        return {"result": result, "meta": meta}

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        body = self._envelope(status, None)
        body["meta"]["error"] = {"errorMessage": message, "errorCode": f"Q_{status}"}
        self.send_json(status, body, headers)

    def route(self, url: ParseResult) -> None:
        srv = self.server
        parts = (
            url.path[len(API_PREFIX) :].strip("/").split("/")
            if url.path.startswith(API_PREFIX)
            else None
        )
        if parts == [""]:
            elements = [
                {"id": sid, "name": sid.replace("_", " "), "timeZone": tz}
                for sid, (tz, _) in srv.data.surveys.items()
            ]
            self.send_json(200, self._envelope(200, {"elements": elements, "nextPage": None}))
            return
        if parts is None or len(parts) != 2 or parts[1] != "responses":
            self.error(404, f"no resource {url.path}")
            return
        survey = parts[0]
        if survey not in srv.data.surveys:
            self.error(404, f"survey {survey} not found")
            return
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if "skipToken" in q:
            state = decode_page_token(q["skipToken"])
            since, offset, size = state["since"], state["offset"], state["size"]
        else:
            since = q.get("startDate", "1970-01-01T00:00:00Z")
            offset, size = 0, max(1, min(int(q.get("pageSize", str(MAX_PAGE_SIZE))), MAX_PAGE_SIZE))
        rows = [
            r for r in srv.data.surveys[survey][1] if r["values"].get("recordedDate", "") >= since
        ]
        page = rows[offset : offset + size]
        nxt = None
        if offset + size < len(rows):
            token = encode_page_token({"since": since, "offset": offset + size, "size": size})
            nxt = f"{srv.url}{API_PREFIX}/{survey}/responses?{urlencode({'skipToken': token})}"
        self.send_json(200, self._envelope(200, {"responses": page, "nextPage": nxt}))


class SurveyServer(DemoApiServer):
    handler = Handler
    thread_name = "survey-demo-server"
    data: SurveyData

    def load(self, root: Path) -> SurveyData:
        return SurveyData(root)


def start_in_thread(
    root: Path,
    token: str = "demo-token",
    fail_rate: float = 0.0,
    port: int = 0,
    defer_load: bool = False,
) -> SurveyServer:
    return start_server(SurveyServer, root, token, fail_rate, port, defer_load)


def main() -> None:
    serve_from_command_line(
        SurveyServer,
        "Serve the simulated survey exports as a REST API on 127.0.0.1:",
        "folder with the survey *.csv exports (simulate's out/surveys)",
        8766,
        API_PREFIX,
    )


if __name__ == "__main__":
    main()
