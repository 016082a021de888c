# The two commands in the README are `make serve` and `make test`.
# `make serve` runs gunicorn and the worker together (scripts/serve.py); Ctrl-C stops both.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := wsgi.py
HOST ?= 127.0.0.1
PORT ?= 8000
# gunicorn processes; more than one needs RATELIMIT_STORAGE_URI=redis://… (gunicorn.conf.py).
WORKERS ?=

.PHONY: serve test setup setup-dev lint translations system-test-deps

serve: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask content load
	$(BIN)/python scripts/serve.py --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

test: setup-dev system-test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

setup: $(VENV)/.runtime translations

setup-dev: $(VENV)/.dev translations

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -d translations --statistics 2>&1 | tail -n 2

# Chromium and a Chinese font for the browser tests, from Debian's packages.
system-test-deps:
	bash scripts/install-system-test-deps.sh

lint: setup-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
