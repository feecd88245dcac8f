"""Dirty data, each kind at its own rate, as real source systems deliver it.

`cqm simulate --dirty KIND=RATE,KIND,...` (or `--dirty all`) turns kinds on; all are off by default.
Rates are shares of records; flag kinds (bom, cp1252, extra_column, missing_column) take no rate.

  duplicates      a share of records delivered twice (CRM cases in the same page stream, carrier
                  events repeated in the same file and re-delivered in the next month's file)
  late            a share of carrier events arrives a month late, in the next month's file
  malformed       a share of carrier events and survey responses with unparseable values
  decimal_comma   a share of survey numbers written with a decimal comma (312,0)
  bom             survey exports start with a UTF-8 byte-order mark
  cp1252          the first carrier file is encoded in cp1252 (with a non-ASCII city)
  extra_column    carrier files carry an extra column (weight_lb) not in the contract
  missing_column  the post-case survey export lacks the required column ResponseId
  http_errors     a share of CRM and survey API requests answered 429 / 500 (written to crm/server.json)
  dst             a share of the carrier events on the days the clocks change (US zones, 2:00 local) is
                  re-timed into the changeover night, 90 minutes either side of the change, and written in
                  local time with the explicit daylight or standard time code (ED/ES, CD/CS, MD/MS, PD/PS),
                  so the repeated hour of the autumn change appears twice; the true UTC instant of each
                  re-timed event is written to dst_events.csv beside truth.json

What the pipeline must do with each kind is tested in tests/ingestion/test_dirty.py.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

FLAG_KINDS = ("bom", "cp1252", "extra_column", "missing_column")
ALL_RATES = {
    "duplicates": 0.01,
    "late": 0.02,
    "malformed": 0.005,
    "decimal_comma": 0.05,
    "http_errors": 0.1,
    "dst": 0.5,
}
# EDI time code of the local zone -> (zone, code while daylight time, code while standard time)
DST_CODES = {
    "ET": ("America/New_York", "ED", "ES"),
    "CT": ("America/Chicago", "CD", "CS"),
    "MT": ("America/Denver", "MD", "MS"),
    "PT": ("America/Los_Angeles", "PD", "PS"),
}
DST_WINDOW_MINUTES = 90


@cache
def change_days() -> list[str]:
    """The days (YYYYMMDD) US clocks change: second Sunday of March, first Sunday of November."""
    out = []
    for year in range(2000, 2041):
        for month, nth in ((3, 2), (11, 1)):
            first = date(year, month, 1)
            sunday = first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))
            out.append(sunday.strftime("%Y%m%d"))
    return out


@cache
def dst_change_utc(day: str, zone: str) -> datetime | None:
    """The UTC instant the clocks change on `day` (YYYYMMDD) in `zone`, or None if they do not."""
    z = ZoneInfo(zone)
    d = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    t = datetime(d.year, d.month, d.day, tzinfo=z).astimezone(UTC)
    for _ in range(30):
        nxt = t + timedelta(hours=1)
        if t.astimezone(z).utcoffset() != nxt.astimezone(z).utcoffset():
            return nxt.replace(minute=0, second=0)
        t = nxt
    return None


@dataclass(frozen=True)
class Dirty:
    duplicates: float = 0.0
    late: float = 0.0
    malformed: float = 0.0
    decimal_comma: float = 0.0
    http_errors: float = 0.0
    dst: float = 0.0
    bom: bool = False
    cp1252: bool = False
    extra_column: bool = False
    missing_column: bool = False

    @classmethod
    def parse(cls, spec: str | None) -> Dirty:
        """'all', '' / None, or a comma list of kind[=rate]; unknown kinds are one clear error."""
        if not spec:
            return cls()
        names = {f.name for f in fields(cls)}
        values: dict[str, float | bool] = {}
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            if part == "all":
                values.update(ALL_RATES)
                values.update({k: True for k in FLAG_KINDS if k != "missing_column"})
                continue
            name, _, rate = part.partition("=")
            name = name.strip().replace("-", "_")
            if name not in names:
                raise ValueError(
                    f"unknown dirty-data kind '{name}' (known: all, {', '.join(sorted(names))})"
                )
            if name in FLAG_KINDS:
                values[name] = True
            else:
                try:
                    r = float(rate) if rate else ALL_RATES[name]
                except ValueError:
                    raise ValueError(
                        f"dirty-data kind {name}: rate '{rate}' is not a number"
                    ) from None
                if not 0.0 <= r <= 1.0:
                    raise ValueError(f"dirty-data kind {name}: rate {r} is not between 0 and 1")
                values[name] = r
        return cls(**values)  # type: ignore[arg-type]

    @property
    def any(self) -> bool:
        return any(bool(v) for v in asdict(self).values())

    def to_json(self) -> dict[str, float | bool]:
        return asdict(self)


class DirtWriter:
    """Applies the configured kinds to frames on their way to files. Own random stream."""

    def __init__(self, dirty: Dirty, seed: int) -> None:
        self.d = dirty
        self.rng = np.random.default_rng([seed, 4242])
        self.held_back: dict[str, pl.DataFrame] = {}
        self.first_logistics_file = True
        self.dst_events: list[tuple[str, str, str, str, str]] = []

    def _dst(self, part: pl.DataFrame) -> pl.DataFrame:
        """Re-time a share of the events on clock-change days into the changeover night."""
        on_change_day = [
            tc in DST_CODES and dst_change_utc(day, DST_CODES[tc][0]) is not None
            for day, tc in zip(
                part["event_date"].to_list(), part["time_code"].to_list(), strict=True
            )
        ]
        candidates = np.flatnonzero(on_change_day)
        if len(candidates) == 0:
            return part
        pick = candidates[self._mask(len(candidates), self.d.dst)]
        offsets = self.rng.integers(-DST_WINDOW_MINUTES, DST_WINDOW_MINUTES, len(pick))
        dates, times, codes = (part[c].to_list() for c in ("event_date", "event_time", "time_code"))
        for i, minutes in zip(pick.tolist(), offsets.tolist(), strict=True):
            zone, daylight, standard = DST_CODES[codes[i]]
            change = dst_change_utc(dates[i], zone)
            assert change is not None
            instant = change + timedelta(minutes=minutes)
            local = instant.astimezone(ZoneInfo(zone))
            code = daylight if local.dst() else standard
            self.dst_events.append(
                (
                    str(part["pro_number"][i]),
                    str(part["status_code"][i]),
                    str(part["city"][i]),
                    local.strftime("%Y%m%d%H%M") + code,
                    instant.strftime("%Y-%m-%dT%H:%M:00Z"),
                )
            )
            dates[i], times[i], codes[i] = local.strftime("%Y%m%d"), local.strftime("%H%M"), code
        return part.with_columns(
            pl.Series("event_date", dates, dtype=pl.Utf8),
            pl.Series("event_time", times, dtype=pl.Utf8),
            pl.Series("time_code", codes, dtype=pl.Utf8),
        )

    def write_dst_truth(self, out: Path) -> None:
        if self.d.dst > 0:
            pl.DataFrame(
                self.dst_events,
                schema=["pro_number", "status_code", "city", "written_as", "event_at_utc"],
                orient="row",
            ).write_csv(out / "dst_events.csv")

    def _mask(self, n: int, rate: float) -> np.ndarray:
        if rate <= 0 or n == 0:
            return np.zeros(n, dtype=bool)
        return self.rng.random(n) < rate

    def logistics(self, scac: str, part: pl.DataFrame) -> pl.DataFrame:
        """Events of one carrier file: late ones held for the next file, duplicates, malformed."""
        d = self.d
        part = part.with_columns(pl.all().cast(pl.Utf8))
        if d.dst > 0:
            part = self._dst(part)
        late_before = self.held_back.pop(scac, None)
        late = self._mask(part.height, d.late)
        if late.any():
            self.held_back[scac] = part.filter(pl.Series(late))
            part = part.filter(pl.Series(~late))
        if late_before is not None:
            part = pl.concat([part, late_before], how="vertical")
        dup = self._mask(part.height, d.duplicates)
        if dup.any():
            part = pl.concat([part, part.filter(pl.Series(dup))], how="vertical")
        bad = self._mask(part.height, d.malformed)
        if bad.any():
            part = part.with_columns(
                pl.when(pl.Series(bad))
                .then(pl.lit("2025-13-45"))
                .otherwise(pl.col("event_date"))
                .alias("event_date")
            )
        if d.extra_column:
            part = part.with_columns(pl.lit("1200").alias("weight_lb"))
        return part

    def logistics_bytes(self, text: str) -> bytes:
        if self.d.cp1252 and self.first_logistics_file:
            self.first_logistics_file = False
            lines = text.split("\n")
            if len(lines) > 1 and lines[1]:
                cells = lines[1].split(",")
                cells[8] = "Cañon City"
                lines[1] = ",".join(cells)
            return "\n".join(lines).encode("cp1252")
        return text.encode("utf-8")

    def survey_rows(self, rows: list[list[object]], columns: list[str]) -> list[list[object]]:
        d = self.d
        out: list[list[object]] = []
        i_q1 = columns.index("Q1")
        i_dur = columns.index("Duration (in seconds)")
        i_prog = columns.index("Progress")
        bad = self._mask(len(rows), d.malformed)
        comma = self._mask(len(rows), d.decimal_comma)
        dup = self._mask(len(rows), d.duplicates)
        for k, row in enumerate(rows):
            r = list(row)
            if bad[k]:
                r[i_q1] = "ten"
            if comma[k]:
                r[i_dur] = f"{r[i_dur]},0"
                r[i_prog] = f"{r[i_prog]},0"
            out.append(r)
            if dup[k]:
                out.append(list(r))
        return out

    def crm_duplicates(self, rows: list[dict[str, object]]) -> list[dict[str, object]]:
        dup = self._mask(len(rows), self.d.duplicates)
        out: list[dict[str, object]] = []
        for k, r in enumerate(rows):
            out.append(r)
            if dup[k]:
                out.append(dict(r))
        return out

    def write_server_config(self, crm_dir: Path) -> None:
        if self.d.http_errors > 0:
            (crm_dir / "server.json").write_text(
                json.dumps({"fail_rate": self.d.http_errors}) + "\n", encoding="utf-8"
            )
