"""Quality-management side of the demo world: plants and lines, batches, goods receipts, defects,
measurements, returns, notifications with causes, CAPA with PDCA phases and actions, quality costs,
employees and training.

It draws from its own random stream (seeded from the world's seed), so adding or changing these
entities leaves the orders, deliveries, cases and surveys of the base world as they were.
Everything is vectorised per month or loops over small per-month sets (lots, notifications).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from simulator.world import World

PLANTS = [
    ("1000", "Columbus Plant", "Columbus", "OH", "US", "America/New_York"),
    ("2000", "Denver Plant", "Denver", "CO", "US", "America/Denver"),
]
# process capability (Cp) of the critical dimension per line; the treated line improves at go-live
LINE_CP = {"L1": 1.10, "L2": 1.00, "L3": 1.30, "L4": 1.40, "L5": 1.20, "L6": 1.50}
INTERVENTION_SIGMA_MULTIPLIER = 0.8
# a special cause for SPC run rules: the mean of line L5 shifts for two months
SPC_SHIFT_LINE = "L5"
SPC_SHIFT_MONTHS = (15, 16)
SPC_SHIFT_SIGMA = 1.5
MEASUREMENTS_PER_LOT = 5

DEFECT_CODES = [
    # group, code, text, class, weight
    ("SURF", "SCRT", "Scratch surface", "03", 0.22),
    ("SURF", "DENT", "Dent", "03", 0.10),
    ("DIM", "OOT", "Dimension out of tolerance", "02", 0.25),
    ("FUNC", "LEAK", "Leak", "01", 0.12),
    ("FUNC", "NOFN", "No function", "01", 0.08),
    ("ASSY", "MISS", "Missing part", "02", 0.13),
    ("LABL", "WRNG", "Wrong label", "03", 0.10),
]
INCOMING_DEFECT_CODES = [
    ("MATL", "HARD", "Material hardness off spec", "02", 0.5),
    ("MATL", "CONT", "Contamination", "02", 0.5),
]
CAUSE_CODES = [
    # group (6M), code, text, 6M category
    ("MAN", "SKIL", "Operator skill / instruction not followed", "Man"),
    ("MACH", "WEAR", "Tool or machine wear", "Machine"),
    ("MACH", "SETP", "Wrong machine setting", "Machine"),
    ("MATL", "SUPP", "Supplier material out of spec", "Material"),
    ("METH", "WINS", "Work instruction unclear", "Method"),
    ("METH", "PROC", "Process design weakness", "Method"),
    ("MEAS", "GAGE", "Gauge not calibrated", "Measurement"),
    ("ENV", "TEMP", "Temperature / humidity", "Environment"),
]
CAUSE_P_BY_TYPE = {
    "Q1": [0.15, 0.15, 0.10, 0.15, 0.15, 0.15, 0.10, 0.05],
    "Q2": [0.00, 0.00, 0.00, 0.85, 0.00, 0.05, 0.10, 0.00],
    "Q3": [0.20, 0.20, 0.15, 0.00, 0.15, 0.15, 0.10, 0.05],
}
TASK_CODES = [
    # group, code, text, lever, pdca phase
    ("CONT", "SORT", "Containment: sort and block stock", "CONTAINMENT", "D"),
    ("PROC", "WINS", "Revise work instruction", "PROCESS", "D"),
    ("PROC", "POKA", "Add poka-yoke / control plan step", "PROCESS", "D"),
    ("TRNG", "TRAI", "Retrain operators", "TRAINING", "D"),
    ("EQUP", "MAIN", "Repair / replace equipment", "EQUIPMENT", "D"),
    ("EQUP", "GAGE", "Calibrate gauges", "EQUIPMENT", "D"),
    ("VERI", "EFFC", "Verify effectiveness", "PROCESS", "C"),
    ("STD", "STDZ", "Standardise and share lessons", "PROCESS", "A"),
]
# preventive lever per 6M category of the cause
LEVER_BY_CATEGORY = {
    "Man": "TRAINING",
    "Machine": "EQUIPMENT",
    "Material": "PROCESS",
    "Method": "PROCESS",
    "Measurement": "EQUIPMENT",
    "Environment": "EQUIPMENT",
}
TASK_BY_LEVER = {"TRAINING": 3, "EQUIPMENT": 4, "PROCESS": 1}
EFFECTIVE_P = {"EQUIPMENT": 0.85, "PROCESS": 0.75, "TRAINING": 0.60}
# recurrence: after a closed CAPA the same root cause comes back on the same material (a repeat internal
# notification, type Q3, without a CAPA of its own) within RECURRENCE_WINDOW_DAYS of closure, with a
# probability that depends on the effectiveness check; drawn from a stream of its own, numbered from
# REPEAT_QMNUM_START, so every other row stays as it was
RECURRENCE_WINDOW_DAYS = 180
RECURRENCE_P = {"EFFECTIVE": 0.05, "NOT_EFFECTIVE": 0.50}
REPEAT_QMNUM_START = 290000000000
APPROVAL_CHANGES = [
    # supplier, month index, new status (the poor supplier is put on probation, then blocked)
    ("S005", 6, "Conditional"),
    ("S005", 15, "Blocked"),
    ("S009", 9, "Conditional"),
    ("S009", 18, "Approved"),
    ("S012", 12, "Approved"),
]
INITIAL_APPROVAL = {"S012": "New"}
COURSES = [
    # id, title, category, roles that must take it, hours, validity months
    ("C-ISO", "ISO 9001 awareness", "Quality system", ("*",), 2.0, 24),
    (
        "C-SPC",
        "SPC and control charts",
        "Quality methods",
        ("Quality Engineer", "Inspector"),
        8.0,
        24,
    ),
    ("C-8D", "8D problem solving", "Quality methods", ("Quality Engineer", "Team Lead"), 16.0, 36),
    ("C-CMP", "Complaint handling", "Service", ("Service Agent", "Team Lead"), 4.0, 12),
    ("C-SAF", "Machine safety", "Safety", ("Operator",), 4.0, 12),
    ("C-AIO", "Automated inspection operation", "Equipment", (), 6.0, 24),
]
ROLES = [
    # role, team type, count per plant
    ("Operator", "PRODUCTION", 12),
    ("Inspector", "QUALITY", 4),
    ("Quality Engineer", "QIT", 3),
    ("Team Lead", "PRODUCTION", 2),
    ("Service Agent", "SERVICE", 4),
]
TRAINING_COMPLETION_P = 0.06  # per employee and required course per month
INSPECTION_COST_PER_UNIT = 1.5
RMA_HANDLING_COST = 45.0
COMPLAINT_ADMIN_COST = 120.0
TRAINING_COST_PER_HOUR = 60.0
EQUIPMENT_ACTION_COST = 2500.0
RECALL_MONTH = 14
RECALL_CHURN_HR = 1.25
RECALL_EXPOSURE_DAYS = 180
# supplier delivery performance on goods receipts (drawn from a stream of its own, so every other table
# stays as it was): the poor-quality supplier also delivers late and short more often
SUPPLIER_EXTRA_LATE_P = {"S005": 0.35}
SUPPLIER_SHORT_SHIP_P = {"S005": 0.20}
DEFAULT_SHORT_SHIP_P = 0.03


def sap(d: object) -> str:
    """A numpy day / date as SAP YYYYMMDD."""
    return str(d)[:10].replace("-", "")


def sap_arr(days: np.ndarray) -> np.ndarray:
    return np.char.replace(days.astype("datetime64[D]").astype(str), "-", "")


@dataclass
class QmState:
    seen_batches: set[str] = field(default_factory=set)
    next_gr: int = 5000000000
    next_po: int = 4500000000
    next_rma: int = 60000000
    next_qmnum: int = 200000000000
    next_capa: int = 1
    next_cost: int = 1
    next_change: int = 1
    next_repeat_qmnum: int = REPEAT_QMNUM_START


class QualityWorld:
    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = np.random.default_rng([world.seed, 20240])
        self.recurrence_rng = np.random.default_rng([world.seed, 20241])
        # goods-receipt delivery performance (late / short) has its own stream: adding it changed nothing else
        self.rng_delivery = np.random.default_rng([world.seed, 20240, 2])
        self.st = QmState()
        self.employees = self._employees()
        # current approval status per supplier and the day it was set (LFA1), filled by static_tables
        self.approval: dict[str, tuple[str, str]] = {}

    # ------------------------------------------------------------------ static
    def _employees(self) -> pl.DataFrame:
        from simulator.world import LINES, START

        rng = self.rng
        rows = []
        i = 0
        for werks, *_ in PLANTS:
            lines = [ln for p, ln in LINES if p == werks]
            for role, team_type, count in ROLES:
                for k in range(count):
                    line = lines[k % len(lines)] if role in ("Operator", "Team Lead") else ""
                    team = {
                        "PRODUCTION": f"Production {line}" if line else f"Production {werks}",
                        "QUALITY": f"Quality lab {werks}",
                        "QIT": f"QIT {werks}",
                        "SERVICE": "Customer service",
                    }[team_type]
                    hired = START - timedelta(days=int(rng.integers(60, 3000)))
                    left = (
                        START + timedelta(days=int(rng.integers(30, 700)))
                        if rng.random() < 0.12
                        else date(9999, 12, 31)
                    )
                    rows.append(
                        (
                            f"E{i:04d}",
                            f"Employee {i:04d}",
                            team,
                            team_type,
                            role,
                            werks,
                            line,
                            hired.strftime("%Y%m%d"),
                            left.strftime("%Y%m%d"),
                            hired.strftime("%Y%m%d"),
                        )
                    )
                    i += 1
        return pl.DataFrame(
            rows,
            schema=[
                "PERNR",
                "ENAME",
                "ORGEH",
                "ZZ_TEAM_TYPE",
                "PLANS",
                "WERKS",
                "ZZ_ARBPL",
                "BEGDA",
                "ENDDA",
                "AEDAT",
            ],
            orient="row",
        )

    def static_tables(self) -> dict[str, pl.DataFrame]:
        from simulator.world import INTERVENTION_DATE, INTERVENTION_LINE, LINES, START, month_start

        aedat = START.strftime("%Y%m%d")
        t001w = pl.DataFrame(
            [(*p, aedat) for p in PLANTS],
            schema=["WERKS", "NAME1", "ORT01", "REGIO", "LAND1", "TZONE", "AEDAT"],
            orient="row",
        )
        crhd = pl.DataFrame(
            [
                (
                    werks,
                    line,
                    f"Assembly line {line}",
                    "0001",
                    INTERVENTION_DATE.strftime("%Y%m%d")
                    if line == INTERVENTION_LINE
                    else "00000000",
                    INTERVENTION_DATE.strftime("%Y%m%d") if line == INTERVENTION_LINE else aedat,
                )
                for werks, line in LINES
            ],
            schema=["WERKS", "ARBPL", "KTEXT", "VERWE", "ZZ_AUTO_INSP_FROM", "AEDAT"],
            orient="row",
        )
        codes = [
            ("9", g, c, t, "", "", "") for g, c, t, _, _ in DEFECT_CODES + INCOMING_DEFECT_CODES
        ]
        codes += [("5", g, c, t, cat, LEVER_BY_CATEGORY[cat], "") for g, c, t, cat in CAUSE_CODES]
        codes += [("2", g, c, t, "", lever, "") for g, c, t, lever, _ in TASK_CODES]
        # code-list drift: a retired defect code, still referenced by old data elsewhere
        codes.append(("9", "SURF", "BURR", "Burr (retired)", "", "", "X"))
        qpcd = pl.DataFrame(
            [(*r, aedat) for r in codes],
            schema=[
                "KATALOGART",
                "CODEGRUPPE",
                "CODE",
                "KURZTEXT",
                "ZZ_CATEGORY_6M",
                "ZZ_LEVER",
                "INAKTIV",
                "AEDAT",
            ],
            orient="row",
        )
        changes = []
        status = {
            s: INITIAL_APPROVAL.get(s, "Approved") for s in self.world.master.suppliers["LIFNR"]
        }
        for sup, mi, new in APPROVAL_CHANGES:
            day = month_start(mi) + timedelta(days=int(self.rng.integers(0, 27)))
            changes.append(
                (
                    f"{self.st.next_change:010d}",
                    sup,
                    "ZZ_APPROVAL",
                    status[sup],
                    new,
                    day.strftime("%Y%m%d"),
                    day.strftime("%Y%m%d"),
                )
            )
            status[sup] = new
            self.approval[sup] = (new, day.strftime("%Y%m%d"))
            self.st.next_change += 1
        cdpos = pl.DataFrame(
            changes,
            schema=["CHANGENR", "LIFNR", "FNAME", "VALUE_OLD", "VALUE_NEW", "UDATE", "AEDAT"],
            orient="row",
        )
        return {
            "T001W": t001w,
            "CRHD": crhd,
            "QPCD": qpcd,
            "LFA1_CDPOS": cdpos,
            "PA0001": self.employees,
        }

    # ------------------------------------------------------------------ monthly
    def month(
        self,
        mi: int,
        ms: date,
        lots: pl.DataFrame,
        batches: pl.DataFrame,
        deliveries: pl.DataFrame,
        delivery_facts: pl.DataFrame,
        cases: pl.DataFrame,
    ) -> dict[str, pl.DataFrame]:
        from simulator.world import end_date

        horizon = np.datetime64(end_date())
        out: dict[str, pl.DataFrame] = {}
        out["MCH1"] = self._batches(batches)
        out["MSEG"] = self._receipts(lots)
        out["QMFE"] = self._defects(lots)
        out["QASE"] = self._measurements(lots, mi)
        out["RMA"] = self._returns(deliveries, delivery_facts, cases, horizon)
        qmel, qmur, capa, qmsm = self._notifications(lots, cases, deliveries, batches, horizon, ms)
        out["QMEL"], out["QMUR"], out["ZCAPA"], out["QMSM"] = qmel, qmur, capa, qmsm
        out["TRAINING"] = self._training(mi, ms, horizon)
        out["ZQCOST"] = self._costs(lots, out["RMA"], qmel, qmsm, out["TRAINING"])
        return out

    def _batches(self, batches: pl.DataFrame) -> pl.DataFrame:
        new = batches.filter(~pl.col("CHARG").is_in(list(self.st.seen_batches)))
        self.st.seen_batches.update(new["CHARG"].to_list())
        return new.with_columns(
            pl.when(pl.col("ZZ_RECALL_DATE") != "00000000")
            .then(pl.col("ZZ_RECALL_DATE"))
            .otherwise(pl.col("HSDAT"))
            .alias("AEDAT")
        )

    def _receipts(self, lots: pl.DataFrame) -> pl.DataFrame:
        inc = lots.filter(pl.col("ART") == "01")
        n = inc.height
        created = inc["ENSTEHDAT"].str.to_date("%Y%m%d").to_numpy().astype("datetime64[D]")
        # PO promised date: most receipts on time or early, some late (late-share by supplier varies)
        promised = created + self.rng.integers(-4, 4, n)
        # planted supplier delivery performance: extra lateness (promised earlier than received) and
        # short shipments (PO quantity above the quantity received)
        sup = inc["LIFNR"].to_numpy()
        late_p = np.array([SUPPLIER_EXTRA_LATE_P.get(x, 0.0) for x in sup]) if n else np.zeros(0)
        short_p = np.array([SUPPLIER_SHORT_SHIP_P.get(x, DEFAULT_SHORT_SHIP_P) for x in sup])
        rd = self.rng_delivery
        u_late, extra_days, u_short, short_share = (
            rd.random(n),
            rd.integers(3, 10, n),
            rd.random(n),
            rd.uniform(0.05, 0.30, n),
        )
        promised = np.where(u_late < late_p, promised - extra_days, promised)
        reject_share = np.where(
            inc["VBEWERTUNG"].to_numpy() == "R",
            (inc["LMENGESCH"] / inc["GESSTICHPR"]).to_numpy(),
            0.0,
        )
        menge = inc["LOSMENGE"].to_numpy()
        rejected = np.where(
            inc["VBEWERTUNG"].to_numpy() == "R", menge, np.round(menge * reject_share)
        )
        ordered = np.where(u_short < short_p, np.ceil(menge / (1.0 - short_share)), menge)
        gr = np.arange(self.st.next_gr, self.st.next_gr + n)
        po = np.arange(self.st.next_po, self.st.next_po + n)
        self.st.next_gr += n
        self.st.next_po += n
        return pl.DataFrame(
            {
                "MBLNR": [f"{x:010d}" for x in gr],
                "ZEILE": ["0001"] * n,
                "MJAHR": inc["ENSTEHDAT"].str.slice(0, 4),
                "BWART": ["101"] * n,
                "EBELN": [f"{x:010d}" for x in po],
                "EBELP": ["00010"] * n,
                "LIFNR": inc["LIFNR"],
                "MATNR": inc["MATNR"],
                "WERKS": inc["WERK"],
                "CHARG": inc["CHARG"],
                "MENGE": menge,
                "ZZ_ACCEPTED_QTY": menge - rejected,
                "ZZ_REJECTED_QTY": rejected.astype(float),
                "EINDT": sap_arr(promised) if n else np.array([], dtype=str),
                "ZZ_PO_QTY": ordered.astype(float),
                "BUDAT": inc["ENSTEHDAT"],
                "PRUEFLOS": inc["PRUEFLOS"],
                "AEDAT": inc["ENSTEHDAT"],
            },
            schema_overrides={
                "MENGE": pl.Float64,
                "ZZ_ACCEPTED_QTY": pl.Float64,
                "ZZ_PO_QTY": pl.Float64,
            },
        )

    def _defects(self, lots: pl.DataFrame) -> pl.DataFrame:
        rng = self.rng
        d = lots.filter(pl.col("ANZFEHLER") > 0)
        rows = []
        prod_w = np.array([w for *_, w in DEFECT_CODES])
        for lot, art, anz, end in d.select("PRUEFLOS", "ART", "ANZFEHLER", "PAENDTERM").iter_rows():
            codes = INCOMING_DEFECT_CODES if art == "01" else DEFECT_CODES
            w = np.array([c[4] for c in codes]) if art == "01" else prod_w
            k = int(min(anz, 1 + rng.integers(0, 3)))
            split = rng.multinomial(anz - k, np.full(k, 1.0 / k)) + 1
            picks = rng.choice(len(codes), size=k, p=w / w.sum())
            for j in range(k):
                g, c, _, cls, _ = codes[int(picks[j])]
                rows.append((lot, f"{j + 1:04d}", "", "9", g, c, int(split[j]), cls, end))
        return pl.DataFrame(
            rows,
            schema={
                "PRUEFLOS": pl.Utf8,
                "FENUM": pl.Utf8,
                "QMNUM": pl.Utf8,
                "FEKAT": pl.Utf8,
                "FEGRP": pl.Utf8,
                "FECOD": pl.Utf8,
                "ANZFEHLER": pl.Int64,
                "FEQKLAS": pl.Utf8,
                "AEDAT": pl.Utf8,
            },
            orient="row",
        )

    def _measurements(self, lots: pl.DataFrame, mi: int) -> pl.DataFrame:
        from simulator.world import INTERVENTION_DATE, INTERVENTION_LINE

        prod = self.world.master.products
        p = lots.filter(pl.col("ART").is_in(["03", "04"])).join(
            prod.select("MATNR", "TARGET", "LSL", "USL"), on="MATNR", how="left"
        )
        n = p.height
        k = MEASUREMENTS_PER_LOT
        line = p["ARBPL"].to_numpy()
        day = p["PAENDTERM"].str.to_date("%Y%m%d").to_numpy().astype("datetime64[D]")
        cp = np.array([LINE_CP.get(x, 1.2) for x in line]) if n else np.zeros(0)
        sigma = (p["USL"].to_numpy() - p["LSL"].to_numpy()) / (6.0 * cp) if n else np.zeros(0)
        treated = (line == INTERVENTION_LINE) & (day >= np.datetime64(INTERVENTION_DATE))
        sigma = np.where(treated, sigma * INTERVENTION_SIGMA_MULTIPLIER, sigma)
        shift = np.where(
            (line == SPC_SHIFT_LINE) & (mi in SPC_SHIFT_MONTHS), SPC_SHIFT_SIGMA * sigma, 0.0
        )
        mean = p["TARGET"].to_numpy() + shift if n else np.zeros(0)
        values = np.round(self.rng.normal(np.repeat(mean, k), np.repeat(sigma, k)), 3)
        lsl = np.repeat(p["LSL"].to_numpy(), k)
        usl = np.repeat(p["USL"].to_numpy(), k)
        return pl.DataFrame(
            {
                "PRUEFLOS": np.repeat(p["PRUEFLOS"].to_numpy(), k),
                "VORGLFNR": ["0010"] * (n * k),
                "MERKNR": ["0010"] * (n * k),
                "ZZ_MERKTXT": ["Critical dimension"] * (n * k),
                "PROBENR": ["000001"] * (n * k),
                "DETAILERG": np.tile([f"{j + 1:04d}" for j in range(k)], n),
                "MESSWERT": values,
                "MBEWERTG": np.where((values >= lsl) & (values <= usl), "A", "R"),
                "PRUEFDATUV": np.repeat(p["PAENDTERM"].to_numpy(), k),
                "AEDAT": np.repeat(p["PAENDTERM"].to_numpy(), k),
            },
            schema_overrides={"MESSWERT": pl.Float64, "DETAILERG": pl.Utf8},
        )

    def _returns(
        self,
        deliveries: pl.DataFrame,
        facts: pl.DataFrame,
        cases: pl.DataFrame,
        horizon: np.datetime64,
    ) -> pl.DataFrame:
        rng = self.rng
        nd = deliveries.height
        defective = facts["defective_units"].to_numpy()
        recalled = facts["recalled"].to_numpy()
        recall_day = facts["recall_date"].to_numpy().astype("datetime64[D]")
        delivered = facts["delivered"].to_numpy().astype("datetime64[D]")
        qty = deliveries["LFIMG"].to_numpy()
        u = rng.random(nd)
        reason = np.full(nd, "", dtype=object)
        reason[(defective > 0) & (u < 0.5)] = "DEF"
        reason[(reason == "") & (u > 0.997)] = "DMG"
        reason[(reason == "") & (u < 0.001)] = "WRG"
        reason[recalled] = "RCL"
        sel = np.flatnonzero(reason != "")
        r = reason[sel]
        ret_qty = np.select(
            [r == "DEF", r == "DMG"],
            [np.maximum(defective[sel], 1), np.minimum(qty[sel], 1 + rng.integers(0, 5, len(sel)))],
            default=qty[sel],
        )
        base = np.where(r == "RCL", np.maximum(recall_day[sel], delivered[sel]), delivered[sel])
        created = base + rng.integers(2, 30, len(sel))
        disp_draw = rng.random(len(sel))
        disposition = np.select(
            [
                r == "RCL",
                r == "WRG",
                (r == "DEF") & (disp_draw < 0.55),
                r == "DEF",
                disp_draw < 0.6,
            ],
            ["SCRAP", "RESTOCK", "SCRAP", "REWORK", "SCRAP"],
            default="RESTOCK",
        )
        keep = created <= horizon
        sel, r, ret_qty, created, disposition = (
            sel[keep],
            r[keep],
            ret_qty[keep],
            created[keep],
            disposition[keep],
        )
        n = len(sel)
        ids = np.arange(self.st.next_rma, self.st.next_rma + n)
        self.st.next_rma += n
        case_by_delivery = dict(
            zip(cases["Delivery_Number__c"].to_list(), cases["Id"].to_list(), strict=True)
        )
        dl_ids = deliveries["VBELN"].to_numpy()[sel] if n else np.array([], dtype=str)
        return pl.DataFrame(
            {
                "VBELN": [f"{x:010d}" for x in ids],
                "POSNR": ["000010"] * n,
                "VGBEL": dl_ids,
                "KUNNR": facts["kunnr"].to_numpy()[sel] if n else np.array([], dtype=str),
                "MATNR": deliveries["MATNR"].to_numpy()[sel] if n else np.array([], dtype=str),
                "CHARG": deliveries["CHARG"].to_numpy()[sel] if n else np.array([], dtype=str),
                "KWMENG": ret_qty.astype(float),
                "AUGRU": r.astype(str),
                "ZZ_DISPOSITION": disposition.astype(str),
                "ZZ_CRM_CASE": [
                    case_by_delivery.get(x, "") if y == "DEF" else ""
                    for x, y in zip(dl_ids, r, strict=True)
                ],
                "ERDAT": sap_arr(created) if n else np.array([], dtype=str),
                "AEDAT": sap_arr(created) if n else np.array([], dtype=str),
            },
            schema_overrides={"KWMENG": pl.Float64},
        )

    def _notifications(
        self,
        lots: pl.DataFrame,
        cases: pl.DataFrame,
        deliveries: pl.DataFrame,
        batches: pl.DataFrame,
        horizon: np.datetime64,
        ms: date,
    ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        rng, st, m = self.rng, self.st, self.world.master
        erp_no = dict(
            zip(
                m.customers["Id"].to_list(),
                m.customers["ERP_Customer_No__c"].to_list(),
                strict=True,
            )
        )
        dl = deliveries.select("VBELN", "MATNR", "CHARG")
        plant_of = dict(
            zip(m.products["MATNR"].to_list(), m.products["WERKS"].to_list(), strict=True)
        )
        src: list[tuple[str, dict[str, object]]] = []
        pq = cases.filter(
            pl.col("Reason").is_in(["Functional failure", "Cosmetic defect"])
            & pl.col("Is_Justified__c")
        ).join(dl, left_on="Delivery_Number__c", right_on="VBELN", how="left")
        for row in pq.iter_rows(named=True):
            created = row["CreatedDate"]
            src.append(
                (
                    "Q1",
                    {
                        "QMTXT": f"Customer complaint: {row['Reason']}",
                        "PRIOK": {"High": "2", "Medium": "3", "Low": "4"}[row["Priority"]],
                        "KUNUM": erp_no[row["AccountId"]],
                        "MATNR": row["MATNR"] or "",
                        "CHARG": row["CHARG"] or "",
                        "MAWERK": plant_of.get(row["MATNR"] or "", ""),
                        "VBELN": row["Delivery_Number__c"],
                        "ZZ_CRM_CASE": row["Id"],
                        "RKMNG": float(row["Complaint_Quantity__c"]),
                        "day": np.datetime64(created.date()),
                        "MZEIT": created.strftime("%H%M%S"),
                    },
                )
            )
        rej = lots.filter(pl.col("VBEWERTUNG") == "R")
        for row in rej.iter_rows(named=True):
            kind = "Q2" if row["ART"] == "01" else "Q3"
            if kind == "Q3" and row["ART"] != "04":
                continue
            src.append(
                (
                    kind,
                    {
                        "QMTXT": "Incoming lot rejected"
                        if kind == "Q2"
                        else "Final inspection lot rejected",
                        "PRIOK": "3",
                        "LIFNUM": row["LIFNR"] if kind == "Q2" else "",
                        "MATNR": row["MATNR"],
                        "CHARG": row["CHARG"],
                        "MAWERK": row["WERK"],
                        "ZZ_ARBPL": row["ARBPL"] if kind == "Q3" else "",
                        "PRUEFLOS": row["PRUEFLOS"],
                        "RKMNG": float(row["LMENGESCH"]),
                        "day": np.datetime64(
                            row["VDATUM"][:4] + "-" + row["VDATUM"][4:6] + "-" + row["VDATUM"][6:]
                        ),
                        "MZEIT": "120000",
                    },
                )
            )
        for row in batches.filter(pl.col("ZZ_RECALL_STATUS") == "R").iter_rows(named=True):
            rd = row["ZZ_RECALL_DATE"]
            src.append(
                (
                    "Q3",
                    {
                        "QMTXT": f"Recall of batch {row['CHARG']}",
                        "PRIOK": "1",
                        "MATNR": row["MATNR"],
                        "CHARG": row["CHARG"],
                        "MAWERK": row["WERKS"],
                        "ZZ_ARBPL": row["ZZ_ARBPL"],
                        "RKMNG": 0.0,
                        "day": np.datetime64(f"{rd[:4]}-{rd[4:6]}-{rd[6:]}"),
                        "MZEIT": "080000",
                    },
                )
            )
        qmel, qmur, capa, qmsm = [], [], [], []
        owners = self.employees.filter(pl.col("PLANS") == "Quality Engineer")["PERNR"].to_list()
        actors = self.employees.filter(
            pl.col("PLANS").is_in(["Quality Engineer", "Team Lead", "Inspector"])
        )["PERNR"].to_list()
        zero = "00000000"
        for kind, f in src:
            day = np.datetime64(str(f.pop("day")), "D")
            qmnum = f"{st.next_qmnum:012d}"
            st.next_qmnum += 1
            ci = int(rng.choice(len(CAUSE_CODES), p=CAUSE_P_BY_TYPE[kind]))
            cgrp, ccod, ctxt, cat = CAUSE_CODES[ci]
            lever = LEVER_BY_CATEGORY[cat]
            with_capa = kind != "Q1" or rng.random() < 0.3
            # PDCA: plan, do, check, act phase durations in days
            durs = np.ceil(rng.exponential([10, 20, 25, 8])).astype(int)
            ends = day + np.cumsum(durs)
            reached = ends <= horizon
            ends_s = [sap(e) if ok else zero for e, ok in zip(ends, reached, strict=True)]
            if with_capa:
                closed = bool(reached[3])
                completed = ends_s[3] if closed else zero
            else:
                done = day + int(np.ceil(rng.exponential(12)))
                closed = bool(done <= horizon)
                completed = sap(done) if closed else zero
            status = (
                "NOCO"
                if closed
                else (
                    "ATCO"
                    if with_capa and reached[1]
                    else ("NOPR" if rng.random() < 0.8 else "OSNO")
                )
            )
            last = (
                max([sap(day), completed, *[e for e in ends_s if e != zero]])
                if with_capa
                else max(sap(day), completed)
            )
            qmel.append(
                {
                    "QMNUM": qmnum,
                    "QMART": kind,
                    "QMTXT": f["QMTXT"],
                    "PRIOK": f["PRIOK"],
                    "KUNUM": f.get("KUNUM", ""),
                    "LIFNUM": f.get("LIFNUM", ""),
                    "MATNR": f.get("MATNR", ""),
                    "CHARG": f.get("CHARG", ""),
                    "MAWERK": f.get("MAWERK", ""),
                    "ZZ_ARBPL": f.get("ZZ_ARBPL", ""),
                    "PRUEFLOS": f.get("PRUEFLOS", ""),
                    "VBELN": f.get("VBELN", ""),
                    "ZZ_CRM_CASE": f.get("ZZ_CRM_CASE", ""),
                    "RKMNG": f["RKMNG"],
                    "QMDAT": sap(day),
                    "MZEIT": f["MZEIT"],
                    "QMDAB": completed,
                    "STAT": status,
                    "AEDAT": last,
                }
            )
            qmur.append(
                (qmnum, "0001", "0001", "5", cgrp, ccod, ctxt, int(rng.integers(2, 6)), sap(day))
            )
            if not with_capa:
                continue
            capa_id = f"CAPA{st.next_capa:08d}"
            st.next_capa += 1
            phase = ["PLAN", "DO", "CHECK", "ACT", "CLOSED"][int(reached.sum())]
            effective = ""
            if reached[2]:
                effective = "EFFECTIVE" if rng.random() < EFFECTIVE_P[lever] else "NOT_EFFECTIVE"
            owner = owners[int(rng.integers(0, len(owners)))]
            capa.append(
                (
                    capa_id,
                    qmnum,
                    "8D" if kind in ("Q1", "Q2") else "PDCA",
                    owner,
                    sap(day),
                    sap(day + 60),
                    *ends_s,
                    phase,
                    effective,
                    last,
                )
            )
            if effective and reached[3] and f.get("MATNR"):
                repeat = self._repeat(f, cgrp, ccod, ctxt, ends[3], effective, horizon)
                if repeat is not None:
                    qmel.append(repeat[0])
                    qmur.append(repeat[1])
            tasks = [0] if kind == "Q1" or "Recall" in str(f["QMTXT"]) else []
            tasks.append(TASK_BY_LEVER[lever])
            if rng.random() < 0.3:
                tasks.append(5 if lever == "EQUIPMENT" else 2)
            tasks += [6, 7]
            for j, ti in enumerate(tasks):
                g, c, t, tlever, pdca = TASK_CODES[ti]
                end_idx = {"D": 1, "C": 2, "A": 3}[pdca]
                start = day + (0 if pdca == "D" and ti == 0 else int(np.cumsum(durs)[end_idx - 1]))
                due = start + int(durs[end_idx]) + int(rng.integers(0, 10))
                done_day = ends[end_idx] - int(rng.integers(0, 3))
                done_s = sap(done_day) if done_day <= horizon else zero
                qmsm.append(
                    (
                        qmnum,
                        f"{j + 1:04d}",
                        capa_id,
                        "2",
                        g,
                        c,
                        t,
                        actors[int(rng.integers(0, len(actors)))],
                        pdca,
                        tlever,
                        sap(start),
                        sap(due),
                        done_s,
                        max(sap(start), done_s),
                    )
                )
        qmel_df = pl.DataFrame(
            qmel,
            schema={
                c: (pl.Float64 if c == "RKMNG" else pl.Utf8)
                for c in [
                    "QMNUM",
                    "QMART",
                    "QMTXT",
                    "PRIOK",
                    "KUNUM",
                    "LIFNUM",
                    "MATNR",
                    "CHARG",
                    "MAWERK",
                    "ZZ_ARBPL",
                    "PRUEFLOS",
                    "VBELN",
                    "ZZ_CRM_CASE",
                    "RKMNG",
                    "QMDAT",
                    "MZEIT",
                    "QMDAB",
                    "STAT",
                    "AEDAT",
                ]
            },
        )
        qmur_df = pl.DataFrame(
            qmur,
            schema={
                "QMNUM": pl.Utf8,
                "FENUM": pl.Utf8,
                "URNUM": pl.Utf8,
                "URKAT": pl.Utf8,
                "URGRP": pl.Utf8,
                "URCOD": pl.Utf8,
                "URTXT": pl.Utf8,
                "ZZ_WHY_COUNT": pl.Int64,
                "AEDAT": pl.Utf8,
            },
            orient="row",
        )
        capa_df = pl.DataFrame(
            capa,
            schema=[
                "CAPA_ID",
                "QMNUM",
                "CASE_TYPE",
                "PERNR",
                "ERDAT",
                "DUE_DATE",
                "PLAN_END",
                "DO_END",
                "CHECK_END",
                "ACT_END",
                "PHASE",
                "EFFECTIVENESS",
                "AEDAT",
            ],
            orient="row",
        )
        qmsm_df = pl.DataFrame(
            qmsm,
            schema=[
                "QMNUM",
                "MANUM",
                "ZZ_CAPA_ID",
                "MNKAT",
                "MNGRP",
                "MNCOD",
                "MATXT",
                "PARNR",
                "ZZ_PDCA_PHASE",
                "ZZ_LEVER",
                "PSTER",
                "PETER",
                "ERLDAT",
                "AEDAT",
            ],
            orient="row",
        )
        del ms
        return qmel_df, qmur_df, capa_df, qmsm_df

    def _repeat(
        self,
        f: dict[str, object],
        cgrp: str,
        ccod: str,
        ctxt: str,
        closed: np.datetime64,
        effective: str,
        horizon: np.datetime64,
    ) -> tuple[dict[str, object], tuple[str, str, str, str, str, str, str, int, str]] | None:
        """A planted recurrence of a closed CAPA's root cause on the same material, or None."""
        rng = self.recurrence_rng
        if rng.random() >= RECURRENCE_P[effective]:
            return None
        day = closed + int(rng.integers(1, RECURRENCE_WINDOW_DAYS + 1))
        if day > horizon:
            return None
        done = day + int(rng.integers(1, 15))
        qmnum = f"{self.st.next_repeat_qmnum:012d}"
        self.st.next_repeat_qmnum += 1
        row: dict[str, object] = {
            "QMNUM": qmnum,
            "QMART": "Q3",
            "QMTXT": "Repeat nonconformance",
            "PRIOK": "3",
            "KUNUM": "",
            "LIFNUM": "",
            "MATNR": f.get("MATNR", ""),
            "CHARG": "",
            "MAWERK": f.get("MAWERK", ""),
            "ZZ_ARBPL": f.get("ZZ_ARBPL", ""),
            "PRUEFLOS": "",
            "VBELN": "",
            "ZZ_CRM_CASE": "",
            "RKMNG": 0.0,
            "QMDAT": sap(day),
            "MZEIT": "100000",
            "QMDAB": sap(done) if done <= horizon else "00000000",
            "STAT": "NOCO" if done <= horizon else "OSNO",
            "AEDAT": sap(min(done, horizon)),
        }
        cause = (qmnum, "0001", "0001", "5", cgrp, ccod, ctxt, int(rng.integers(2, 6)), sap(day))
        return row, cause

    def _training(self, mi: int, ms: date, horizon: np.datetime64) -> pl.DataFrame:
        from simulator.world import INTERVENTION_DATE, INTERVENTION_LINE, month_start

        rng = self.rng
        emp = self.employees
        me = month_start(mi + 1)
        days = (me - ms).days
        rows = []
        go_live_month = (
            INTERVENTION_DATE.year * 12 + INTERVENTION_DATE.month - 1 == ms.year * 12 + ms.month
        )
        for pernr, role, line, _begda, endda in emp.select(
            "PERNR", "PLANS", "ZZ_ARBPL", "BEGDA", "ENDDA"
        ).iter_rows():
            if endda <= ms.strftime("%Y%m%d"):
                continue
            for cid, title, cat, roles, hours, valid in COURSES:
                required = "*" in roles or role in roles
                forced = cid == "C-AIO" and go_live_month and line == INTERVENTION_LINE
                if not (forced or (required and rng.random() < TRAINING_COMPLETION_P)):
                    continue
                day = np.datetime64(ms) + int(rng.integers(0, days))
                score = float(np.clip(np.round(rng.normal(82, 9)), 0, 100))
                rows.append(
                    (
                        pernr,
                        cid,
                        title,
                        cat,
                        "X" if required else "",
                        sap(day),
                        hours,
                        score,
                        "X" if score >= 70 else "",
                        sap(day + valid * 30),
                        sap(day),
                    )
                )
        del horizon
        return pl.DataFrame(
            rows,
            schema={
                "PERNR": pl.Utf8,
                "COURSE_ID": pl.Utf8,
                "COURSE_TITLE": pl.Utf8,
                "COURSE_CAT": pl.Utf8,
                "REQUIRED": pl.Utf8,
                "BEGDA": pl.Utf8,
                "HOURS": pl.Float64,
                "SCORE": pl.Float64,
                "PASSED": pl.Utf8,
                "ENDDA": pl.Utf8,
                "AEDAT": pl.Utf8,
            },
            orient="row",
        )

    def _costs(
        self,
        lots: pl.DataFrame,
        rma: pl.DataFrame,
        qmel: pl.DataFrame,
        qmsm: pl.DataFrame,
        training: pl.DataFrame,
    ) -> pl.DataFrame:
        prod = self.world.master.products.select("MATNR", "STPRS", "WERKS")
        emp_plant = self.employees.select("PERNR", pl.col("WERKS").alias("EMP_WERKS"))
        parts = [
            lots.select(
                pl.col("VDATUM")
                .replace("00000000", None)
                .fill_null(pl.col("PAENDTERM"))
                .alias("BUDAT"),
                pl.col("WERK").alias("WERKS"),
                pl.lit("APPRAISAL").alias("ZZ_COQ_CAT"),
                (pl.col("LMENGEPR") * INSPECTION_COST_PER_UNIT).round(2).alias("WRBTR"),
                pl.lit("QALS").alias("ZZ_REF_TYPE"),
                pl.col("PRUEFLOS").alias("ZZ_REF_ID"),
            ),
            lots.filter((pl.col("ART") != "01") & (pl.col("LMENGESCH") > 0))
            .join(prod.select("MATNR", "STPRS"), on="MATNR", how="left")
            .select(
                pl.col("PAENDTERM").alias("BUDAT"),
                pl.col("WERK").alias("WERKS"),
                pl.lit("INTERNAL_FAILURE").alias("ZZ_COQ_CAT"),
                (pl.col("LMENGESCH") / pl.col("GESSTICHPR") * pl.col("LOSMENGE") * pl.col("STPRS"))
                .round(2)
                .alias("WRBTR"),
                pl.lit("QALS").alias("ZZ_REF_TYPE"),
                pl.col("PRUEFLOS").alias("ZZ_REF_ID"),
            ),
            rma.join(prod, on="MATNR", how="left").select(
                pl.col("ERDAT").alias("BUDAT"),
                pl.col("WERKS"),
                pl.lit("EXTERNAL_FAILURE").alias("ZZ_COQ_CAT"),
                (pl.col("KWMENG") * pl.col("STPRS") + RMA_HANDLING_COST).round(2).alias("WRBTR"),
                pl.lit("RMA").alias("ZZ_REF_TYPE"),
                pl.col("VBELN").alias("ZZ_REF_ID"),
            ),
            qmel.filter(pl.col("QMART") == "Q1").select(
                pl.col("QMDAT").alias("BUDAT"),
                pl.col("MAWERK").alias("WERKS"),
                pl.lit("EXTERNAL_FAILURE").alias("ZZ_COQ_CAT"),
                pl.lit(COMPLAINT_ADMIN_COST).alias("WRBTR"),
                pl.lit("QMEL").alias("ZZ_REF_TYPE"),
                pl.col("QMNUM").alias("ZZ_REF_ID"),
            ),
            qmsm.filter(
                (pl.col("ZZ_LEVER") == "EQUIPMENT") & (pl.col("ERLDAT") != "00000000")
            ).select(
                pl.col("ERLDAT").alias("BUDAT"),
                pl.lit("1000").alias("WERKS"),
                pl.lit("PREVENTION").alias("ZZ_COQ_CAT"),
                pl.lit(EQUIPMENT_ACTION_COST).alias("WRBTR"),
                pl.lit("QMSM").alias("ZZ_REF_TYPE"),
                (pl.col("QMNUM") + "/" + pl.col("MANUM")).alias("ZZ_REF_ID"),
            ),
            training.join(emp_plant, on="PERNR", how="left").select(
                pl.col("BEGDA").alias("BUDAT"),
                pl.col("EMP_WERKS").alias("WERKS"),
                pl.lit("PREVENTION").alias("ZZ_COQ_CAT"),
                (pl.col("HOURS") * TRAINING_COST_PER_HOUR).round(2).alias("WRBTR"),
                pl.lit("TRAINING").alias("ZZ_REF_TYPE"),
                (pl.col("PERNR") + "/" + pl.col("COURSE_ID") + "/" + pl.col("BEGDA")).alias(
                    "ZZ_REF_ID"
                ),
            ),
        ]
        costs = pl.concat(
            [
                x.with_columns(pl.col("WRBTR").cast(pl.Float64), pl.col("WERKS").cast(pl.Utf8))
                for x in parts
            ],
            how="vertical",
        )
        n = costs.height
        ids = np.arange(self.st.next_cost, self.st.next_cost + n)
        self.st.next_cost += n
        kstar = {
            "PREVENTION": "Q100",
            "APPRAISAL": "Q200",
            "INTERNAL_FAILURE": "Q300",
            "EXTERNAL_FAILURE": "Q400",
        }
        return costs.with_columns(
            pl.Series("BELNR", [f"{x:010d}" for x in ids], dtype=pl.Utf8),
            pl.lit("001").alias("BUZEI"),
            pl.col("ZZ_COQ_CAT").replace_strict(kstar).alias("KSTAR"),
            pl.lit("USD").alias("WAERS"),
            pl.col("BUDAT").alias("AEDAT"),
        )


FIRST_RESPONSE_HOURS = {"High": 4, "Medium": 8, "Low": 24}


def case_milestones(cases: pl.DataFrame, history: pl.DataFrame, horizon_day: date) -> pl.DataFrame:
    """Salesforce CaseMilestone-like SLA rows: First Response (until Classified) and Resolution."""
    from simulator.world import PRIORITY_SLA_HOURS, sf_id

    first = history.group_by("CaseId", "NewValue").agg(pl.col("CreatedDate").min().alias("at"))
    horizon = pl.lit(horizon_day).cast(pl.Datetime("us")) + pl.duration(days=1)
    parts = []
    for k, (name, status, hours) in enumerate(
        (
            ("First Response", "Classified", FIRST_RESPONSE_HOURS),
            ("Resolution", "Resolved", PRIORITY_SLA_HOURS),
        )
    ):
        done = first.filter(pl.col("NewValue") == status).select(
            "CaseId", pl.col("at").alias("CompletionDate")
        )
        parts.append(
            cases.select(
                pl.col("Id").alias("CaseId"),
                pl.col("CreatedDate").alias("StartDate"),
                pl.col("Priority")
                .replace_strict(hours)
                .cast(pl.Int64)
                .alias("TargetResponseInHrs"),
                pl.col("CaseNumber"),
            )
            .join(done, on="CaseId", how="left")
            .with_columns(
                pl.lit(name).alias("MilestoneTypeName"),
                pl.lit(k).alias("_k"),
            )
        )
    ms = pl.concat(parts, how="vertical").with_columns(
        (pl.col("StartDate") + pl.duration(hours=pl.col("TargetResponseInHrs"))).alias("TargetDate")
    )
    ms = ms.with_columns(
        pl.col("CompletionDate").is_not_null().alias("IsCompleted"),
        (
            pl.when(pl.col("CompletionDate").is_not_null())
            .then(pl.col("CompletionDate") > pl.col("TargetDate"))
            .otherwise(pl.col("TargetDate") < horizon)
        ).alias("IsViolated"),
        pl.coalesce("CompletionDate", "StartDate").alias("SystemModstamp"),
    ).sort("CaseNumber", "_k")
    return ms.select(
        pl.Series(
            "Id",
            [sf_id("5Mc", int(n) * 2 + k) for n, k in zip(ms["CaseNumber"], ms["_k"], strict=True)],
            dtype=pl.Utf8,
        ),
        "CaseId",
        "MilestoneTypeName",
        "StartDate",
        "TargetDate",
        "CompletionDate",
        "IsCompleted",
        "IsViolated",
        "TargetResponseInHrs",
        "SystemModstamp",
    )
