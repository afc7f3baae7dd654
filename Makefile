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
# Pango, gettext for translations, Debian's chromium and its headless shell (which the browser tests drive,
# faster), venv for the virtualenv; gcc and the
# LDAP/SASL headers build python-ldap (directory sign-in), slapd is the directory of its tests; nginx
# puts the public pages' worker pool beside the staff's in `make run` and bench/rush.py (scripts/serve.sh);
# wrk loads the public pages in bench/public.py, which `make test` runs too (bench-small); libicu-dev,
# pkg-config and g++ build PyICU (Unicode's confusables skeleton in discovery/scoring.py).
APT_PACKAGES := python3-venv python3-dev fonts-ipaexfont-mincho fonts-ipaexfont-gothic libharfbuzz-subset0 \
	libpango-1.0-0 libpangoft2-1.0-0 gettext chromium chromium-headless-shell postgresql-client redis-tools \
	gcc libldap2-dev libsasl2-dev slapd nginx wrk libicu-dev pkg-config g++
# Every benchmark: `make bench` prints their figures; `make bench-small` (part of `make test`) runs each
# at a size of a few seconds (--small, bench/small.py), three at a time, the longest first, and fails if
# one does not work.
BENCHES := rush archive public pages pdf checks screening discovery federation reconcile

# The suite runs against real PostgreSQL and Redis (given, or the local services).
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
SECOND_CITY := komae_sns/profiles/kakuuno.toml
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)
# The Redis database of `make test`'s small benchmarks: the next one down on the same server as the suite's.
BESIDE_REDIS_URL ?= $(shell python3 -c "import sys; url, _, n = sys.argv[1].rpartition('/'); \
	print(f'{url}/{int(n) - 1 if int(n) else 1}' if n.isdigit() else sys.argv[1].rstrip('/') + '/14')" '$(TEST_REDIS_URL)')
BENCH_JOBS ?= 3
TEST_WORKERS ?= 3

.PHONY: setup run test test-suite test-smoke smoke test-fast lint bench bench-small services clean mutate

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
	# The suite, and the smoke runs beside it (a smoke run takes one CPU): their output, kept in
	# var/smoke.log, follows the suite's. The benchmarks and the mutants run after it: beside it too
	# (tried in issue 24) they doubled the suite's time, whose browsers and servers use both CPUs.
	@$(MAKE) --no-print-directory -j2 test-suite test-smoke; status=$$?; cat var/smoke.log; exit $$status
	# Every benchmark at a small size, so that a change cannot break `make bench` unseen; they use the
	# Redis database next to the suite's (BESIDE_REDIS_URL), which every test empties.
	@$(MAKE) --no-print-directory bench-small TEST_REDIS_URL=$(BESIDE_REDIS_URL)
	@$(MAKE) --no-print-directory mutate MUTATE_ARGS="--sample 10"  # a tenth of the mutants, another each commit

# The parts of `make test` that run side by side. Branch coverage of our apps, printed and held
# ([tool.coverage] in pyproject.toml: fail_under).
# The suite runs in TEST_WORKERS processes (pytest-xdist; each its own test database and Redis database,
# tests/xdist_redis.py), handed out test by test in the collected order (--dist load): within a worker
# pytest-django's order holds (transactional tests after the others). Not a file at a time (loadfile):
# a file's transactional tests then run before other files' plain ones, whose migrations' rows the
# flush has taken.
test-suite:
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist load \
	  --cov --cov-report=term

test-smoke:
	@$(MAKE) --no-print-directory smoke >var/smoke.log 2>&1

# SQLite files, the filesystem broker and cache under var/ (var/kakuuno/ for the second city): nothing
# that the suite, on PostgreSQL and Redis, uses.
smoke:
	# The embedded default gets its own smoke run: SQLite and the filesystem broker.
	env -u REDIS_URL DATABASE_URL=sqlite:///$(CURDIR)/var/smoke.sqlite3 $(VENV)/bin/pytest -m smoke -q
	# …and again as another city would run it: the shipped fictional second city's profile (issue 15).
	env -u REDIS_URL CITY_PROFILE=$(SECOND_CITY) DATABASE_URL=sqlite:///$(CURDIR)/var/smoke-second-city.sqlite3 \
	  $(VENV)/bin/pytest -m smoke -q

test-fast: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -m "not browser" -x -q

# Mutation testing of the modules that hold the rules ([tool.mutmut] in pyproject.toml, scripts/mutate.py):
# killed / total per module, failing below 90 % or on a survivor not explained as equivalent.
mutate: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/mutate.py $(MUTATE_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .

bench: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/pages.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/pdf.py
	$(PY) bench/checks.py
	$(PY) bench/screening.py
	$(PY) bench/discovery.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/public.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/rush.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/archive.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/federation.py

# Each bench has its own throwaway database (<name>_bench_<bench>), so they run side by side.
bench-small: setup services
	@$(MAKE) --no-print-directory -j$(BENCH_JOBS) --output-sync=target $(addprefix bench-small-,$(BENCHES))

bench-small-%:  # the figures only, not the log of every request
	LOG_LEVEL=WARNING DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/$*.py --small

clean:
	rm -rf var/staticfiles var/cache var/broker var/run
