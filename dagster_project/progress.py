"""A Dagster logger that prints one short line per step and check, for the `cqm` command line."""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import Any

import dagster as dg

_STARTED: dict[str, float] = {}

# the error's class (dagster._core.definitions.events.Failure: …) says less than the message it precedes
_QUALIFIED_CLASS = re.compile(r"^(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*: ")


# "crm: 1,555,808 rows landed in 50.8 s", "erp: failed after 0.1 s" (dagster_project/defs/ingestion.py)
SOURCE_LINE = re.compile(r"^\w+: ([\d,]+ rows landed|failed after) ")


def error_line(message: str | None) -> str:
    """The first line of an error's message, without the error's qualified class name."""
    lines = (message or "").strip().splitlines()
    return _QUALIFIED_CLASS.sub("", lines[0]) if lines else "failed"


class ProgressHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta: dict[str, Any] = getattr(record, "dagster_meta", {}) or {}
        event = meta.get("dagster_event")
        if event is None:
            # the extraction step's line per source: how many rows it landed, in how long
            message = str(meta.get("orig_message") or "")
            if meta.get("step_key") == "extract_sources" and SOURCE_LINE.match(message):
                out = sys.__stdout__ or sys.stdout
                out.write(f"      {message}\n")
                out.flush()
            return
        kind = event.event_type_value
        step = event.step_key or ""
        out = sys.__stdout__ or sys.stdout
        if kind == "STEP_START":
            _STARTED[step] = time.monotonic()
            out.write(f"  · {step} …\n")
        elif kind == "STEP_SUCCESS":
            took = time.monotonic() - _STARTED.get(step, time.monotonic())
            out.write(f"  ✓ {step} ({took:.1f} s)\n")
        elif kind == "STEP_FAILURE":
            err = getattr(event.event_specific_data, "error", None)
            out.write(f"  ✗ {step}: {error_line(getattr(err, 'message', None))}\n")
        elif kind == "STEP_SKIPPED":
            out.write(f"  – {step} skipped (an upstream step or blocking check failed)\n")
        elif kind == "ASSET_CHECK_EVALUATION":
            ev = event.event_specific_data
            if not ev.passed:
                out.write(
                    f"    ! check {ev.check_name} on {ev.asset_key.to_user_string()} failed: "
                    f"{(ev.description or '').strip()}\n"
                )
        out.flush()


@dg.logger(
    config_schema={"enabled": dg.Field(bool, default_value=False)},
    description="Short progress lines on stdout (used by the cqm command line).",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("cqm_progress", level=logging.DEBUG)
    if init_context.logger_config["enabled"]:
        logger.addHandler(ProgressHandler())
    return logger
