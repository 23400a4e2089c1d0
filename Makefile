# Gebrak Banjar. `make run` runs the site with demo content; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Production installs requirements/runtime.lock alone; development adds requirements/dev.lock
# (tests, linters, the Stripe emulator, polib). Both are made by `make lock` from pyproject.toml.
LOCKS := requirements/runtime.lock requirements/dev.lock
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes \
	--python-version 3.11.5 --custom-compile-command 'make lock'

.PHONY: setup lock run test lint demo bench bench-spike clean

setup: $(STAMP)
	@$(PY) scripts/compile_messages.py

$(STAMP): $(LOCKS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/runtime.lock -r requirements/dev.lock
	@touch $(STAMP)

# After a change of pyproject.toml's dependencies: the versions already locked are kept (uv
# prefers them); to upgrade a package, delete its lines from both locks first.
lock: $(STAMP)
	$(UV_COMPILE) -o requirements/runtime.lock
	$(UV_COMPILE) --extra dev -c requirements/runtime.lock -o requirements/dev.lock

run: setup
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo --if-empty
	$(PY) scripts/run_dev.py --host $(HOST) --port $(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache

demo: setup
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo

bench: setup
	$(PY) bench/run.py

# Issue 12's campaign spike (bench/README.md): readers, then readers and 8 buyers, Stripe 1 s away.
bench-spike: setup
	$(PY) bench/campaign_spike.py

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3
