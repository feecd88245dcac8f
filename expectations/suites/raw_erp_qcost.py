"""Quality cost postings (CO line items on quality cost elements) by cost-of-quality category: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_qcost",
    gxe.ExpectColumnValuesToBeBetween(column="wrbtr", min_value=0, severity=BLOCK),
)
