# Two commands on a fresh machine:
#   make run   - virtual environment, install, example assessment, start the workbench on 127.0.0.1
#   make test  - install with the test dependencies and run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8866

.PHONY: run test install system-deps bench frontend clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

run: install
	$(BIN)/lia example --quiet
	$(BIN)/lia serve --port $(PORT)

test: install system-deps
	$(BIN)/python -m pytest -q

bench: install system-deps
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# The pages' script (frontend/ -> templates/jupyter/voila/templates/lia/static/lia-page/).
# The built files are committed, so only a change to frontend/ needs Node.js and npm.
frontend:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs

clean:
	rm -rf $(VENV) .pytest_cache tests/output bench/output
