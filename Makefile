# twofa-fsm: `make demo` and `make test` do all the set-up on a fresh Debian machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit bench mutate clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "twofa-fsm needs Python >= 3.11: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	@bash tools/ensure-dot.sh

demo: setup
	$(BIN)/twofa-fsm validate spec/twofa.yaml spec/article.yaml
	$(BIN)/twofa-fsm simulate simulator/scenarios --brief --junit out/scenarios.junit.xml --json out/scenarios.json
	$(BIN)/twofa-fsm diagrams
	$(BIN)/python examples/article_story.py

lint: setup
	$(BIN)/ruff check $(wildcard src simulator tests benchmarks examples)

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest

test: lint typecheck unit

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
