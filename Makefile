# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Everything is installed into .venv from requirements.lock (hashes pinned); nothing else is needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export CQM_HOME ?= $(CURDIR)
export UV_PYTHON_DOWNLOADS := never
export DO_NOT_TRACK := 1
export DAGSTER_DISABLE_TELEMETRY := 1

DBT := $(BIN)/dbt
DBT_ARGS := --project-dir $(CURDIR)/dbt --profiles-dir $(CURDIR)/dbt
DBT_SOURCES := $(shell find dbt/models dbt/macros dbt/seeds dbt/tests dbt/snapshots -type f 2>/dev/null) dbt/dbt_project.yml

.PHONY: demo test check dev dashboard lock clean venv manifest help postgres-server bench chromium

help:
	@echo "make demo       simulate the sources, materialize everything, publish, print the KPIs"
	@echo "make test       run the test suite (creates the environment first)"
	@echo "make check      ruff, sqlfluff, mypy, dbt parse and the definitions-load check"
	@echo "make dev        the Dagster UI with the whole graph, against the demo sources"
	@echo "make dashboard  the Streamlit dashboards on the serving file"
	@echo "make lock       re-resolve requirements.lock from pyproject.toml"
	@echo "make bench      the pipeline against plain DuckDB (BENCH_SCALE=1 BENCH_REPEATS=3), see docs/benchmarks.md"

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@# bytecode compiled at install: where PYTHONDONTWRITEBYTECODE is set nothing else writes it, and every
	@# process (cqm, dbt, pytest) compiled dagster, dbt and Great Expectations from source (about 5 s each)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.installed

dbt/target/manifest.json: $(VENV)/.installed $(DBT_SOURCES)
	CQM_DUCKDB_PATH=$(CQM_HOME)/warehouse/cqm.duckdb $(DBT) parse $(DBT_ARGS) --quiet

manifest: dbt/target/manifest.json

demo: venv manifest
	$(BIN)/cqm demo

# The ERP connector is tested against a real PostgreSQL server started by the test itself; a fresh
# machine gets Debian's server binaries here (they live in /usr/lib/postgresql/<version>/bin).
postgres-server:
	@if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=""; if [ "$$(id -u)" -ne 0 ]; then SUDO="sudo"; fi; \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y postgresql; \
	fi

# The dashboards are tested in a real headless browser: Debian's chromium, driven by pip playwright
# pointed at /usr/bin/chromium (never a browser download).
chromium:
	@if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then \
		SUDO=""; if [ "$$(id -u)" -ne 0 ]; then SUDO="sudo"; fi; \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium; \
	fi

test: venv manifest postgres-server chromium
	$(BIN)/pytest

check: venv manifest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CQM_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint dbt/models
	$(BIN)/mypy
	$(DBT) parse $(DBT_ARGS) --quiet
	$(BIN)/python -c "from dagster_project.definitions import defs; defs.resolve_all_job_defs(); print('definitions load')"

BENCH_SCALE ?= 1
BENCH_REPEATS ?= 3
bench: venv manifest
	$(BIN)/cqm bench --scale $(BENCH_SCALE) --repeats $(BENCH_REPEATS)

dev: venv manifest
	$(BIN)/cqm dev

dashboard: venv
	$(BIN)/cqm dashboard

lock: venv
	$(BIN)/uv pip compile pyproject.toml --group dev --generate-hashes --no-header --python-version 3.11 -o requirements.lock

clean:
	rm -rf dbt/target dbt/logs .pytest_cache .mypy_cache .ruff_cache
