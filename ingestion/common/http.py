"""The HTTP side every REST source shares: a bearer-token client that retries 429 and 5xx answers and
transport errors with exponential backoff, honouring Retry-After, and fails with one sentence that names
the source and the URL."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import httpx

RETRIED_STATUSES = (429, 500, 502, 503, 504)


class RestClient:
    """Subclasses set `source` (the name errors start with), `error` (the exception they raise) and
    `settings` (a module with PAGE_SIZE, MAX_RETRIES, TIMEOUT_SECONDS and the BACKOFF_* seconds)."""

    source = "rest"
    error: type[RuntimeError] = RuntimeError
    settings: Any

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        page_size: int | None = None,
        max_retries: int | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        cfg = self.settings
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size if page_size is not None else cfg.PAGE_SIZE
        self.max_retries = max_retries if max_retries is not None else cfg.MAX_RETRIES
        self.backoff_base_seconds = cfg.BACKOFF_BASE_SECONDS
        self.backoff_max_seconds = cfg.BACKOFF_MAX_SECONDS
        self.retries = 0
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=cfg.TIMEOUT_SECONDS,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """The decoded body of a 200 answer to GET url, after as many retries as allowed."""
        attempt = 0
        while True:
            retry_after: str | None = None
            try:
                resp = self._http.get(url, params=params)
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    raise self.error(
                        f"{self.source}: cannot reach {self.base_url}{url if url.startswith('/') else ''} "
                        f"({exc.__class__.__name__}: {exc})"
                    ) from exc
            else:
                if resp.status_code == 200:
                    return resp.json()
                if resp.status_code not in RETRIED_STATUSES or attempt >= self.max_retries:
                    raise self.error(
                        f"{self.source}: {resp.request.url} answered HTTP {resp.status_code}: {resp.text[:200]}"
                    )
                retry_after = resp.headers.get("Retry-After")
            attempt += 1
            self.retries += 1
            delay = min(self.backoff_max_seconds, self.backoff_base_seconds * 2 ** (attempt - 1))
            if retry_after is not None:
                with contextlib.suppress(ValueError):
                    delay = max(delay, float(retry_after))
            time.sleep(delay)
