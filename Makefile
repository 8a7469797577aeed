# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= demo12345

.PHONY: run test install migrate demo serve lint messages clean bench contract

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo --password $(DEMO_PASSWORD)
	@echo
	@echo "  http://$(HOST):$(PORT)/  demo logins (password $(DEMO_PASSWORD)):"
	@echo "  demo_patroller demo_patroller2 demo_village_chief demo_township demo_county demo_city demo_supervisor"
	@echo "  admin: demo_city (superuser)"
	@echo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	DEBUG=1 $(BIN)/python manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

bench: install
	$(BIN)/python bench/ingest.py

# Schemathesis against a live server (tests/contract/run_schemathesis.py); DATABASE_URL=postgres://… for PostgreSQL.
contract: install
	$(BIN)/python tests/contract/run_schemathesis.py
