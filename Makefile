# Everything runs in a local virtual environment, .venv, made on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit install services clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## demo: the main job on the embedded default (bundled atlas)
demo: $(STAMP)
	$(BIN)/corridor demo

## test: lint, strict type check and the whole test suite
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

## unit: the suite on 2 workers, from a fresh empty folder it must leave empty
unit: $(STAMP) services
	@cwd=$$(mktemp -d) && cd $$cwd && \
		$(abspath $(BIN))/pytest -n 2 -c $(CURDIR)/pyproject.toml --rootdir $(CURDIR) $(CURDIR)/tests; \
		status=$$?; rmdir $$cwd 2>/dev/null; exit $$status

## services: start the local PostgreSQL server if it is down (store tests run against it)
services:
	@if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1; then \
		echo "starting PostgreSQL"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true; \
		for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 && break; sleep 1; done; \
	fi

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
