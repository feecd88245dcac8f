"""Every suite, keyed by its name. Add a module here and list it in SUITES."""

from __future__ import annotations

from expectations.model import Suite
from expectations.suites import (
    raw_crm_cases,
    raw_erp_qals,
    raw_erp_vbap,
    raw_logistics_tracking_events,
    raw_surveys_responses,
    reporting_customer_satisfaction_monthly,
)

SUITES: dict[str, Suite] = {
    s.name: s
    for s in (
        raw_crm_cases.SUITE,
        raw_erp_vbap.SUITE,
        raw_erp_qals.SUITE,
        raw_logistics_tracking_events.SUITE,
        raw_surveys_responses.SUITE,
        reporting_customer_satisfaction_monthly.SUITE,
    )
}
