"""Training compliance: reporting.training_compliance (required courses held, overdue, completions)."""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui

st.header("Training compliance")
ui.applied(
    period=None,
    segment="training is per employee, not per customer segment",
    plant="the compliance mart is per team and role, not per plant",
    product_family="training has no product family",
)
tc = ui.mart(data.training_compliance, "reporting.training_compliance")
if tc is not None:
    c = st.columns(2)
    team = c[0].selectbox(
        "Team", sorted(tc["team_name"].unique(), key=lambda t: (t != ui.ALL, t)), key="tc_team"
    )
    roles = tc[tc["team_name"] == team]["job_role"].unique()
    role = c[1].selectbox("Role", sorted(roles, key=lambda r: (r != ui.ALL, r)), key="tc_role")
    rows = ui.in_period(
        tc[(tc["team_name"] == team) & (tc["job_role"] == role)], "month_start", ui.filters()
    )
    last = ui.latest(rows)
    if last is None:
        st.warning("No training requirements in the selected period for this team and role.")
    else:
        st.subheader(f"{team} · {role}, {last['month_start']:%B %Y} (latest month in the period)")
        m = st.columns(4)
        m[0].metric(
            "Compliance",
            ui.fmt(last["compliance_rate"], "pct"),
            help=ui.interval(last["compliance_ci_low"], last["compliance_ci_high"], "pct")
            + f" · {int(last['compliant_trainings']):,} of {int(last['required_trainings']):,} "
            "required courses held",
        )
        m[1].metric(
            "Overdue",
            ui.fmt(last["overdue_rate"], "pct"),
            help=ui.interval(last["overdue_ci_low"], last["overdue_ci_high"], "pct"),
        )
        m[2].metric("Employees", f"{int(last['employees']):,}")
        m[3].metric(
            "Training hours per employee", ui.fmt(last["training_hours_per_employee"], "num")
        )
        st.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="compliance_rate",
                lo="compliance_ci_low",
                hi="compliance_ci_high",
                title="Required courses held",
                small="is_small_sample",
            ),
            width="stretch",
        )
    st.caption("Grey rows: small samples (fewer required courses than the configured minimum).")
    st.dataframe(ui.grey_small(rows, "is_small_sample"), hide_index=True)
