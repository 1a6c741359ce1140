# Two commands matter: `make run` (set up and serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: run setup test test-browser test-postgres lint bench messages clean

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

test: $(STAMP)
	$(PY) -m pytest

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

messages: $(STAMP)
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore '.venv/*'
	$(PY) manage.py compilemessages -l vi --ignore '.venv/*'

clean:
	rm -rf $(VENV) data staticfiles
