# Two commands: `make run` (local platform with demo data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# pip's local configuration prints harmless "Location ... is ignored" warnings.
PIP_FILTER := grep -v -i "is ignored" || true

.PHONY: help install run worker test lint typecheck pytest bench clean

help:
	@echo "make run    - install, migrate, load demo data, serve http://$(HOST):$(PORT) with a worker and beat"
	@echo "make test   - ruff, mypy and the whole pytest suite (Postgres/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make bench  - the benchmarks"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | $(PIP_FILTER)

# Reinstall only when the requirement files change.
$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt 2>&1 | $(PIP_FILTER)
	@touch $@

install: $(VENV)/.installed

run: export DEBUG ?= true
run: install
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v0
	@$(MANAGE) seed_demo --if-empty
	@echo
	@echo "Serving http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/docs/). Ctrl-C stops everything."
	@trap 'trap - INT TERM EXIT; kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	  $(BIN)/celery -A mentorship worker --beat --loglevel=info --concurrency=2 \
	    --schedule var/celerybeat-schedule & \
	  $(MANAGE) runserver $(HOST):$(PORT)

# A worker with beat on its own, e.g. next to `manage.py runserver` in another terminal.
worker: export DEBUG ?= true
worker: install
	$(BIN)/celery -A mentorship worker --beat --loglevel=info --concurrency=2 --schedule var/celerybeat-schedule

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=$${SECRET_KEY:-lint-only-key} $(MANAGE) makemigrations --check --dry-run

# The Django plugin imports settings, which need a key when DEBUG is off.
typecheck: install
	SECRET_KEY=$${SECRET_KEY:-typecheck-only-key} $(BIN)/mypy .

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf var/broker var/cache var/test-broker var/celerybeat-schedule* .pytest_cache .mypy_cache .ruff_cache
