"""ERP extraction constants."""

# ERP table -> landed table; every table carries AEDAT (changed on, YYYYMMDD), the incremental cursor
TABLES: dict[str, str] = {
    "MARA": "erp_mara",
    "LFA1": "erp_lfa1",
    "VBAK": "erp_vbak",
    "VBAP": "erp_vbap",
    "LIPS": "erp_lips",
    "QALS": "erp_qals",
    "T001W": "erp_t001w",
    "CRHD": "erp_crhd",
    "LFA1_CDPOS": "erp_lfa1_changes",
    "MSEG": "erp_mseg",
    "MCH1": "erp_mch1",
    "QPCD": "erp_qpcd",
    "QMFE": "erp_qmfe",
    "QASE": "erp_qase",
    "RMA": "erp_rma",
    "QMEL": "erp_qmel",
    "QMUR": "erp_qmur",
    "ZCAPA": "erp_capa",
    "QMSM": "erp_qmsm",
    "ZQCOST": "erp_qcost",
    "PA0001": "erp_pa0001",
    "TRAINING": "erp_training",
}
CURSOR_COLUMN = "AEDAT"
INITIAL_CURSOR = "00000000"
FETCH_ROWS = 50_000
