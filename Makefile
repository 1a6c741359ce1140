# Two commands matter: `make run` (set up and serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000
# Test worker processes (pytest-xdist): `auto` is one per core; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: run setup test test-browser test-postgres lint bench bench-national messages clean serve backup restore

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo

# DEBUG stays off unless DJANGO_DEBUG=1; --insecure lets runserver serve the static files anyway.
run: setup
	$(PY) manage.py runserver --insecure $(HOST)

# One test file per worker (--dist loadfile): module-scoped fixtures (units/tests) load once.
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

# Only the real-browser tests (also part of `make test`): Playwright on the system Chromium
# (CHROMIUM_PATH, default /usr/bin/chromium); they skip when it is missing.
test-browser: $(STAMP)
	$(PY) -m pytest browser

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(PY) -m bench.run
	$(PY) -m bench.excel
	$(PY) -m bench.finance
	$(PY) -m bench.api
	$(PY) -m bench.portal

messages: $(STAMP)
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore '.venv/*'
	$(PY) manage.py compilemessages -l vi --ignore '.venv/*'

# Production mode on this machine, against the PostgreSQL and Redis already running (README,
# "Production"): migrate, collectstatic, gunicorn. DATABASE_URL, REDIS_URL, ... as in deploy/serve.
serve: $(STAMP)
	PY=$(PY) deploy/serve

# Back up the database and uploaded files (BACKUP_DIR, default data/backups); restore one with
# `make restore FILE=data/backups/ntm-....tar.gz` (replaces all data: stop the server first).
backup: $(STAMP)
	$(PY) manage.py backup $(if $(BACKUP_DIR),--out $(BACKUP_DIR))

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=path/to/ntm-YYYYMMDD-HHMMSS.tar.gz"; exit 2; }
	$(PY) manage.py restore "$(FILE)" --yes

clean:
	rm -rf $(VENV) data staticfiles

# The country on PostgreSQL (issue #11): creates and drops its own database on BENCH_PG (default
# postgres://postgres@127.0.0.1:5432); NTM_BENCH_PROVINCES="12 02" for a quick run on a few.
bench-national: $(STAMP)
	$(PY) -m bench.national
