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
  http_errors     a share of CRM API requests answered 429 / 500 (written to crm/server.json)

What the pipeline must do with each kind is tested in tests/ingestion/test_dirty.py.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import polars as pl

FLAG_KINDS = ("bom", "cp1252", "extra_column", "missing_column")
ALL_RATES = {
    "duplicates": 0.01,
    "late": 0.02,
    "malformed": 0.005,
    "decimal_comma": 0.05,
    "http_errors": 0.1,
}


@dataclass(frozen=True)
class Dirty:
    duplicates: float = 0.0
    late: float = 0.0
    malformed: float = 0.0
    decimal_comma: float = 0.0
    http_errors: float = 0.0
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

    def _mask(self, n: int, rate: float) -> np.ndarray:
        if rate <= 0 or n == 0:
            return np.zeros(n, dtype=bool)
        return self.rng.random(n) < rate

    def logistics(self, scac: str, part: pl.DataFrame) -> pl.DataFrame:
        """Events of one carrier file: late ones held for the next file, duplicates, malformed."""
        d = self.d
        part = part.with_columns(pl.all().cast(pl.Utf8))
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
