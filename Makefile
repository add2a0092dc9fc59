# zhaoshang — developer entry points. `make demo` and `make test` create .venv if missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGES := graph loaders queries cli

.PHONY: demo test lint typecheck pytest install neo4j-start neo4j-stop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,notebooks]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/zhaoshang demo --out out/demo

lint: $(STAMP)
	$(BIN)/ruff check $(PACKAGES) tests bench
	$(BIN)/ruff format --check $(PACKAGES) tests bench

typecheck: $(STAMP)
	$(BIN)/mypy $(PACKAGES)

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

neo4j-start:
	scripts/neo4j-server start

neo4j-stop:
	scripts/neo4j-server stop

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
