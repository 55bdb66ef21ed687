# compagnon — every task a contributor needs. `make run` and `make test` are the two that matter.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# Use uv from PATH, else install it from PyPI into .tools/ (a plain venv) once.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The server's port reaches Django too, so links in emails (SITE_URL) point at it.
export PORT

.PHONY: help setup run test lint check-migrations test-sqlite test-postgres test-e2e bench worker messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

.tools/bin/uv:
	@echo "uv not found: installing it from PyPI into .tools/"
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

setup: .venv/.synced node_modules/.installed ## Install locked Python and front-end dependencies
	@mkdir -p var

run: setup ## Set up, migrate, load the demo club, start the worker and the server on http://$(HOST):$(PORT)
	$(MANAGE) migrate --no-input
	$(MANAGE) createcachetable
	$(MANAGE) load_demo
	@echo "Starting the task worker and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	@$(MANAGE) worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

worker: setup ## Run the background task worker alone
	$(MANAGE) worker

lint: setup ## ruff format check, ruff lint, mypy on services and selectors
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen ruff check .
	$(UV) run --frozen mypy

check-migrations: setup ## Fail when a model change has no migration
	COMPAGNON_VAR_DIR=$$(mktemp -d) $(MANAGE) makemigrations --check --dry-run
	COMPAGNON_VAR_DIR=$$(mktemp -d) $(MANAGE) check

test-sqlite: setup ## The test suite on SQLite
	DATABASE_URL= $(UV) run --frozen pytest compagnon -q -m "not postgres"

test-postgres: setup ## The test suite and the browser journeys on PostgreSQL (DATABASE_URL must point at it)
	@if [[ "$$DATABASE_URL" == postgres* ]]; then \
	  $(UV) run --frozen pytest compagnon e2e/test_workshop_journey.py e2e/test_challenge_journey.py e2e/test_case_journey.py e2e/test_join_journey.py -q; \
	else \
	  echo ""; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!  SKIPPED: PostgreSQL suite — DATABASE_URL does not point at PostgreSQL"; \
	  echo "!!  (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make test)"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  if [ "$$CI" = "true" ]; then echo "CI=true: a skipped suite is a failure."; exit 1; fi; \
	fi

test-e2e: setup ## Browser journeys in Chromium (/usr/bin/chromium or CHROMIUM_PATH)
	DATABASE_URL= $(UV) run --frozen pytest e2e -q

test: lint check-migrations test-sqlite test-postgres test-e2e ## Everything a contributor must pass
	@echo "All suites passed."

bench: setup ## Run the benchmarks in bench/
	@for script in bench/[a-z]*.py; do echo "== $$script"; $(UV) run --frozen python $$script || exit 1; done

messages: setup ## Re-extract UI strings and compile the catalogues (needs gettext)
	$(MANAGE) makemessages -l fr -l en --no-obsolete --ignore=node_modules --ignore=.venv --ignore=var --ignore=.tools
	$(UV) run --frozen python -m compagnon.core.i18n compile

clean: ## Remove the environment, front-end packages and local data
	rm -rf .venv node_modules .tools var
