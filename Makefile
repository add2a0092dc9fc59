# zhaoshang — developer entry points. `make demo` and `make test` create .venv if missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGES := graph resolve loaders queries cli web

.PHONY: demo test lint typecheck pytest install fonts neo4j-start neo4j-stop clean serve browser browser-test

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

# The tests, then every notebook executed top to bottom (nbmake; data from
# ZHAOSHANG_PUBLIC_DATA, else examples/demo).
pytest: $(STAMP) fonts
	$(BIN)/python -m pytest -q --nbmake --nbmake-timeout=600 tests notebooks

# A CJK font for the notebooks' matplotlib figures (Chinese labels): Debian's
# fonts-noto-cjk when none is found and apt-get can run; otherwise a warning only.
fonts: $(STAMP)
	@$(BIN)/python -c "import sys; from queries.explore import cjk_font; \
	sys.exit(cjk_font(warn=False) is None)" || { \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk \
	    >/dev/null; } || \
	  echo "warning: no CJK font; install fonts-noto-cjk for readable Chinese in figures" >&2; }

test: lint typecheck pytest

# The web workspace on http://127.0.0.1:8000 (GRAPH=, HOST=0.0.0.0 for the office network).
GRAPH ?= zhaoshang.db
HOST  ?= 127.0.0.1
PORT  ?= 8000
serve: $(STAMP)
	$(BIN)/zhaoshang serve --host $(HOST) --port $(PORT) --graph $(GRAPH)

# Debian's chromium for the browser tests (Playwright drives the system browser).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

browser-test: $(STAMP) browser
	$(BIN)/python -m pytest -q -m browser tests/test_web_browser.py tests/test_web_public_browser.py

neo4j-start:
	scripts/neo4j-server start

neo4j-stop:
	scripts/neo4j-server stop

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
