# UCS — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
# The first interpreter that really runs and is 3.11 or newer (pyenv shims may exist but fail).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# The services run: PostgreSQL and Redis on this machine unless told otherwise.
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ucs
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/1
PYTEST := $(PY) -m pytest

.PHONY: help install run test test-services e2e lint format messages compilemessages clean

help:
	@echo "make run            install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test           install and run the whole suite on the embedded default"
	@echo "make test-services  the suite against PostgreSQL and Redis, plus the 'services' tests"
	@echo "make e2e            browser tests in headless Chromium"
	@echo "make lint           ruff check, ruff format --check, mypy"
	@echo "make messages       update the ru and kk catalogs from the code"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

compilemessages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext"; exit 1; }
	@$(PY) manage.py compilemessages --ignore '.venv' -v0

install: $(STAMP) compilemessages

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PYTEST)

test-services: install
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) \
		$(PYTEST) -m "not e2e"

e2e: install
	$(PYTEST) -m e2e

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l ru -l kk --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l ru -l kk --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .mypy_cache .ruff_cache
