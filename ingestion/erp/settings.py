"""ERP extraction constants."""

# ERP table -> landed table; every table carries AEDAT (changed on, YYYYMMDD), the incremental cursor
TABLES: dict[str, str] = {
    "MARA": "erp_mara",
    "LFA1": "erp_lfa1",
    "VBAK": "erp_vbak",
    "VBAP": "erp_vbap",
    "LIPS": "erp_lips",
    "QALS": "erp_qals",
}
CURSOR_COLUMN = "AEDAT"
INITIAL_CURSOR = "00000000"
FETCH_ROWS = 50_000
