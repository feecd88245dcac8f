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

# Tables are landed WORKERS at a time, each by its own thread with its own source connection and its own
# cursor on the build file. Reading a chunk is mostly Python (the GIL); conforming and landing it are mostly
# polars and DuckDB, which release it: two tables side by side keep both cores of a small machine busy where
# one table at a time left the second mostly idle.
WORKERS = 2
# The tables an ERP of this shape holds the most rows in (order items, delivery items, order headers) start
# first, so that the last table to finish is a small one, not one of these.
LARGEST_FIRST = ("VBAP", "LIPS", "VBAK")
