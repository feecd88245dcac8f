"""`cqm bench`: the pipeline against the engine it runs on.

run.py drives the measurement (alternating the full pipeline with a plain-DuckDB baseline, then an
incremental run), baseline.py is the baseline itself, procs.py samples CPU and memory of a process
tree from /proc, checksums.py compares the marts both sides produced, delta.py adds 1 % new orders.
"""
