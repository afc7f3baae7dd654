# komae-sns: `make run` starts the app on the embedded defaults, `make test` runs the whole suite.
# Both install what is missing first (Debian packages, the virtualenv, Python packages).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages the project needs: Japanese fonts and HarfBuzz subsetting for WeasyPrint PDFs,
# Pango, gettext for translations, chromium for the browser tests, venv for the virtualenv; gcc and the
# LDAP/SASL headers build python-ldap (directory sign-in), slapd is the directory of its tests; nginx
# puts the public pages' worker pool beside the staff's in `make run` and bench/rush.py (scripts/serve.sh).
APT_PACKAGES := python3-venv python3-dev fonts-ipaexfont-mincho fonts-ipaexfont-gothic libharfbuzz-subset0 \
	libpango-1.0-0 libpangoft2-1.0-0 gettext chromium postgresql-client redis-tools \
	gcc libldap2-dev libsasl2-dev slapd nginx
# Only `make bench` needs these: wrk loads the public pages (bench/public.py).
BENCH_APT_PACKAGES := wrk

# The suite runs against real PostgreSQL and Redis (given, or the local services).
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
SECOND_CITY := komae_sns/profiles/kakuuno.toml
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)

.PHONY: setup run test test-fast lint bench services clean

setup: var/.apt-installed $(VENV)/.installed

var/.apt-installed: Makefile
	@mkdir -p var
	@bash scripts/apt-install.sh $(APT_PACKAGES)
	@touch $@

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --host $(HOST) --port $(PORT)
	@bash scripts/run.sh $(HOST) $(PORT)

services:
	@bash scripts/services.sh

test: setup services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	bash scripts/check-deploy.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest
	# The embedded default gets its own smoke run: SQLite and the filesystem broker.
	env -u REDIS_URL DATABASE_URL=sqlite:///$(CURDIR)/var/smoke.sqlite3 $(VENV)/bin/pytest -m smoke -q
	# …and again as another city would run it: the shipped fictional second city's profile (issue 15).
	env -u REDIS_URL CITY_PROFILE=$(SECOND_CITY) DATABASE_URL=sqlite:///$(CURDIR)/var/smoke-second-city.sqlite3 \
	  $(VENV)/bin/pytest -m smoke -q

test-fast: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -m "not browser" -x -q

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .

bench: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/pages.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/pdf.py
	$(PY) bench/checks.py
	$(PY) bench/screening.py
	@bash scripts/apt-install.sh $(BENCH_APT_PACKAGES)
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/public.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/rush.py

clean:
	rm -rf var/staticfiles var/cache var/broker var/run
