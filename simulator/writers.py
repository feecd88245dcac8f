"""Write the demo world in the shapes of the real source systems.

out/
  crm/<object>.jsonl           Salesforce-like objects, served by simulator.crm_server as a REST API
  erp/erp.sqlite               SAP-like tables in an SQL database: MARA, LFA1, VBAK, VBAP, LIPS, QALS and the
                               quality-management tables of simulator/qm_schema.py (T001W, CRHD, MCH1, MSEG,
                               QMFE, QASE, QMEL, QMUR, QMSM, ZCAPA, ZQCOST, RMA, PA0001, TRAINING, ...)
  logistics/inbox/*.csv        EDI 214 (AT7) carrier status events, one file per carrier and month
  surveys/<survey>.csv         Qualtrics-like response exports (three header rows)
  truth.json                   the planted effects and their true parameters
"""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from simulator.dirty import DirtWriter, Dirty
from simulator.qm_schema import QM_TABLES
from simulator.world import CARRIERS, START, World, end_date

SURVEY_TIMEZONE = "America/New_York"
INSERT_ROWS = 20_000
SURVEY_QUESTIONS = {
    "Q1": "How likely are you to recommend us to a friend or colleague?",
    "Q2": "Overall, how satisfied were you with this experience?",
    "Q3": "The company made it easy for me to handle my issue.",
    "Q4_1": "Rate: product quality",
    "Q4_2": "Rate: delivery speed",
    "Q4_3": "Rate: service experience",
    "Q4_4": "Rate: value for money",
    "Q5": "Anything else you would like to tell us?",
}
ERP_TABLES: dict[str, list[tuple[str, str]]] = {
    "MARA": [
        ("MATNR", "TEXT"),
        ("MAKTX", "TEXT"),
        ("PRODH", "TEXT"),
        ("MEINS", "TEXT"),
        ("WERKS", "TEXT"),
        ("LINE", "TEXT"),
        ("TARGET", "REAL"),
        ("LSL", "REAL"),
        ("USL", "REAL"),
        ("OPP_PER_UNIT", "INTEGER"),
        ("STPRS", "REAL"),
        ("LIST_PRICE", "REAL"),
        ("WARRANTY_MONTHS", "INTEGER"),
        ("AEDAT", "TEXT"),
    ],
    "LFA1": [
        ("LIFNR", "TEXT"),
        ("NAME1", "TEXT"),
        ("LAND1", "TEXT"),
        ("ZZ_APPROVAL", "TEXT"),
        ("AEDAT", "TEXT"),
    ],
    "VBAK": [
        ("VBELN", "TEXT"),
        ("KUNNR", "TEXT"),
        ("ERDAT", "TEXT"),
        ("ERZET", "TEXT"),
        ("VTWEG", "TEXT"),
        ("WAERK", "TEXT"),
        ("AEDAT", "TEXT"),
    ],
    "VBAP": [
        ("VBELN", "TEXT"),
        ("POSNR", "TEXT"),
        ("MATNR", "TEXT"),
        ("KWMENG", "REAL"),
        ("NETWR", "REAL"),
        ("WERKS", "TEXT"),
        ("EDATU", "TEXT"),
        ("ABGRU", "TEXT"),
        ("AEDAT", "TEXT"),
    ],
    "LIPS": [
        ("VBELN", "TEXT"),
        ("POSNR", "TEXT"),
        ("VGBEL", "TEXT"),
        ("VGPOS", "TEXT"),
        ("MATNR", "TEXT"),
        ("LFIMG", "REAL"),
        ("CHARG", "TEXT"),
        ("WADAT_IST", "TEXT"),
        ("SCAC", "TEXT"),
        ("BOLNR", "TEXT"),
        ("AEDAT", "TEXT"),
    ],
    "QALS": [
        ("PRUEFLOS", "TEXT"),
        ("WERK", "TEXT"),
        ("ART", "TEXT"),
        ("HERKUNFT", "TEXT"),
        ("MATNR", "TEXT"),
        ("CHARG", "TEXT"),
        ("LIFNR", "TEXT"),
        ("ARBPL", "TEXT"),
        ("LOSMENGE", "REAL"),
        ("GESSTICHPR", "REAL"),
        ("LMENGEPR", "REAL"),
        ("LMENGESCH", "REAL"),
        ("ANZFEHLER", "INTEGER"),
        ("ENSTEHDAT", "TEXT"),
        ("PASTRTERM", "TEXT"),
        ("PAENDTERM", "TEXT"),
        ("VBEWERTUNG", "TEXT"),
        ("VDATUM", "TEXT"),
        ("AEDAT", "TEXT"),
    ],
}
ERP_TABLES.update({t.erp: [(c.source, c.sql) for c in t.columns] for t in QM_TABLES})
EDI_COLUMNS = [
    "scac",
    "pro_number",
    "shipment_id",
    "status_code",
    "status_reason_code",
    "event_date",
    "event_time",
    "time_code",
    "city",
    "state",
    "country",
]


def sf_timestamp(value: datetime | None) -> str | None:
    """Salesforce REST datetime format, UTC: 2024-03-05T14:22:10.000+0000."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")


def _frame_to_sf(df: pl.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.iter_rows(named=True):
        out.append({k: (sf_timestamp(v) if isinstance(v, datetime) else v) for k, v in row.items()})
    return out


class SourceWriter:
    def __init__(self, out: Path, dirty: Dirty | None = None, seed: int = 0) -> None:
        self.out = out
        self.dirt = DirtWriter(dirty or Dirty(), seed)
        self._last_month = ""
        for sub in ("crm", "erp", "logistics/inbox", "surveys"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        for f in (out / "crm").glob("*.jsonl"):
            f.unlink()
        db = out / "erp" / "erp.sqlite"
        if db.exists():
            db.unlink()
        self.db = sqlite3.connect(db)
        for table, cols in ERP_TABLES.items():
            col_sql = ", ".join(f"{c} {t}" for c, t in cols)
            self.db.execute(f"CREATE TABLE {table} ({col_sql})")
        self.survey_files: dict[str, Any] = {}
        self.logistics_files: dict[str, Any] = {}

    # ---------------------------------------------------------------- ERP
    def _erp_insert(self, table: str, df: pl.DataFrame, aedat: str) -> None:
        cols = [c for c, _ in ERP_TABLES[table]]
        if df.height == 0:
            return
        if "AEDAT" not in df.columns:
            df = df.with_columns(pl.lit(aedat).alias("AEDAT"))
        placeholders = ", ".join("?" for _ in cols)
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders})"
        # in slices, so the Python tuples of one insert stay small whatever the scale
        for off in range(0, df.height, INSERT_ROWS):
            self.db.executemany(sql, df.slice(off, INSERT_ROWS).select(cols).iter_rows())

    def master(self, world: World) -> None:
        m = world.master
        aedat = START.strftime("%Y%m%d")
        self._erp_insert(
            "MARA",
            m.products.with_columns(
                pl.col("OPP_PER_UNIT").cast(pl.Int64), pl.col("WARRANTY_MONTHS").cast(pl.Int64)
            ),
            aedat,
        )
        static = world.qm.static_tables()
        approval = world.qm.approval
        self._erp_insert(
            "LFA1",
            m.suppliers.with_columns(
                pl.lit("DE").alias("LAND1"),
                pl.col("LIFNR")
                .map_elements(lambda s: approval.get(s, ("Approved", aedat))[0], pl.Utf8)
                .alias("ZZ_APPROVAL"),
                pl.col("LIFNR")
                .map_elements(lambda s: approval.get(s, ("Approved", aedat))[1], pl.Utf8)
                .alias("AEDAT"),
            ),
            aedat,
        )
        for table, frame in static.items():
            self._erp_insert(table, frame, aedat)
        self.db.commit()

    def month(self, world: World, mo: Any) -> None:
        aedat_end = mo.start.strftime("%Y%m") + "28"
        self._erp_insert("VBAK", mo.orders.with_columns(pl.col("ERDAT").alias("AEDAT")), aedat_end)
        self._erp_insert("VBAP", mo.order_lines, aedat_end)
        self._erp_insert(
            "LIPS", mo.deliveries.with_columns(pl.col("WADAT_IST").alias("AEDAT")), aedat_end
        )
        lots = mo.inspection_lots.with_columns(
            pl.when(pl.col("VDATUM") != "00000000")
            .then(pl.col("VDATUM"))
            .otherwise(pl.col("ENSTEHDAT"))
            .alias("AEDAT")
        )
        self._erp_insert("QALS", lots, aedat_end)
        for table, frame in mo.qm.items():
            if table in ERP_TABLES:
                self._erp_insert(table, frame, aedat_end)
        self.db.commit()
        # ---------------------------------------------------------------- CRM
        crm = self.out / "crm"
        cases = mo.cases.with_columns(
            pl.col("LastModifiedDate").alias("SystemModstamp"), pl.lit(False).alias("IsDeleted")
        )
        _jsonl(crm / "Case.jsonl", self.dirt.crm_duplicates(_frame_to_sf(cases)))
        hist = mo.case_history.with_columns(pl.col("CreatedDate").alias("SystemModstamp"))
        _jsonl(crm / "CaseHistory.jsonl", _frame_to_sf(hist))
        if "CaseMilestone" in mo.qm:
            _jsonl(crm / "CaseMilestone.jsonl", _frame_to_sf(mo.qm["CaseMilestone"]))
        if mo.segment_changes.height:
            self._account_history.extend(mo.segment_changes.rows())
        # ---------------------------------------------------------------- logistics
        ev = mo.tracking_events
        for scac, _, _, _, _ in CARRIERS:
            part = self.dirt.logistics(scac, ev.filter(pl.col("scac") == scac).select(EDI_COLUMNS))
            if part.height == 0:
                continue
            path = self.out / "logistics" / "inbox" / f"{scac}_{mo.start.strftime('%Y%m')}.csv"
            path.write_bytes(self.dirt.logistics_bytes(part.write_csv()))
        self._last_month = mo.start.strftime("%Y%m")
        # ---------------------------------------------------------------- surveys
        tz = ZoneInfo(SURVEY_TIMEZONE)
        utc = ZoneInfo("UTC")
        resp = mo.survey_responses
        for survey in ("post_delivery", "post_case"):
            part = resp.filter(pl.col("survey_type") == survey).drop("survey_type")
            if self.dirt.d.missing_column and survey == "post_case":
                part = part.drop("ResponseId")
            fh = self._survey_file(survey, part.columns)
            w = csv.writer(fh, lineterminator="\n")
            rows: list[list[object]] = [
                [
                    v.replace(tzinfo=utc).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
                    if isinstance(v, datetime)
                    else v
                    for v in row
                ]
                for row in part.iter_rows()
            ]
            w.writerows(self.dirt.survey_rows(rows, part.columns))

    def _survey_file(self, survey: str, columns: list[str]) -> Any:
        if survey not in self.survey_files:
            fh = (self.out / "surveys" / f"{survey}.csv").open("w", encoding="utf-8", newline="")
            if self.dirt.d.bom:
                fh.write("\ufeff")
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(columns)
            w.writerow([SURVEY_QUESTIONS.get(c, c) for c in columns])
            import_ids = []
            for c in columns:
                if c in ("StartDate", "EndDate", "RecordedDate"):
                    import_ids.append(
                        json.dumps({"ImportId": c[0].lower() + c[1:], "timeZone": SURVEY_TIMEZONE})
                    )
                elif c.startswith("Q"):
                    import_ids.append(json.dumps({"ImportId": f"QID{c[1:]}"}))
                else:
                    import_ids.append(json.dumps({"ImportId": c}))
            w.writerow(import_ids)
            self.survey_files[survey] = fh
        return self.survey_files[survey]

    # ---------------------------------------------------------------- finish
    _account_history: list[tuple[Any, ...]]

    def start(self) -> None:
        self._account_history = []

    def finish(self, world: World) -> None:
        crm = self.out / "crm"
        cust = world.master.customers
        first_seg: dict[str, str] = {}
        hist_rows: list[dict[str, Any]] = []
        # rebuild history in order: OldValue is the segment before each change
        current_by_id = dict(zip(cust["Id"].to_list(), cust["Segment__c"].to_list(), strict=True))
        changes_by_id: dict[str, list[tuple[str, datetime]]] = {}
        for acc, seg, ts in self._account_history:
            changes_by_id.setdefault(acc, []).append((seg, ts))
        last_mod: dict[str, datetime] = {}
        for acc, changes in changes_by_id.items():
            # walk back from the current value to find each old value
            values = [c[0] for c in changes]
            olds = [None, *values[:-1]]
            for (new, ts), old in zip(changes, olds, strict=True):
                hist_rows.append(
                    {
                        "Id": f"017H{len(hist_rows) + 1:014d}",
                        "AccountId": acc,
                        "Field": "Segment__c",
                        "OldValue": old,
                        "NewValue": new,
                        "CreatedDate": sf_timestamp(ts),
                    }
                )
                last_mod[acc] = ts
            first_seg[acc] = values[0]
        del current_by_id
        # the original segment of a changed account is not known from the current record; history's
        # first OldValue is filled by the writer from the generator's initial state
        accounts = cust.with_columns(
            pl.col("CreatedDate").alias("LastModifiedDate"),
        )
        rows = _frame_to_sf(accounts)
        for r in rows:
            if r["Id"] in last_mod:
                r["LastModifiedDate"] = sf_timestamp(last_mod[r["Id"]])
            r["SystemModstamp"] = r["LastModifiedDate"]
            r["IsDeleted"] = False
        _jsonl(crm / "Account.jsonl", rows)
        _jsonl(crm / "AccountHistory.jsonl", hist_rows)
        contacts = world.master.contacts.with_columns(
            pl.lit(datetime(START.year, START.month, 1, 9)).alias("LastModifiedDate")
        )
        contacts = contacts.with_columns(
            pl.col("LastModifiedDate").alias("SystemModstamp"), pl.lit(False).alias("IsDeleted")
        )
        _jsonl(crm / "Contact.jsonl", _frame_to_sf(contacts))
        for fh in self.survey_files.values():
            fh.close()
        # late events still held back arrive after the last month, in a file of their own
        for scac, late in sorted(self.dirt.held_back.items()):
            path = self.out / "logistics" / "inbox" / f"{scac}_{self._last_month}_late.csv"
            path.write_bytes(late.write_csv().encode("utf-8"))
        self.dirt.write_server_config(self.out / "crm")
        self.dirt.write_dst_truth(self.out)
        self.db.execute("VACUUM")
        self.db.close()
        truth = world.truth()
        truth["period"] = {"start": START.isoformat(), "end": end_date().isoformat()}
        if self.dirt.d.any:
            truth["dirty"] = self.dirt.d.to_json()
        (self.out / "truth.json").write_text(
            json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )


def simulate(
    out: Path, scale: float, seed: int, progress: Any = None, dirty: Dirty | None = None
) -> dict[str, int]:
    """Generate the demo source systems into `out`. Returns row counts per entity."""
    world = World(scale=scale, seed=seed)
    initial_segments = dict(
        zip(
            world.master.customers["Id"].to_list(),
            world.master.customers["Segment__c"].to_list(),
            strict=True,
        )
    )
    writer = SourceWriter(out, dirty, seed)
    writer.start()
    writer.master(world)
    counts: dict[str, int] = {}
    for mo in world.months():
        writer.month(world, mo)
        for name in (
            "orders",
            "order_lines",
            "deliveries",
            "tracking_events",
            "inspection_lots",
            "cases",
            "case_history",
            "survey_responses",
        ):
            counts[name] = counts.get(name, 0) + getattr(mo, name).height
        for table, frame in mo.qm.items():
            counts[table] = counts.get(table, 0) + frame.height
        if progress is not None:
            progress(mo.index + 1, 24, counts.get("order_lines", 0))
    # history needs each account's segment before its first change
    writer._account_history = [(a, s, t) for a, s, t in writer._account_history]
    writer.finish(world)
    _fix_history_old_values(out, initial_segments)
    return counts


def _fix_history_old_values(out: Path, initial: dict[str, str]) -> None:
    path = out / "crm" / "AccountHistory.jsonl"
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
    for r in rows:
        if r["OldValue"] is None:
            r["OldValue"] = initial[r["AccountId"]]
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")
