"""The demo world: master data and a month-by-month event stream with planted effects.

Everything is drawn from one seeded numpy Generator in a fixed order, so the same
(scale, seed) gives byte-identical output. Months are generated one at a time and
handed to writers, so memory stays bounded by one month of events whatever the scale.

Planted effects (their true parameters go to truth.json, see `truth()`):
- late delivery lowers post-delivery CSAT (logistic model on top-2-box) and NPS;
- a justified quality complaint (observable in the CRM) raises the churn hazard for the three months
  from the month it is filed, so the true risk ratio of churn in the 180 days after an exposed month
  (the ATT, from both potential outcomes with common random numbers) goes to truth.json;
- complaint handling (SLA breach) lowers post-case CSAT;
- automated inspection on line L2 from INTERVENTION_DATE lowers its defect rate,
  line L1 (same plant, same process) is the untreated comparison;
- supplier S005 ships poor incoming quality (and is put on probation, then blocked);
- a batch recall: customers who received a recalled batch churn faster (hazard x RECALL_CHURN_HR);
- first-contact resolution (FCR) lifts post-case CSAT;
- the Enterprise segment orders far more (more exposure) but churns far less: a confounder.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from simulator import qm
from simulator.qm import (
    RECALL_CHURN_HR,
    RECALL_EXPOSURE_DAYS,
    RECALL_MONTH,
    QualityWorld,
    case_milestones,
)

START = date(2024, 10, 1)
MONTHS = 24
INTERVENTION_DATE = date(2025, 10, 1)
INTERVENTION_LINE = "L2"
CONTROL_LINE = "L1"
POOR_SUPPLIER = "S005"

SEGMENTS = ["Enterprise", "Mid-market", "SMB"]
SEGMENT_P = [0.05, 0.25, 0.70]
ORDERS_PER_MONTH = {"Enterprise": 6.0, "Mid-market": 2.0, "SMB": 0.6}
BASE_CHURN_MONTHLY = {"Enterprise": 0.004, "Mid-market": 0.012, "SMB": 0.025}
TIERS = ["Strategic", "Key", "Standard"]
REGIONS = ["Northeast", "Southeast", "Midwest", "West"]
INDUSTRIES = ["Automotive", "Electronics", "Machinery", "Medical", "Consumer goods"]

FAMILIES = ["Pumps", "Valves", "Sensors", "Controllers", "Actuators", "Fittings"]
LINES = [
    ("1000", "L1"),
    ("1000", "L2"),
    ("1000", "L3"),
    ("2000", "L4"),
    ("2000", "L5"),
    ("2000", "L6"),
]
# base proportion defective per line (final inspection)
LINE_DEFECT_RATE = {"L1": 0.020, "L2": 0.022, "L3": 0.015, "L4": 0.012, "L5": 0.018, "L6": 0.010}
# parallel trend shared by treated and control lines (relative drift per month)
DEFECT_TREND_PER_MONTH = -0.004

CARRIERS = [
    # scac, name, late probability, mean transit days, time code of the feed
    ("FXFE", "FedEx Freight", 0.06, 2.0, "LT"),
    ("ODFL", "Old Dominion", 0.05, 2.5, "LT"),
    ("SAIA", "Saia", 0.09, 3.0, "LT"),
    ("RLCA", "R+L Carriers", 0.11, 3.0, "LT"),
    ("ABFS", "ABF Freight", 0.08, 2.5, "UT"),
    ("EXLA", "Estes Express", 0.07, 2.0, "LT"),
]
# origin terminal per plant, destination city per region: (city, state, iana zone, EDI time code)
PLANT_CITY = {
    "1000": ("Columbus", "OH", "America/New_York", "ET"),
    "2000": ("Denver", "CO", "America/Denver", "MT"),
}
REGION_CITY = {
    "Northeast": ("Boston", "MA", "America/New_York", "ET"),
    "Southeast": ("Atlanta", "GA", "America/New_York", "ET"),
    "Midwest": ("Chicago", "IL", "America/Chicago", "CT"),
    "West": ("Seattle", "WA", "America/Los_Angeles", "PT"),
}

COMPLAINT_CATEGORIES = [
    # code, Salesforce Reason, l1 factor
    ("PQ-FUNC", "Functional failure", "Product quality"),
    ("PQ-COSM", "Cosmetic defect", "Product quality"),
    ("DL-LATE", "Late delivery", "Delivery & logistics"),
    ("DL-DMG", "Packaging damage", "Delivery & logistics"),
    ("SV-RESP", "Slow response", "Service experience"),
    ("BL-INV", "Invoice error", "Documentation & billing"),
]
ORIGINS = ["Phone", "Email", "Web", "Social", "Chat"]
ORIGIN_P = [0.30, 0.35, 0.20, 0.05, 0.10]
PRIORITY_SLA_HOURS = {"High": 24, "Medium": 72, "Low": 120}

# survey model (post-delivery CSAT top-2-box): logit P(csat >= 4)
CSAT_INTERCEPT = 2.0
CSAT_LATE_EFFECT = -1.4  # on the logit scale, for any late delivery
CSAT_DAYS_LATE_EFFECT = -0.08  # per day late, capped at 14
CSAT_SEGMENT = {"Enterprise": 0.2, "Mid-market": 0.0, "SMB": -0.1}
# post-case CSAT: logit P(csat >= 4)
CASE_CSAT_INTERCEPT = 1.2
CASE_CSAT_SLA_BREACH_EFFECT = -1.1
# churn hazard ratio at a month end for a customer with a justified quality complaint filed in that month
# or the two before it (the exposure window of the next month in fct_customer_months)
CHURN_HR_DEFECT_EXPOSURE = 1.8
QUALITY_REASONS = ("Functional failure", "Cosmetic defect")
CHURN_OUTCOME_MONTHS = 6  # churn = no order in the anchor month and the 5 after it (180 days)
INTERVENTION_DEFECT_MULTIPLIER = 0.6
POOR_SUPPLIER_REJECT_RATE = 0.045
SUPPLIER_REJECT_RATE = 0.006
SURVEY_INVITE_P = 0.45
SURVEY_RESPONSE_P = 0.35
CASE_SURVEY_RESPONSE_P = 0.45
CASE_CSAT_FCR_EFFECT = 0.9
FCR_P = 0.4


def month_start(i: int) -> date:
    y, m = divmod(START.month - 1 + i, 12)
    return date(START.year + y, m + 1, 1)


def end_date() -> date:
    return month_start(MONTHS) - timedelta(days=1)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def as_datetime(day: np.datetime64) -> datetime:
    """A numpy day as a naive datetime at midnight."""
    d = day.astype("datetime64[D]").astype(date)
    return datetime(d.year, d.month, d.day)


def sf_id(prefix: str, i: int) -> str:
    """An 18-character Salesforce-like id with an object prefix."""
    return f"{prefix}Q000{i:08d}AAA"


@dataclass
class Master:
    customers: pl.DataFrame
    contacts: pl.DataFrame
    products: pl.DataFrame
    suppliers: pl.DataFrame
    employees: pl.DataFrame


@dataclass
class Month:
    index: int
    start: date
    orders: pl.DataFrame
    order_lines: pl.DataFrame
    deliveries: pl.DataFrame
    tracking_events: pl.DataFrame
    inspection_lots: pl.DataFrame
    cases: pl.DataFrame
    case_history: pl.DataFrame
    survey_responses: pl.DataFrame
    segment_changes: pl.DataFrame
    qm: dict[str, pl.DataFrame] = field(default_factory=dict)


@dataclass
class State:
    next_order: int = 10000
    next_delivery: int = 80000000
    next_lot: int = 10000000000
    next_case: int = 1
    next_response: int = 1
    next_history: int = 1
    active: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # customer x month: orders drawn whether or not the customer is still active (common random numbers
    # for the counterfactual), orders with a valid line, justified quality complaints by month filed,
    # the churn draw and the hazard without the complaint effect (segment base x recall)
    orders_drawn: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))
    orders_valid: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))
    complaints: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))
    churn_draw: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    base_hazard: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    churned_on: list[tuple[str, date]] = field(default_factory=list)
    recall_until: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="datetime64[D]"))
    recalled: dict[str, np.datetime64] = field(default_factory=dict)


class World:
    def __init__(self, scale: float, seed: int) -> None:
        if scale <= 0:
            raise ValueError(f"scale must be positive, got {scale}")
        self.scale = scale
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.master = self._master()
        n = self.master.customers.height
        self.state = State(
            active=np.ones(n, dtype=bool),
            orders_drawn=np.zeros((n, MONTHS), dtype=np.int32),
            orders_valid=np.zeros((n, MONTHS), dtype=np.int32),
            complaints=np.zeros((n, MONTHS + 1), dtype=np.int32),
            churn_draw=np.ones((n, MONTHS)),
            base_hazard=np.zeros((n, MONTHS)),
            recall_until=np.full(n, np.datetime64("1970-01-01"), dtype="datetime64[D]"),
        )
        # the quality-management entities and FCR draw from their own streams (base world unchanged)
        self.fcr_rng = np.random.default_rng([seed, 31])
        self.qm = QualityWorld(self)

    # ------------------------------------------------------------------ master data
    def _master(self) -> Master:
        rng = self.rng
        n_cust = max(12, round(300 * self.scale))
        seg = rng.choice(len(SEGMENTS), size=n_cust, p=SEGMENT_P)
        # guarantee every segment exists even at tiny scale
        seg[:3] = [0, 1, 2]
        created = [START - timedelta(days=int(d)) for d in rng.integers(30, 1500, n_cust)]
        customers = pl.DataFrame(
            {
                "Id": [sf_id("001", i) for i in range(n_cust)],
                "ERP_Customer_No__c": [f"{100000 + i:010d}" for i in range(n_cust)],
                "Name": [f"Customer {i:05d} Inc." for i in range(n_cust)],
                "Industry": [INDUSTRIES[k] for k in rng.integers(0, len(INDUSTRIES), n_cust)],
                "Type": ["Customer"] * n_cust,
                "Segment__c": [SEGMENTS[k] for k in seg],
                "Tier__c": [TIERS[min(2, k + int(rng.integers(0, 2)))] for k in seg],
                "Region__c": [REGIONS[k] for k in rng.integers(0, len(REGIONS), n_cust)],
                "BillingCountry": ["US"] * n_cust,
                "CreatedDate": [datetime(d.year, d.month, d.day, 9, 0) for d in created],
            }
        )
        contacts = pl.DataFrame(
            {
                "Id": [sf_id("003", i) for i in range(n_cust)],
                "AccountId": customers["Id"],
                "FirstName": [f"Pat{i}" for i in range(n_cust)],
                "LastName": [f"Buyer{i}" for i in range(n_cust)],
                "Email": [f"pat.buyer{i}@customer{i:05d}.example.com" for i in range(n_cust)],
                "Phone": [f"+1-555-{i % 1000:03d}-{(7 * i) % 10000:04d}" for i in range(n_cust)],
                "Title": ["Purchasing Manager"] * n_cust,
            }
        )
        n_prod = 36
        fam = np.arange(n_prod) % len(FAMILIES)
        line_idx = np.arange(n_prod) % len(LINES)
        target = np.round(rng.uniform(10, 50, n_prod), 1)
        tol = np.round(target * rng.uniform(0.03, 0.08, n_prod), 2)
        products = pl.DataFrame(
            {
                "MATNR": [f"{1000 + i:018d}" for i in range(n_prod)],
                "MAKTX": [f"{FAMILIES[f][:-1]} model {i:03d}" for i, f in enumerate(fam)],
                "PRODH": [FAMILIES[f] for f in fam],
                "MEINS": ["EA"] * n_prod,
                "WERKS": [LINES[k][0] for k in line_idx],
                "LINE": [LINES[k][1] for k in line_idx],
                "TARGET": target,
                "LSL": np.round(target - tol, 2),
                "USL": np.round(target + tol, 2),
                "OPP_PER_UNIT": rng.integers(3, 12, n_prod),
                "STPRS": np.round(rng.uniform(20, 400, n_prod), 2),
                "LIST_PRICE": np.zeros(n_prod),
                "WARRANTY_MONTHS": rng.choice([12, 24, 36], n_prod),
            }
        ).with_columns((pl.col("STPRS") * 1.6).round(2).alias("LIST_PRICE"))
        n_sup = 12
        suppliers = pl.DataFrame(
            {
                "LIFNR": [f"S{i + 1:03d}" for i in range(n_sup)],
                "NAME1": [f"Supplier {i + 1:03d} GmbH" for i in range(n_sup)],
                "REJECT_RATE": [
                    POOR_SUPPLIER_REJECT_RATE
                    if f"S{i + 1:03d}" == POOR_SUPPLIER
                    else SUPPLIER_REJECT_RATE
                    for i in range(n_sup)
                ],
            }
        )
        employees = pl.DataFrame({"EMPLOYEE_ID": [f"E{i:04d}" for i in range(20)]})
        return Master(customers, contacts, products, suppliers, employees)

    # ------------------------------------------------------------------ truth
    def truth(self) -> dict[str, object]:
        return {
            "generator": "cqm-simulator",
            "scale": self.scale,
            "seed": self.seed,
            "period": {"start": START.isoformat(), "end": end_date().isoformat()},
            "effects": {
                "late_delivery_on_post_delivery_csat": {
                    "model": "logit P(csat>=4) = a + b_late*is_late + b_days*min(days_late,14) + segment",
                    "intercept": CSAT_INTERCEPT,
                    "b_late": CSAT_LATE_EFFECT,
                    "b_days_late": CSAT_DAYS_LATE_EFFECT,
                    "segment": CSAT_SEGMENT,
                },
                "defect_exposure_on_churn": {
                    "model": "churn at the end of month k with probability base(segment) * recall HR "
                    "* HR^(a justified quality complaint filed in months k-2..k)",
                    "hazard_ratio": CHURN_HR_DEFECT_EXPOSURE,
                    "base_monthly_hazard": BASE_CHURN_MONTHLY,
                    "orders_per_month": ORDERS_PER_MONTH,
                    "confounder": "Enterprise orders most (most exposure) and churns least",
                    **self.churn_truth(),
                },
                "sla_breach_on_post_case_csat": {
                    "model": "logit P(csat>=4) = a + b_breach*is_resolution_sla_breached",
                    "intercept": CASE_CSAT_INTERCEPT,
                    "b_breach": CASE_CSAT_SLA_BREACH_EFFECT,
                },
                "automated_inspection": {
                    "treated_line": INTERVENTION_LINE,
                    "control_line": CONTROL_LINE,
                    "go_live": INTERVENTION_DATE.isoformat(),
                    "defect_rate_multiplier": INTERVENTION_DEFECT_MULTIPLIER,
                    "base_defect_rate": {
                        k: LINE_DEFECT_RATE[k] for k in (INTERVENTION_LINE, CONTROL_LINE)
                    },
                    "common_trend_per_month": DEFECT_TREND_PER_MONTH,
                },
                "first_contact_resolution_on_post_case_csat": {
                    "model": "logit P(csat>=4) = a + b_breach*is_resolution_sla_breached + b_fcr*is_fcr",
                    "b_fcr": CASE_CSAT_FCR_EFFECT,
                    "fcr_share_of_cases_not_reopened": FCR_P,
                },
                "batch_recall": {
                    "model": "monthly hazard x HR while within the exposure window after receiving a recalled batch",
                    "hazard_ratio": RECALL_CHURN_HR,
                    "exposure_days": RECALL_EXPOSURE_DAYS,
                    "recall_month": month_start(RECALL_MONTH).isoformat(),
                    "recalled_batches": sorted(self.state.recalled),
                    "rule": "the batch with the most deliveries in the recall month is recalled on day 20",
                },
                "measurement_process": {
                    "line_cp": qm.LINE_CP,
                    "treated_line_sigma_multiplier_after_go_live": qm.INTERVENTION_SIGMA_MULTIPLIER,
                    "spc_mean_shift": {
                        "line": qm.SPC_SHIFT_LINE,
                        "months": [month_start(i).isoformat() for i in qm.SPC_SHIFT_MONTHS],
                        "shift_in_sigma": qm.SPC_SHIFT_SIGMA,
                    },
                },
                "capa_effectiveness_by_lever": qm.EFFECTIVE_P,
                "capa_recurrence": {
                    "model": "after a closed CAPA, P(repeat notification with the same root-cause code "
                    "on the same material within window_days of closure) by effectiveness result; "
                    "chance coincidences of cause and material come on top",
                    "window_days": qm.RECURRENCE_WINDOW_DAYS,
                    "p_by_effectiveness": qm.RECURRENCE_P,
                },
                "training_completion": {
                    "model": "each month, each employee employed at month start completes each course "
                    "required for the role with this probability",
                    "monthly_p_per_required_course": qm.TRAINING_COMPLETION_P,
                },
                "supplier_approval_changes": [
                    {"supplier": s, "month": month_start(i).isoformat(), "status": v}
                    for s, i, v in qm.APPROVAL_CHANGES
                ],
                "poor_supplier": {
                    "supplier": POOR_SUPPLIER,
                    "reject_rate": POOR_SUPPLIER_REJECT_RATE,
                    "other_suppliers_reject_rate": SUPPLIER_REJECT_RATE,
                    # goods receipts: P(received short of the PO quantity), i.e. 1 - the expected in-full
                    # rate, and P(the promised date is set 3-9 days earlier, i.e. an extra late delivery)
                    "short_ship_p": qm.SUPPLIER_SHORT_SHIP_P[POOR_SUPPLIER],
                    "other_suppliers_short_ship_p": qm.DEFAULT_SHORT_SHIP_P,
                    "extra_late_p": qm.SUPPLIER_EXTRA_LATE_P[POOR_SUPPLIER],
                    "other_suppliers_extra_late_p": 0.0,
                },
            },
        }

    def churn_truth(self) -> dict[str, object]:
        """The true effect the churn rows of reporting.quality_satisfaction_impact estimate.

        Units: customer-months m that have an order in month m-1 and whose outcome window m..m+5 ends
        within the data. Exposed: a justified quality complaint filed in months m-3..m-1. Outcome: no
        order (with a valid line) in months m..m+5. For each exposed unit the untreated potential
        outcome replays the months from the end of m-1 with the same churn draws and order draws
        (common random numbers) but without the hazard increase of the complaints filed before m;
        complaints filed from m on keep theirs. ATT risk ratio = sum Y(1) / sum Y(0) over the exposed.
        Vectorised over customers; one pass per anchor month."""
        st = self.state
        n_months = st.orders_drawn.shape[1]
        seg = self.master.customers["Segment__c"].to_numpy()
        y1_sum = y0_sum = n_exp = n_unexp = 0
        by_segment: dict[str, list[int]] = {s: [0, 0, 0] for s in SEGMENTS}
        for m in range(1, n_months - CHURN_OUTCOME_MONTHS + 1):
            unit = st.orders_valid[:, m - 1] > 0
            exposed = unit & (st.complaints[:, max(0, m - 3) : m].sum(axis=1) > 0)
            window = range(m, m + CHURN_OUTCOME_MONTHS)
            y1 = st.orders_valid[:, m : m + CHURN_OUTCOME_MONTHS].sum(axis=1) == 0
            alive_obs = np.ones(len(unit), dtype=bool)  # every unit ordered in m-1: active then
            alive_cf = np.ones(len(unit), dtype=bool)
            ordered_cf = np.zeros(len(unit), dtype=bool)
            for j in window:
                k = j - 1  # the churn draw at the end of the month before j
                obs_exp = st.complaints[:, max(0, k - 2) : k + 1].sum(axis=1) > 0
                cf_exp = st.complaints[:, max(m, k - 2) : k + 1].sum(axis=1) > 0
                hz = st.base_hazard[:, k]
                alive_obs &= ~(
                    st.churn_draw[:, k] < hz * np.where(obs_exp, CHURN_HR_DEFECT_EXPOSURE, 1.0)
                )
                alive_cf &= ~(
                    st.churn_draw[:, k] < hz * np.where(cf_exp, CHURN_HR_DEFECT_EXPOSURE, 1.0)
                )
                # where the customer really is active the real orders count, otherwise its draws
                has_order = np.where(
                    alive_obs, st.orders_valid[:, j] > 0, st.orders_drawn[:, j] > 0
                )
                ordered_cf |= alive_cf & has_order
            y0 = ~ordered_cf
            y1_sum += int(y1[exposed].sum())
            y0_sum += int(y0[exposed].sum())
            n_exp += int(exposed.sum())
            n_unexp += int((unit & ~exposed).sum())
            for s_name in SEGMENTS:
                e = exposed & (seg == s_name)
                by_segment[s_name][0] += int(e.sum())
                by_segment[s_name][1] += int(y1[e].sum())
                by_segment[s_name][2] += int(y0[e].sum())
        return {
            "estimand": "ATT risk ratio of no order in the 180 days (6 calendar months) from an anchor "
            "month, exposed (justified quality complaint in the 3 months before) vs the same "
            "customer-months without the complaints' effect; units = customer-months with an order "
            "in the month before, outcome window within the data",
            "att_risk_ratio_180d": (y1_sum / y0_sum) if y0_sum else None,
            "exposed_units": n_exp,
            "unexposed_units": n_unexp,
            "exposed_churned": y1_sum,
            "exposed_churned_without_exposure": y0_sum,
            "exposed_by_segment": {
                s_name: {"units": v[0], "churned": v[1], "churned_without_exposure": v[2]}
                for s_name, v in by_segment.items()
            },
        }

    # ------------------------------------------------------------------ months
    def months(self) -> Iterator[Month]:
        for i in range(MONTHS):
            yield self._month(i)

    def _batch_defect_rate(self, line: np.ndarray, day: np.ndarray, month_index: int) -> np.ndarray:
        base = np.array([LINE_DEFECT_RATE[x] for x in line])
        trend = (1.0 + DEFECT_TREND_PER_MONTH) ** month_index
        treated = (line == INTERVENTION_LINE) & (day >= np.datetime64(INTERVENTION_DATE))
        mult = np.where(treated, INTERVENTION_DEFECT_MULTIPLIER, 1.0)
        noise = self.rng.lognormal(0.0, 0.25, len(line))
        return np.clip(base * trend * mult * noise, 0.0005, 0.5)

    def _month(self, mi: int) -> Month:
        rng, st, m = self.rng, self.state, self.master
        ms = month_start(mi)
        me = month_start(mi + 1)
        days_in_month = (me - ms).days
        cust = m.customers
        seg = cust["Segment__c"].to_numpy()
        n_cust = cust.height

        # --- segment changes (SCD2 source): ~5 % of customers a year move segment
        change = rng.random(n_cust) < 0.05 / 12
        seg_changes = []
        for ci in np.flatnonzero(change & st.active):
            new_seg = SEGMENTS[int(rng.integers(0, 3))]
            if new_seg != seg[ci]:
                seg_changes.append(
                    (
                        cust["Id"][int(ci)],
                        new_seg,
                        datetime(ms.year, ms.month, ms.day, 8, 0)
                        + timedelta(days=int(rng.integers(0, days_in_month))),
                    )
                )
        segment_changes = pl.DataFrame(
            seg_changes,
            schema={"Id": pl.Utf8, "Segment__c": pl.Utf8, "LastModifiedDate": pl.Datetime},
            orient="row",
        )
        if seg_changes:
            upd = dict((a, b) for a, b, _ in seg_changes)
            new = [upd.get(i, s) for i, s in zip(cust["Id"].to_list(), seg.tolist(), strict=True)]
            m.customers = cust = cust.with_columns(pl.Series("Segment__c", new))
            seg = cust["Segment__c"].to_numpy()

        # --- orders
        # drawn for every customer, kept only for the active: the draws of a churned customer are what
        # it would have ordered (common random numbers for the churn counterfactual)
        drawn = rng.poisson(np.array([ORDERS_PER_MONTH[s] for s in seg]))
        st.orders_drawn[:, mi] = drawn
        n_orders = drawn * st.active
        cust_idx = np.repeat(np.arange(n_cust), n_orders)
        no = len(cust_idx)
        order_day = np.array(ms, dtype="datetime64[D]") + rng.integers(0, days_in_month, no)
        order_ids = np.arange(st.next_order, st.next_order + no)
        st.next_order += no
        orders = pl.DataFrame(
            {
                "VBELN": [f"{x:010d}" for x in order_ids],
                "KUNNR": cust["ERP_Customer_No__c"].to_numpy()[cust_idx]
                if no
                else np.array([], dtype=str),
                "ERDAT": order_day.astype("datetime64[D]").astype(str),
                "ERZET": [
                    f"{h:02d}{mm:02d}00"
                    for h, mm in zip(rng.integers(7, 18, no), rng.integers(0, 60, no), strict=True)
                ],
                "VTWEG": rng.choice(["10", "20", "30"], no, p=[0.6, 0.3, 0.1]),
                "WAERK": ["USD"] * no,
            }
        ).with_columns(pl.col("ERDAT").str.replace_all("-", ""))

        # --- order lines
        n_lines = rng.integers(1, 5, no)
        li_order = np.repeat(np.arange(no), n_lines)
        nl = len(li_order)
        posnr = (
            np.concatenate([np.arange(1, k + 1) * 10 for k in n_lines])
            if no
            else np.array([], dtype=int)
        )
        prod_idx = rng.integers(0, m.products.height, nl)
        seg_line = seg[cust_idx][li_order] if nl else np.array([], dtype=str)
        qty = np.where(seg_line == "Enterprise", rng.integers(20, 200, nl), rng.integers(1, 60, nl))
        price = m.products["LIST_PRICE"].to_numpy()[prod_idx]
        lead = rng.integers(5, 21, nl)
        l_order_day = order_day[li_order]
        promised = l_order_day + lead
        cancelled = rng.random(nl) < 0.015
        valid_order = np.zeros(no, dtype=bool)
        valid_order[li_order[~cancelled]] = True
        st.orders_valid[:, mi] = np.bincount(cust_idx[valid_order], minlength=n_cust)
        line_plant = m.products["WERKS"].to_numpy()[prod_idx]
        order_lines = pl.DataFrame(
            {
                "VBELN": [f"{x:010d}" for x in order_ids[li_order]],
                "POSNR": [f"{p:06d}" for p in posnr],
                "MATNR": m.products["MATNR"].to_numpy()[prod_idx],
                "KWMENG": qty.astype(float),
                "NETWR": np.round(qty * price * rng.uniform(0.85, 1.0, nl), 2),
                "WERKS": line_plant,
                "EDATU": promised.astype(str),
                "ABGRU": np.where(cancelled, "Z1", ""),
            }
        ).with_columns(pl.col("EDATU").str.replace_all("-", ""))

        # --- production batch per line: product x ISO week of ship
        keep = ~cancelled
        d_idx = np.flatnonzero(keep)
        nd = len(d_idx)
        carrier_idx = rng.integers(0, len(CARRIERS), nd)
        late_p = np.array([CARRIERS[k][2] for k in carrier_idx])
        transit_mean = np.array([CARRIERS[k][3] for k in carrier_idx])
        goods_issue = promised[d_idx] - rng.integers(2, 6, nd)
        goods_issue = np.maximum(goods_issue, l_order_day[d_idx] + 1)
        is_late = rng.random(nd) < late_p
        days_late = np.where(is_late, 1 + rng.geometric(0.3, nd), -rng.integers(0, 3, nd))
        delivered = promised[d_idx] + days_late
        delivered = np.maximum(delivered, goods_issue + 1)
        days_late = (delivered - promised[d_idx]).astype(int)
        is_late = days_late > 0
        del transit_mean
        prod_line = m.products["LINE"].to_numpy()[prod_idx[d_idx]]
        week = (goods_issue - np.datetime64("2024-01-01")).astype(int) // 7
        batch_no = np.array(
            [f"B{w:04d}{p:03d}" for w, p in zip(week, prod_idx[d_idx], strict=True)]
        )
        # batch defect rate is drawn once per batch (deterministic per batch key within the month)
        uniq_batches, inv = np.unique(batch_no, return_inverse=True)
        first = np.zeros(len(uniq_batches), dtype=int)
        first[inv[::-1]] = np.arange(nd)[::-1]
        b_line = prod_line[first]
        b_day = goods_issue[first] - 3
        b_rate = self._batch_defect_rate(b_line, b_day, mi) if len(uniq_batches) else np.zeros(0)
        # defective units that escape inspection to the customer
        d_qty = qty[d_idx]
        escape = 0.05
        defective_units = (
            rng.binomial(d_qty, np.clip(b_rate[inv] * escape, 0, 1))
            if nd
            else np.zeros(0, dtype=int)
        )
        del_ids = np.arange(st.next_delivery, st.next_delivery + nd)
        st.next_delivery += nd
        scac = np.array([CARRIERS[k][0] for k in carrier_idx])
        deliveries = pl.DataFrame(
            {
                "VBELN": [f"{x:010d}" for x in del_ids],
                "POSNR": ["000010"] * nd,
                "VGBEL": order_lines["VBELN"].to_numpy()[d_idx],
                "VGPOS": order_lines["POSNR"].to_numpy()[d_idx],
                "MATNR": order_lines["MATNR"].to_numpy()[d_idx],
                "LFIMG": d_qty.astype(float),
                "CHARG": batch_no,
                "WADAT_IST": goods_issue.astype(str),
                "SCAC": scac,
                "BOLNR": [f"{s}{x:09d}" for s, x in zip(scac, del_ids, strict=True)],
            }
        ).with_columns(pl.col("WADAT_IST").str.replace_all("-", ""))

        # --- batch master (MCH1) and the planted recall
        if mi == RECALL_MONTH and len(uniq_batches):
            top = int(np.bincount(inv).argmax())
            st.recalled[str(uniq_batches[top])] = np.datetime64(ms) + 19
        recall_day = np.array(
            [st.recalled.get(str(b), np.datetime64("NaT")) for b in uniq_batches],
            dtype="datetime64[D]",
        )
        plant_of_line = dict((ln, p) for p, ln in LINES)
        batches = pl.DataFrame(
            {
                "MATNR": m.products["MATNR"].to_numpy()[prod_idx[d_idx][first]]
                if nd
                else np.array([], dtype=str),
                "CHARG": uniq_batches.astype(str),
                "WERKS": [plant_of_line[str(x)] for x in b_line],
                "ZZ_ARBPL": b_line.astype(str),
                "HSDAT": qm.sap_arr(b_day) if nd else np.array([], dtype=str),
                "ZZ_RECALL_STATUS": np.where(np.isnat(recall_day), "", "R"),
                "ZZ_RECALL_DATE": np.where(
                    np.isnat(recall_day),
                    "00000000",
                    np.char.replace(recall_day.astype(str), "-", ""),
                ),
            },
            schema={
                c: pl.Utf8
                for c in (
                    "MATNR",
                    "CHARG",
                    "WERKS",
                    "ZZ_ARBPL",
                    "HSDAT",
                    "ZZ_RECALL_STATUS",
                    "ZZ_RECALL_DATE",
                )
            },
        )
        recalled = ~np.isnat(recall_day[inv]) if nd else np.zeros(0, dtype=bool)
        recall_of_delivery = recall_day[inv] if nd else np.zeros(0, dtype="datetime64[D]")

        # --- tracking events (EDI 214 AT7), local time at the event's location
        tracking = self._tracking(
            deliveries,
            cust_idx[li_order][d_idx],
            carrier_idx,
            goods_issue,
            delivered,
            is_late,
            line_plant[d_idx],
        )

        # --- inspection lots: in-process (03) and final (04) per batch, incoming (01) per receipt
        lots = self._inspection_lots(
            uniq_batches, b_line, b_day, b_rate, prod_idx[d_idx][first], ms, days_in_month
        )

        # --- complaints (CRM cases)
        cust_of_line = cust_idx[li_order][d_idx]
        p_complaint = (
            0.004
            + 0.5 * (defective_units > 0) * np.minimum(1.0, defective_units / 3)
            + 0.04 * is_late
        )
        has_case = rng.random(nd) < np.clip(p_complaint, 0, 0.9)
        cases, history = self._cases(
            np.flatnonzero(has_case), deliveries, cust_of_line, delivered, defective_units, is_late
        )

        # --- post-delivery surveys
        responses = self._delivery_surveys(
            deliveries,
            cust_of_line,
            delivered,
            days_late,
            seg[cust_of_line] if nd else np.array([]),
        )
        responses = pl.concat([responses, self._case_surveys(cases, history)], how="vertical")

        # --- quality management side (own random stream): batches, receipts, defects, CAPA, ...
        delivery_facts = pl.DataFrame(
            {
                "defective_units": defective_units.astype(np.int64),
                "recalled": recalled,
                "recall_date": recall_of_delivery,
                "delivered": delivered.astype("datetime64[D]"),
                "kunnr": cust["ERP_Customer_No__c"].to_numpy()[cust_of_line]
                if nd
                else np.array([], dtype=str),
            },
            schema_overrides={"recall_date": pl.Date, "delivered": pl.Date},
        )
        qm_tables = self.qm.month(mi, ms, lots, batches, deliveries, delivery_facts, cases)
        qm_tables["CaseMilestone"] = case_milestones(cases, history, end_date())

        # --- recall: customers who received a recalled batch are exposed for RECALL_EXPOSURE_DAYS
        if recalled.any():
            start = np.maximum(recall_of_delivery[recalled], delivered[recalled])
            for c, d in zip(cust_of_line[recalled], start + RECALL_EXPOSURE_DAYS, strict=True):
                if d > st.recall_until[c]:
                    st.recall_until[c] = d

        # --- churn: a justified quality complaint filed this month or in the two before raises the hazard
        if cases.height:
            quality = (cases["Reason"].is_in(QUALITY_REASONS) & cases["Is_Justified__c"]).to_numpy()
            acct = cases["AccountId"].to_numpy()[quality]
            created = cases["CreatedDate"].to_numpy()[quality].astype("datetime64[M]")
            c_month = (created - np.datetime64(START, "M")).astype(int)
            c_cust = _index_of(cust["Id"].to_numpy(), acct)
            np.add.at(st.complaints, (c_cust, np.minimum(c_month, MONTHS)), 1)
        exposed = st.complaints[:, max(0, mi - 2) : mi + 1].sum(axis=1) > 0
        base = np.array([BASE_CHURN_MONTHLY[s] for s in seg]) * np.where(
            st.recall_until >= np.datetime64(me) - 1, RECALL_CHURN_HR, 1.0
        )
        draw = rng.random(n_cust)
        st.churn_draw[:, mi] = draw
        st.base_hazard[:, mi] = base
        churn = st.active & (draw < base * np.where(exposed, CHURN_HR_DEFECT_EXPOSURE, 1.0))
        st.active &= ~churn

        return Month(
            mi,
            ms,
            orders,
            order_lines,
            deliveries,
            tracking,
            lots,
            cases,
            history,
            responses,
            segment_changes,
            qm_tables,
        )

    def _tracking(
        self,
        deliveries: pl.DataFrame,
        cust_idx: np.ndarray,
        carrier_idx: np.ndarray,
        goods_issue: np.ndarray,
        delivered: np.ndarray,
        is_late: np.ndarray,
        plant: np.ndarray,
    ) -> pl.DataFrame:
        """EDI 214 events per delivery: pickup (AF), in transit (X6), delay (SD, late only), delivered (D1).

        Vectorised: every delivery's events are built as arrays and ordered by delivery, then event.
        Times are local at the event's location (with the location's EDI time code) unless the
        carrier's feed reports UTC (time code UT)."""
        rng = self.rng
        nd = deliveries.height
        schema = [
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
        if nd == 0:
            return pl.DataFrame(schema={c: pl.Utf8 for c in schema})
        region = self.master.customers["Region__c"].to_numpy()[cust_idx]
        gi = goods_issue.astype("datetime64[D]")
        dl = delivered.astype("datetime64[D]")
        pickup_h = rng.integers(8, 17, nd)
        deliver_h = rng.integers(8, 18, nd)
        late_idx = np.flatnonzero(is_late)
        sd_reason = rng.choice(["AO", "AI", "D1", "AG"], len(late_idx))
        transit = np.maximum(1, (dl - gi).astype(int) // 2)
        k = np.arange(nd)
        # (delivery, order, code, reason, day, hour, at origin)
        ev_k = np.concatenate([k, k, late_idx, k])
        ev_order = np.concatenate(
            [np.zeros(nd), np.ones(nd), np.full(len(late_idx), 2), np.full(nd, 3)]
        ).astype(int)
        ev_code = np.concatenate(
            [np.full(nd, "AF"), np.full(nd, "X6"), np.full(len(late_idx), "SD"), np.full(nd, "D1")]
        )
        ev_reason = np.concatenate(
            [np.full(nd, "NS"), np.full(nd, "NS"), sd_reason.astype(str), np.full(nd, "NS")]
        )
        ev_day = np.concatenate([gi, gi + transit, dl[late_idx] - 1, dl])
        ev_hour = np.concatenate([pickup_h, np.full(nd, 6), np.full(len(late_idx), 10), deliver_h])
        at_origin = ev_order == 0
        order = np.lexsort((ev_order, ev_k))
        ev_k, ev_code, ev_reason, ev_day, ev_hour, at_origin = (
            ev_k[order],
            ev_code[order],
            ev_reason[order],
            ev_day[order],
            ev_hour[order],
            at_origin[order],
        )
        minute = rng.integers(0, 60, len(ev_k))
        # locations as indices into one small table: plants first, then regions
        plants, regions = list(PLANT_CITY), list(REGION_CITY)
        places = np.array([PLANT_CITY[p] for p in plants] + [REGION_CITY[r] for r in regions])
        o_idx = _index_of(np.array(plants), plant)
        d_idx = len(plants) + _index_of(np.array(regions), region)
        loc = pl.Series("loc", np.where(at_origin, o_idx[ev_k], d_idx[ev_k]), dtype=pl.Int64)
        city, state, zone, tc = (
            loc.replace_strict(dict(enumerate(places[:, j].tolist())), return_dtype=pl.Utf8)
            for j in range(4)
        )
        feed_utc = np.array([CARRIERS[c][4] == "UT" for c in carrier_idx])[ev_k]
        local = (
            ev_day.astype("datetime64[m]")
            + (ev_hour * 60).astype("timedelta64[m]")
            + minute.astype("timedelta64[m]")
        )
        stamps = pl.Series("t", local.astype("datetime64[us]"))
        frame = pl.DataFrame({"t": stamps, "zone": zone, "utc": feed_utc})
        parts = []
        for z in sorted(set(zone.filter(pl.Series(feed_utc)).to_list())):
            part = frame.with_row_index("i").filter(pl.col("utc") & (pl.col("zone") == z))
            parts.append(
                part.with_columns(
                    pl.col("t")
                    .dt.replace_time_zone(z, ambiguous="earliest")
                    .dt.convert_time_zone("UTC")
                    .dt.replace_time_zone(None)
                ).select("i", "t")
            )
        t = frame["t"]
        if parts:
            conv = pl.concat(parts)
            t = t.scatter(conv["i"].to_numpy(), conv["t"])
        rows = pl.Series("k", ev_k)
        return pl.DataFrame(
            {
                "scac": pl.Series(carrier_idx[ev_k]).replace_strict(
                    {i: c[0] for i, c in enumerate(CARRIERS)}, return_dtype=pl.Utf8
                ),
                "pro_number": deliveries["BOLNR"].gather(rows),
                "shipment_id": deliveries["VBELN"].gather(rows),
                "status_code": pl.Series(ev_code, dtype=pl.Utf8),
                "status_reason_code": pl.Series(ev_reason, dtype=pl.Utf8),
                "event_date": t.dt.strftime("%Y%m%d"),
                "event_time": t.dt.strftime("%H%M"),
                "time_code": pl.select(
                    pl.when(pl.Series(feed_utc)).then(pl.lit("UT")).otherwise(tc)
                ).to_series(),
                "city": city,
                "state": state,
                "country": pl.repeat("US", len(ev_k), eager=True),
            }
        )

    def _inspection_lots(
        self,
        batches: np.ndarray,
        b_line: np.ndarray,
        b_day: np.ndarray,
        b_rate: np.ndarray,
        b_prod: np.ndarray,
        ms: date,
        days_in_month: int,
    ) -> pl.DataFrame:
        rng, st, m = self.rng, self.state, self.master
        rows: list[tuple[object, ...]] = []
        plant_of_line = dict((ln, pl_) for pl_, ln in LINES)

        def lot(
            art: str,
            herkunft: str,
            matnr: str,
            charg: str,
            lifnr: str,
            line: str,
            werk: str,
            lot_qty: int,
            sample: int,
            defective: int,
            created: np.datetime64,
        ) -> None:
            n_def = int(defective + rng.binomial(max(defective, 0), 0.3)) if defective else 0
            start = created + int(rng.integers(0, 2))
            end = start + int(rng.integers(0, 3))
            decided = rng.random() < 0.97
            ud_date = str(end).replace("-", "") if decided else "00000000"
            valuation = ("R" if defective / max(sample, 1) > 0.05 else "A") if decided else ""
            rows.append(
                (
                    f"{st.next_lot:012d}",
                    werk,
                    art,
                    herkunft,
                    matnr,
                    charg,
                    lifnr,
                    line,
                    float(lot_qty),
                    float(sample),
                    float(sample),
                    float(defective),
                    n_def,
                    str(created).replace("-", ""),
                    str(start).replace("-", ""),
                    str(end).replace("-", ""),
                    valuation,
                    ud_date,
                )
            )
            st.next_lot += 1

        for k in range(len(batches)):
            matnr = m.products["MATNR"][int(b_prod[k])]
            line = str(b_line[k])
            werk = plant_of_line[line]
            lot_qty = int(rng.integers(200, 2000))
            for art, herk, frac in (("03", "03", 0.5), ("04", "04", 1.0)):
                sample = int(rng.integers(50, 200))
                defective = int(rng.binomial(sample, min(0.9, b_rate[k] * frac)))
                lot(
                    art,
                    herk,
                    matnr,
                    str(batches[k]),
                    "",
                    line,
                    werk,
                    lot_qty,
                    sample,
                    defective,
                    b_day[k],
                )
        # incoming goods receipts: a few per supplier per month
        sup = m.suppliers
        for si in range(sup.height):
            for _ in range(int(rng.poisson(2 * max(self.scale, 0.25)))):
                day = np.datetime64(ms) + int(rng.integers(0, days_in_month))
                sample = int(rng.integers(50, 300))
                defective = int(
                    rng.binomial(sample, sup["REJECT_RATE"][si] * rng.lognormal(0, 0.3))
                )
                matnr = m.products["MATNR"][int(rng.integers(0, m.products.height))]
                lot(
                    "01",
                    "01",
                    matnr,
                    f"R{int(str(day).replace('-', '')[2:]):06d}{si:02d}",
                    sup["LIFNR"][si],
                    "",
                    "1000" if si % 2 == 0 else "2000",
                    int(rng.integers(500, 5000)),
                    sample,
                    defective,
                    day,
                )
        return pl.DataFrame(
            rows,
            schema=[
                "PRUEFLOS",
                "WERK",
                "ART",
                "HERKUNFT",
                "MATNR",
                "CHARG",
                "LIFNR",
                "ARBPL",
                "LOSMENGE",
                "GESSTICHPR",
                "LMENGEPR",
                "LMENGESCH",
                "ANZFEHLER",
                "ENSTEHDAT",
                "PASTRTERM",
                "PAENDTERM",
                "VBEWERTUNG",
                "VDATUM",
            ],
            orient="row",
        )

    def _cases(
        self,
        sel: np.ndarray,
        deliveries: pl.DataFrame,
        cust_of_line: np.ndarray,
        delivered: np.ndarray,
        defective_units: np.ndarray,
        is_late: np.ndarray,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        rng, st, m = self.rng, self.state, self.master
        case_rows: list[tuple[object, ...]] = []
        hist_rows: list[tuple[object, ...]] = []
        horizon = datetime.combine(end_date(), datetime.max.time()).replace(microsecond=0)
        for k in sel:
            ci = int(cust_of_line[k])
            if defective_units[k] > 0:
                cat = COMPLAINT_CATEGORIES[int(rng.choice([0, 1], p=[0.7, 0.3]))]
            elif is_late[k]:
                cat = COMPLAINT_CATEGORIES[int(rng.choice([2, 3], p=[0.8, 0.2]))]
            else:
                cat = COMPLAINT_CATEGORIES[int(rng.choice([3, 4, 5], p=[0.3, 0.4, 0.3]))]
            priority = str(rng.choice(["High", "Medium", "Low"], p=[0.2, 0.5, 0.3]))
            created = as_datetime(delivered[k]) + timedelta(
                days=int(rng.integers(0, 10)),
                hours=int(rng.integers(7, 19)),
                minutes=int(rng.integers(0, 60)),
            )
            if created > horizon:
                continue  # received after the simulated period ends: not in the CRM yet
            cid = st.next_case
            st.next_case += 1
            case_id = sf_id("500", cid)
            # lifecycle: New -> Classified -> Analysing -> Resolved -> Customer Notified -> Closed (reopen loops ~6 %)
            steps = [
                ("New", 0.0),
                ("Classified", rng.exponential(3)),
                ("Analysing", rng.exponential(10)),
                ("Resolved", rng.exponential(PRIORITY_SLA_HOURS[priority] * 0.7)),
                ("Customer Notified", rng.exponential(4)),
                ("Closed", rng.exponential(24)),
            ]
            t = created
            prev = ""
            status_times: dict[str, datetime] = {}
            reopened = rng.random() < 0.06
            fcr = (not reopened) and bool(self.fcr_rng.random() < FCR_P)
            for i, (status, hours) in enumerate(steps):
                t = t + timedelta(hours=float(hours))
                if t > horizon:
                    break
                hist_rows.append(
                    (
                        self._history_id(),
                        case_id,
                        "Status",
                        prev or None,
                        status,
                        t,
                    )
                )
                status_times[status] = t
                prev = status
                if reopened and status == "Closed" and i == len(steps) - 1:
                    t2 = t + timedelta(hours=float(rng.exponential(48)))
                    if t2 <= horizon:
                        hist_rows.append(
                            (
                                self._history_id(),
                                case_id,
                                "Status",
                                "Closed",
                                "Reopened",
                                t2,
                            )
                        )
                        t3 = t2 + timedelta(hours=float(rng.exponential(24)))
                        if t3 <= horizon:
                            hist_rows.append(
                                (
                                    self._history_id(),
                                    case_id,
                                    "Status",
                                    "Reopened",
                                    "Closed",
                                    t3,
                                )
                            )
                            t = t3
                            prev = "Closed"
                        else:
                            prev = "Reopened"
            is_closed = prev == "Closed"
            case_rows.append(
                (
                    case_id,
                    f"{cid:08d}",
                    m.customers["Id"][ci],
                    m.contacts["Id"][ci],
                    str(rng.choice(ORIGINS, p=ORIGIN_P)),
                    "Complaint",
                    cat[1],
                    prev,
                    priority,
                    f"{cat[1]} on delivery {deliveries['VBELN'][int(k)]}",
                    f"Customer reports: {cat[1].lower()}. Contact {m.contacts['Email'][ci]}.",
                    is_closed,
                    status_times.get("Closed") if is_closed else None,
                    priority == "High" and rng.random() < 0.3,
                    created,
                    t,
                    deliveries["VGBEL"][int(k)],
                    deliveries["VBELN"][int(k)],
                    deliveries["CHARG"][int(k)],
                    bool(defective_units[k] > 0 or is_late[k] or rng.random() < 0.5),
                    float(max(int(defective_units[k]), 1)),
                    fcr,
                )
            )
        cases = pl.DataFrame(
            case_rows,
            schema={
                "Id": pl.Utf8,
                "CaseNumber": pl.Utf8,
                "AccountId": pl.Utf8,
                "ContactId": pl.Utf8,
                "Origin": pl.Utf8,
                "Type": pl.Utf8,
                "Reason": pl.Utf8,
                "Status": pl.Utf8,
                "Priority": pl.Utf8,
                "Subject": pl.Utf8,
                "Description": pl.Utf8,
                "IsClosed": pl.Boolean,
                "ClosedDate": pl.Datetime,
                "IsEscalated": pl.Boolean,
                "CreatedDate": pl.Datetime,
                "LastModifiedDate": pl.Datetime,
                "Order_Number__c": pl.Utf8,
                "Delivery_Number__c": pl.Utf8,
                "Batch_Number__c": pl.Utf8,
                "Is_Justified__c": pl.Boolean,
                "Complaint_Quantity__c": pl.Float64,
                "First_Contact_Resolution__c": pl.Boolean,
            },
            orient="row",
        )
        history = pl.DataFrame(
            hist_rows,
            schema={
                "Id": pl.Utf8,
                "CaseId": pl.Utf8,
                "Field": pl.Utf8,
                "OldValue": pl.Utf8,
                "NewValue": pl.Utf8,
                "CreatedDate": pl.Datetime,
            },
            orient="row",
        )
        return cases, history

    def _history_id(self) -> str:
        """A unique CaseHistory id (one counter for the whole world)."""
        self.state.next_history += 1
        return sf_id("017", self.state.next_history)

    def _response_rows(self, n: int) -> list[str]:
        ids = [f"R_{self.state.next_response + i:015d}" for i in range(n)]
        self.state.next_response += n
        return ids

    def _delivery_surveys(
        self,
        deliveries: pl.DataFrame,
        cust_of_line: np.ndarray,
        delivered: np.ndarray,
        days_late: np.ndarray,
        seg: np.ndarray,
    ) -> pl.DataFrame:
        rng = self.rng
        nd = deliveries.height
        invited = rng.random(nd) < SURVEY_INVITE_P
        responded = invited & (rng.random(nd) < SURVEY_RESPONSE_P)
        idx = np.flatnonzero(responded)
        late = (days_late[idx] > 0).astype(float)
        dl = np.minimum(np.maximum(days_late[idx], 0), 14)
        seg_eff = np.array([CSAT_SEGMENT[s] for s in seg[idx]]) if len(idx) else np.zeros(0)
        p_top2 = _logistic(
            CSAT_INTERCEPT + CSAT_LATE_EFFECT * late + CSAT_DAYS_LATE_EFFECT * dl + seg_eff
        )
        top2 = rng.random(len(idx)) < p_top2
        csat = np.where(
            top2,
            rng.choice([4, 5], len(idx), p=[0.55, 0.45]),
            rng.choice([1, 2, 3], len(idx), p=[0.25, 0.35, 0.4]),
        )
        # NPS moves with satisfaction
        nps = np.clip(
            np.where(
                top2,
                rng.choice(np.arange(6, 11), len(idx), p=[0.05, 0.1, 0.2, 0.3, 0.35]),
                rng.choice(np.arange(0, 9), len(idx)),
            ),
            0,
            10,
        )
        ces = np.clip(np.round(rng.normal(5.5 - 1.5 * late, 1.0)), 1, 7).astype(int)
        answered = [
            as_datetime(delivered[k])
            + timedelta(days=int(rng.integers(1, 8)), hours=int(rng.integers(8, 21)))
            for k in idx
        ]
        return self._qualtrics_frame(
            "post_delivery",
            idx,
            cust_of_line,
            deliveries,
            answered,
            nps,
            csat,
            ces,
            [""] * len(idx),
        )

    def _case_surveys(self, cases: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
        rng, m = self.rng, self.master
        if cases.height == 0:
            return self._qualtrics_frame(
                "post_case",
                np.zeros(0, dtype=int),
                np.zeros(0, dtype=int),
                None,
                [],
                np.zeros(0),
                np.zeros(0),
                np.zeros(0),
                [],
            )
        resolved = (
            history.filter(pl.col("NewValue") == "Resolved")
            .group_by("CaseId")
            .agg(pl.col("CreatedDate").min().alias("resolved_at"))
        )
        c = cases.join(resolved, left_on="Id", right_on="CaseId", how="inner").sort("Id")
        if c.height == 0:
            return self._case_surveys(cases.head(0), history)
        sla = np.array([PRIORITY_SLA_HOURS[p] for p in c["Priority"].to_list()])
        hours = (c["resolved_at"] - c["CreatedDate"]).dt.total_seconds().to_numpy() / 3600.0
        breached = (hours > sla).astype(float)
        fcr = c["First_Contact_Resolution__c"].cast(pl.Float64).to_numpy()
        respond = rng.random(c.height) < CASE_SURVEY_RESPONSE_P
        idx = np.flatnonzero(respond)
        p_top2 = _logistic(
            CASE_CSAT_INTERCEPT
            + CASE_CSAT_SLA_BREACH_EFFECT * breached[idx]
            + CASE_CSAT_FCR_EFFECT * fcr[idx]
        )
        top2 = rng.random(len(idx)) < p_top2
        csat = np.where(top2, rng.choice([4, 5], len(idx)), rng.choice([1, 2, 3], len(idx)))
        nps = np.where(
            top2, rng.choice(np.arange(7, 11), len(idx)), rng.choice(np.arange(0, 8), len(idx))
        )
        ces = np.clip(np.round(rng.normal(5.0 - 1.2 * breached[idx], 1.0)), 1, 7).astype(int)
        acct_to_idx = {a: i for i, a in enumerate(m.customers["Id"].to_list())}
        cust = np.array([acct_to_idx[a] for a in c["AccountId"].to_list()])
        answered = [
            c["resolved_at"][int(k)] + timedelta(hours=int(rng.integers(2, 72))) for k in idx
        ]
        return self._qualtrics_frame(
            "post_case",
            idx,
            cust[idx],
            None,
            answered,
            nps,
            csat,
            ces,
            [c["Id"][int(k)] for k in idx],
            orders=[c["Order_Number__c"][int(k)] for k in idx],
            shipments=[c["Delivery_Number__c"][int(k)] for k in idx],
            direct_customer=True,
        )

    def _qualtrics_frame(
        self,
        survey: str,
        idx: np.ndarray,
        cust_of: np.ndarray,
        deliveries: pl.DataFrame | None,
        answered: list[datetime],
        nps: np.ndarray,
        csat: np.ndarray,
        ces: np.ndarray,
        tickets: list[str],
        orders: list[str] | None = None,
        shipments: list[str] | None = None,
        direct_customer: bool = False,
    ) -> pl.DataFrame:
        rng, m = self.rng, self.master
        n = len(idx)
        ids = self._response_rows(n)
        ci = cust_of if direct_customer else (cust_of[idx] if n else np.zeros(0, dtype=int))
        if orders is None:
            orders = (
                deliveries["VGBEL"].to_numpy()[idx].tolist()
                if (deliveries is not None and n)
                else []
            )
            shipments = (
                deliveries["VBELN"].to_numpy()[idx].tolist()
                if (deliveries is not None and n)
                else []
            )
        duration = rng.integers(40, 600, n)
        status = np.where(rng.random(n) < 0.01, "1", "0")  # 1 = survey preview, filtered in staging
        drivers = (
            np.clip(np.round(rng.normal(csat[:, None] if n else 0, 0.8, (n, 4))), 1, 5).astype(int)
            if n
            else np.zeros((0, 4), dtype=int)
        )
        end = [a for a in answered]
        start = [a - timedelta(seconds=int(d)) for a, d in zip(answered, duration, strict=True)]
        emails = m.contacts["Email"].to_numpy()[ci] if n else np.array([], dtype=str)
        texts = [("Great service" if c >= 4 else "Not happy with this delivery") for c in csat]
        return pl.DataFrame(
            {
                "StartDate": start,
                "EndDate": end,
                "Status": status.tolist(),
                "IPAddress": [f"10.{i % 250}.{(i * 7) % 250}.{(i * 13) % 250}" for i in range(n)],
                "Progress": ["100"] * n,
                "Duration (in seconds)": [str(d) for d in duration],
                "Finished": ["1"] * n,
                "RecordedDate": end,
                "ResponseId": ids,
                "RecipientLastName": m.contacts["LastName"].to_numpy()[ci].tolist() if n else [],
                "RecipientFirstName": m.contacts["FirstName"].to_numpy()[ci].tolist() if n else [],
                "RecipientEmail": emails.tolist(),
                "ExternalReference": m.customers["ERP_Customer_No__c"].to_numpy()[ci].tolist()
                if n
                else [],
                "DistributionChannel": ["email"] * n,
                "UserLanguage": ["EN"] * n,
                "Q1": [str(int(x)) for x in nps],
                "Q2": [str(int(x)) for x in csat],
                "Q3": [str(int(x)) for x in ces],
                "Q4_1": [str(x) for x in drivers[:, 0]],
                "Q4_2": [str(x) for x in drivers[:, 1]],
                "Q4_3": [str(x) for x in drivers[:, 2]],
                "Q4_4": [str(x) for x in drivers[:, 3]],
                "Q5": texts,
                "survey_type": [survey] * n,
                "account_id": m.customers["Id"].to_numpy()[ci].tolist() if n else [],
                "order_id": list(orders),
                "delivery_id": list(shipments or []),
                "ticket_id": list(tickets),
            },
            schema_overrides={
                "StartDate": pl.Datetime,
                "EndDate": pl.Datetime,
                "RecordedDate": pl.Datetime,
            },
        )


def _index_of(values: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Position of each item in `values` (every item must occur in values)."""
    order = np.argsort(values)
    return order[np.searchsorted(values[order], items)]


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
