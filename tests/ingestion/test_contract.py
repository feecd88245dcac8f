"""Landing contracts: snake_case names, typing, quarantine with file and line, loud missing columns."""

from __future__ import annotations

import polars as pl
import pytest

from ingestion.common.contract import (
    ContractError,
    conform,
    contracts_for,
    load_contract,
    snake_case,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("SystemModstamp", "system_modstamp"),
        ("Segment__c", "segment_c"),
        ("ERP_Customer_No__c", "erp_customer_no_c"),
        ("IPAddress", "ip_address"),
        ("Duration (in seconds)", "duration_in_seconds"),
        ("Q4_1", "q4_1"),
        ("MATNR", "matnr"),
        ("WADAT_IST", "wadat_ist"),
    ],
)
def test_snake_case(source: str, expected: str) -> None:
    assert snake_case(source) == expected


def test_every_contract_is_well_formed() -> None:
    for source in ("crm", "erp", "logistics", "surveys"):
        contracts = contracts_for(source)
        assert contracts
        for c in contracts:
            assert set(c.natural_key) <= set(c.column_names), c.table
            assert len(set(c.column_names)) == len(c.column_names)


def _events(**overrides: list[str]) -> pl.DataFrame:
    base = {
        "scac": ["ODFL", "ODFL", "ODFL"],
        "pro_number": ["P1", "P2", "P3"],
        "shipment_id": ["S1", "S2", "S3"],
        "status_code": ["AF", "D1", "X6"],
        "status_reason_code": ["NS", "NS", "NS"],
        "event_date": ["20250301", "2025-03-02", "20250303"],
        "event_time": ["0830", "0915", "2400x"],
        "time_code": ["ET", "ET", "ET"],
        "city": ["Boston"] * 3,
        "state": ["MA"] * 3,
        "country": ["US"] * 3,
    }
    base.update(overrides)
    return pl.DataFrame(base)


def test_bad_rows_are_quarantined_with_line_and_reason() -> None:
    contract = load_contract("logistics", "logistics_tracking_events")
    good, bad, extra = conform(_events(), contract, source_file="ODFL_202503.csv", line_offset=1)
    assert good.height == 1 and bad.height == 2
    assert bad["_source_line"].to_list() == [3, 4]  # header is line 1
    assert "event_date" in bad["reason"][0] and "event_time" in bad["reason"][1]
    assert all(bad["_source_file"] == "ODFL_202503.csv")
    assert extra == []


def test_extra_column_is_kept_and_reported() -> None:
    contract = load_contract("logistics", "logistics_tracking_events")
    df = _events(event_date=["20250301"] * 3, event_time=["0830"] * 3).with_columns(
        pl.lit("x").alias("trailer_id")
    )
    good, bad, extra = conform(df, contract, source_file="f.csv")
    assert extra == ["trailer_id"] and bad.height == 0
    assert '"trailer_id":"x"' in good["_extra_columns"][0]


def test_missing_required_column_names_file_and_column() -> None:
    contract = load_contract("logistics", "logistics_tracking_events")
    with pytest.raises(ContractError, match=r"file ODFL_202503\.csv has no column 'status_code'"):
        conform(_events().drop("status_code"), contract, source_file="ODFL_202503.csv")


def test_typed_values() -> None:
    contract = load_contract("crm", "crm_cases")
    df = pl.DataFrame(
        {
            "Id": ["500A"],
            "CaseNumber": ["1"],
            "Status": ["New"],
            "IsClosed": ["true"],
            "CreatedDate": ["2025-03-05T14:22:10.000+0000"],
            "LastModifiedDate": ["2025-03-05T14:22:10Z"],
            "SystemModstamp": ["2025-03-05T16:22:10.000+0200"],
            "Complaint_Quantity__c": ["2.5"],
        }
    )
    good, bad, _ = conform(df, contract, source_file="Case page 1")
    assert bad.height == 0
    row = good.row(0, named=True)
    assert row["is_closed"] is True and row["complaint_quantity_c"] == 2.5
    assert row["system_modstamp"] == row["created_date"]  # +0200 normalised to UTC
