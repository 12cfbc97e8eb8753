# VicTory — two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MANAGE := $(PY) manage.py
# Where the platform keeps its database, keys and demo credentials (as the settings read it).
VAR_DIR := $(or $(VICTORY_VAR_DIR),var)

# The first Python >= 3.12 found: on PATH, then among pyenv's installed versions.
FIND_PYTHON := scripts/find-python

.PHONY: help setup run test lint bench worker messages compilemessages openapi clean

help:
	@echo "make run     set everything up and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test    set everything up and run the whole test suite"
	@echo "make setup   virtual environment, dependencies, translations, database, demo data"
	@echo "make worker  run the background-task worker and the scheduler"
	@echo "make lint    ruff, mypy and the import contracts (core knows no app)"
	@echo "make messages  extract translatable strings into victory/locale"
	@echo "make openapi   write the OpenAPI document to docs/openapi.json"

$(VENV)/.installed: pyproject.toml
	@python=$$($(FIND_PYTHON)) || exit 1; \
	  if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

compilemessages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install GNU gettext (apt-get install gettext)"; exit 1; }
	$(MANAGE) compilemessages --ignore '.venv' -v 0

setup: $(VENV)/.installed compilemessages
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo --credentials $(VAR_DIR)/demo-credentials.json
	$(MANAGE) seed_demo_reports --receipts $(VAR_DIR)/demo-receipts.json
	$(MANAGE) seed_demo_cases
	$(MANAGE) seed_demo_restorative
	$(MANAGE) seed_demo_services
	$(MANAGE) seed_content
	$(MANAGE) rebuild_search_index -v 0

run: setup
	@echo "VicTory is on http://127.0.0.1:$(PORT)/ — demo logins are in $(VAR_DIR)/demo-credentials.json"
	@# --insecure: serve static files without DEBUG (production serves them from the proxy).
	$(MANAGE) runserver --insecure 127.0.0.1:$(PORT)

test: $(VENV)/.installed compilemessages
	$(VENV)/bin/pytest

worker: setup
	$(MANAGE) run_worker

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy victory tests
	$(VENV)/bin/lint-imports

# Throwaway SQLite database and keys in a temporary directory, removed afterwards.
bench: $(VENV)/.installed compilemessages
	@dir=$$(mktemp -d) && \
	  DJANGO_SETTINGS_MODULE=victory.settings VICTORY_VAR_DIR=$$dir $(PY) benchmarks/bench_reports.py; \
	  status=$$?; rm -rf "$$dir"; exit $$status
	$(PY) benchmarks/bench_public_pages.py
	$(PY) benchmarks/bench_cases.py

messages: $(VENV)/.installed
	cd victory && ../$(PY) ../manage.py makemessages --no-obsolete --no-location --ignore 'static/*' \
	  -l es -l pt -l it -l fi -l hu -l eu -l ar

openapi: $(VENV)/.installed
	$(MANAGE) export_openapi_schema --api victory.api.api --indent 2 --sorted --output docs/openapi.json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
