# Gebrak Banjar. `make run` runs the site with demo content; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint demo bench clean

setup: $(STAMP)
	@$(PY) scripts/compile_messages.py

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

run: setup
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo --if-empty
	$(PY) scripts/run_dev.py --host $(HOST) --port $(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .

demo: setup
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo

bench: setup
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3
