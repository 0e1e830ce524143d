# Two commands on a fresh machine:
#   make run   - virtual environment, install, example assessment, start the workbench on 127.0.0.1
#   make test  - install with the test dependencies and run the whole suite
# Both install the exact versions in constraints.txt (the lock); pyproject.toml keeps the ranges.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := constraints.txt
STAMP := $(VENV)/.installed
PORT ?= 8866

.PHONY: run test lint install system-deps bench frontend lock clean

# Reinstalls when the lock, the declared dependencies or the build hook change.
$(STAMP): $(LOCK) pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(LOCK) pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[test,lint,bench]'
	@touch $@

install: $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

run: install
	$(BIN)/lia example --quiet
	$(BIN)/lia serve --port $(PORT)

# ruff and mypy over lib/ (settings in pyproject.toml; docs/architecture.md, "Tooling")
lint: install
	$(BIN)/ruff check lib setup.py
	$(BIN)/mypy

test: install system-deps
	$(BIN)/python -m pytest -q

bench: install system-deps
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Rewrite the lock from the project's .venv (after changing pyproject.toml and installing the new
# versions there, e.g. `$(BIN)/python -m pip install -e '.[test,lint,bench]' --upgrade`); then run the tests.
lock:
	@{ grep '^#' $(LOCK); \
	   $(BIN)/python -m pip freeze --all --exclude-editable --disable-pip-version-check | grep -v '^#' | grep -v '^lia-workbench' | sort -f; } > $(LOCK).new
	@mv $(LOCK).new $(LOCK)
	@echo "$(LOCK): $$(grep -c '==' $(LOCK)) packages"

# The pages' script (frontend/ -> templates/jupyter/voila/templates/lia/static/lia-page/).
# The built files are committed, so only a change to frontend/ needs Node.js and npm.
frontend:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/output bench/output
