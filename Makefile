# Two commands matter: `make run` (set up and serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000
# Test worker processes (pytest-xdist): `auto` is one per core; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: run setup test test-postgres lint bench messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo

run: setup
	$(PY) manage.py runserver $(HOST)

# One test file per worker (--dist loadfile): module-scoped fixtures (units/tests) load once.
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(PY) -m bench.run
	$(PY) -m bench.excel

messages: $(STAMP)
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore '.venv/*'
	$(PY) manage.py compilemessages -l vi --ignore '.venv/*'

clean:
	rm -rf $(VENV) data staticfiles
