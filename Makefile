# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= demo12345

.PHONY: run test install migrate demo serve lint messages clean bench vendor contract

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

# Browser libraries (static/vendor/): versions pinned in package.json + package-lock.json, each copied with its
# licence. Run by hand to refresh them (needs Node.js and npm); the copies are committed, so `make run` and
# `make test` never need Node.
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	rm -rf static/vendor/exifr static/vendor/echarts && mkdir -p static/vendor/exifr static/vendor/echarts
	cp node_modules/exifr/dist/mini.umd.js node_modules/exifr/LICENSE static/vendor/exifr/
	node -p '"exifr " + require("./node_modules/exifr/package.json").version' > static/vendor/exifr/VERSION
	cp node_modules/echarts/dist/echarts.common.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE \
		node_modules/echarts/licenses/LICENSE-d3 static/vendor/echarts/
	cp node_modules/zrender/LICENSE static/vendor/echarts/LICENSE-zrender  # bundled inside echarts.common.min.js
	node -p '"echarts " + require("./node_modules/echarts/package.json").version' > static/vendor/echarts/VERSION

# Schemathesis against a live server (tests/contract/run_schemathesis.py); DATABASE_URL=postgres://… for PostgreSQL.
contract: install
	$(BIN)/python tests/contract/run_schemathesis.py
