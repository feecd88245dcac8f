"""Row counts of earlier loads, so a suite can compare this load's volume with the previous one, and
how far an append-only table has been validated, so a suite's row checks need only read what landed since.

The history is a small JSON file beside the build file (the checks read the build file read-only,
so they cannot keep it there). Each check appends one observation per run; the comparison is with
the latest observation that passed, so a bad load never becomes the baseline.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

KEEP = 50


class VolumeHistory:
    """Observations in `path`; only those of the same `scope` (e.g. the build file's identity) count,
    so rebuilding the warehouse from scratch starts a new baseline instead of failing as a drop."""

    def __init__(self, path: Path, scope: str = "") -> None:
        self.path = path
        self.scope = scope

    def _load(self) -> dict[str, list[dict[str, Any]]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def previous_rows(self, suite: str) -> int | None:
        for obs in reversed(self._load().get(suite, [])):
            if obs.get("passed") and obs.get("scope", "") == self.scope:
                return int(obs["rows"])
        return None

    def validated_through(self, suite: str, fingerprint: str) -> str | None:
        """The newest load time whose rows the latest passing observation validated, if that observation
        ran the same expectations (`fingerprint`) on this scope; None means validate every row."""
        for obs in reversed(self._load().get(suite, [])):
            if obs.get("passed") and obs.get("scope", "") == self.scope:
                if obs.get("fingerprint") != fingerprint:
                    return None
                through = obs.get("validated_through")
                return str(through) if through else None
        return None

    def record(
        self,
        suite: str,
        run_id: str,
        rows: int,
        passed: bool,
        *,
        fingerprint: str = "",
        validated_through: str | None = None,
    ) -> None:
        data = self._load()
        entries = [o for o in data.get(suite, []) if o.get("run_id") != run_id or not run_id]
        entries.append(
            {
                "run_id": run_id,
                "checked_at": datetime.now(UTC).isoformat(),
                "rows": rows,
                "passed": passed,
                "scope": self.scope,
                "fingerprint": fingerprint,
                "validated_through": validated_through,
            }
        )
        data[suite] = entries[-KEEP:]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
