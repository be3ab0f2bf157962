# The README's two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
# Runs a command with DATABASE_URL / REDIS_URL pointing at embedded PostgreSQL and Redis when they are unset.
EMBEDDED := $(PY) -m prm.embedded --

.PHONY: install run test lint format bench screenshots schema clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev,embedded]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Run the platform: web on http://127.0.0.1:8000, Celery worker and beat, demo tenant seeded.
run: install
	$(PY) -m prm.run

## The whole test suite: ruff and the import contracts (lint-imports), then pytest — which also runs `makemigrations --check`, `check --deploy` with
## production settings, the isolation harness and the browser tests (headless Chromium).
# Two pytest workers (this project's machines have 2 cores); `make test PYTEST_ARGS=` runs serially.
PYTEST_ARGS ?= -n 2
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(EMBEDDED) $(PY) -m pytest $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules .local

## Benchmarks at scale (default 10,000 partners): JSON to stdout and bench/results/.
## Deal registration adds 1,000,000 registrations and 200,000 CRM accounts (~15 min to generate the first time);
## a quicker try: make bench BENCH_ARGS="--registrations 100000 --crm-accounts 20000 --crm-opportunities 10000"
bench: install
	$(EMBEDDED) $(PY) -m bench.run $(BENCH_ARGS)

## Refresh the README's screenshots (docs/screenshots) from the browser tests.
screenshots: install
	PRM_SCREENSHOTS=1 $(EMBEDDED) $(PY) -m pytest tests/e2e -q

## Refresh the committed OpenAPI document after an API change; tests/api/test_schema.py fails (with the diff) until it matches.
schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml
