"""Logistics (carrier EDI 214 files) constants."""

TABLE = "logistics_tracking_events"
FILE_GLOB = "*.csv"
