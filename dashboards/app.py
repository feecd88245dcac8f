"""Customer Quality Warehouse dashboards (Streamlit). Reads only the published serving file, read-only.

`cqm dashboard` (or `make dashboard`) serves this app on 127.0.0.1. The entry point draws the "data as
of" line from meta.publish_log and the sidebar filters, then runs the selected page from views/. Every
number on a page comes from a reporting mart through dashboards/data.py; pages only select rows.
"""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui

PAGES = [
    st.Page("views/scorecard.py", title="Quality scorecard", default=True),
    st.Page("views/satisfaction.py", title="Customer satisfaction"),
    st.Page("views/impact.py", title="Quality → satisfaction"),
    st.Page("views/complaints.py", title="Complaint funnel and SLA"),
    st.Page("views/root_cause.py", title="Root causes and CAPA"),
    st.Page("views/training.py", title="Training compliance"),
    st.Page("views/suppliers.py", title="Supplier and carrier scorecards"),
    st.Page("views/spc.py", title="SPC control charts"),
    st.Page("views/delivery.py", title="Delivery performance"),
]


def main() -> None:
    st.set_page_config(page_title="Customer Quality Warehouse", layout="wide")
    if not data.serving_path().exists():
        st.title("Customer Quality Warehouse")
        st.error(f"No serving file at {data.serving_path()}: run `make demo` first.")
        return
    log = data.publish_log()
    last = log.sort_values("published_at").iloc[-1]
    st.caption(
        f"Data as of {last['published_at']:%Y-%m-%d %H:%M %Z} "
        f"(publish {str(last['publish_id'])[:8]}, code version {last['code_version']}) · "
        f"read-only from {data.serving_path()}"
    )
    ui.sidebar_filters()
    st.navigation(PAGES).run()


main()
