# The few commands people type. `make demo` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

# Debian packages: WeasyPrint's Pango and the CJK fonts; Chromium for browser tests,
# poppler-utils for the tests that read rendered PDFs back (pdftotext, pdftoppm),
# docker-compose to validate docker-compose.yml (the docker client here has no compose).
SYSTEM_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_SYSTEM_PACKAGES := $(SYSTEM_PACKAGES) chromium poppler-utils docker-compose

# The embedded default: DEBUG on, SQLite, Celery on the filesystem transport.
DEMO_ENV := DEBUG=$${DEBUG:-1}

.PHONY: schemathesis help bootstrap system-packages test-system-packages demo run seed migrate test lint format check-migrations clean

help:
	@echo "make demo   - set everything up, load demo data, start portal + worker"
	@echo "make run    - start portal + worker without reloading demo data"
	@echo "make test   - set everything up and run the whole test suite"
	@echo "make schemathesis - fuzz the API (schemathesis, --checks all) as citizen and clerk on a local server"
	@echo "make lint   - ruff, the import layers (import-linter) and makemigrations --check"

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

bootstrap: $(STAMP) .env

# Development defaults for a plain `manage.py ...` in this checkout (see settings.ENV_FILE).
# An existing .env (e.g. a production copy of .env.example) is never overwritten.
.env:
	@printf '# Development defaults written by make bootstrap; settings.py reads it.\n# Variables set in the environment win. Not for production.\nDEBUG=1\n' > .env

system-packages:
	@scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES)

test-system-packages:
	@scripts/ensure-system-packages.sh $(TEST_SYSTEM_PACKAGES)

migrate: bootstrap
	$(DEMO_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(DEMO_ENV) $(PY) manage.py seed_demo

demo: system-packages bootstrap seed
	@$(DEMO_ENV) scripts/run.sh

run: bootstrap migrate
	@$(DEMO_ENV) scripts/run.sh

# A local gunicorn on the demo settings with the demo data; see scripts/schemathesis.sh.
schemathesis: seed
	@$(DEMO_ENV) scripts/schemathesis.sh

check-migrations: bootstrap
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# pytest-xdist: one worker per core (each with its own test database and Redis database,
# tests/worker_services.py); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

test: test-system-packages bootstrap
	DEBUG=1 $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: bootstrap check-migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: bootstrap
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/celery var/celerybeat-schedule* test-output .pytest_cache
