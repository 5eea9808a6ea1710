# gonghui — one command to run the platform, one to test it (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export GONGHUI_DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format typecheck check messages demo bench e2e clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml package.json package-lock.json
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed messages

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages_py

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --scale small --if-empty
	@$(PY) manage.py demo_accounts
	@echo "gonghui: http://$(HOST):$(PORT)/  (workers' pages: http://$(HOST):$(PORT)/m/)"
	@trap 'kill 0' EXIT; \
	  $(PY) manage.py db_worker & \
	  $(PY) manage.py periodic & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.installed
	$(BIN)/mypy gonghui/*/services* gonghui/*/selectors* gonghui/*/rules* gonghui/accounts/scoping.py

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Tests that commit (the browser tests, whose live server needs committed data, and a few
# others) run on their own: the flush after each of them must not empty the tables under the
# other tests (conftest.py marks them "committed"). The browser tests get a run of their own
# too: after another committed test in the same run they found the reference data gone.
test: install lint typecheck check
	$(BIN)/pytest -n 2 --dist loadfile -m "not committed"
	$(BIN)/pytest -m "committed and not e2e"
	$(BIN)/pytest -m e2e

e2e: install
	$(BIN)/pytest -m e2e

bench: install
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles var
