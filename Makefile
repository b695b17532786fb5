# twofa-fsm: `make demo` and `make test` do all the set-up on a fresh Debian machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit bench mutate cross clean screenshots

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "twofa-fsm needs Python >= 3.11: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	@bash tools/ensure-dot.sh
	@bash tools/ensure-browser.sh
	@bash tools/ensure-mermaid.sh
	@bash tools/ensure-postgres.sh
	@bash tools/ensure-spin.sh

demo: setup
	$(BIN)/twofa-fsm validate spec/twofa.yaml spec/article.yaml
	$(BIN)/twofa-fsm simulate simulator/scenarios --brief --junit out/scenarios.junit.xml --json out/scenarios.json --diagrams out/paths
	$(BIN)/twofa-fsm coverage --spec spec/twofa.yaml
	$(BIN)/twofa-fsm check spec/twofa.yaml
	@echo "--- the article's flow: the checker must find the reset-window attack (exit 1 expected) ---"
	$(BIN)/twofa-fsm check spec/article.yaml --out out/counterexamples; test $$? -eq 1
	$(BIN)/twofa-fsm simulate out/counterexamples/counterexample-article-attacker-never-gains-access.yaml --brief; test $$? -eq 1
	$(BIN)/twofa-fsm diagrams
	$(BIN)/python examples/article_story.py
	@echo "--- the example web backend (examples/webapp): the article's story over real HTTP on 127.0.0.1 ---"
	$(BIN)/python -m examples.webapp.story
	@echo "--- conformance: the web backend over HTTP against the spec (scenarios, generated paths, random walks) ---"
	$(BIN)/twofa-fsm conform --driver examples.webapp.conform_driver:HttpDriver --spec spec/twofa.yaml --walks 5 --out out/conform
	$(BIN)/twofa-fsm diff spec/article.yaml spec/twofa.yaml --out out/diff
	$(BIN)/twofa-fsm report --out out/report $$(test -f out/mutants.json && echo --mutants out/mutants.json)
	$(BIN)/python tools/screenshots.py out/report/index.html out/report-screenshots

bench: setup
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/pytest -m bench tests/bench
	$(BIN)/python -m benchmarks.run

# The independent proof: SPIN checks the exported Promela model; verdicts compared per property.
cross: setup
	$(BIN)/twofa-fsm check spec/twofa.yaml --cross spin --liveness --json out/cross-twofa.json
	@echo "--- the article's flow: both checkers must find its violations (exit 1 expected) ---"
	$(BIN)/twofa-fsm check spec/article.yaml --cross spin --out out/counterexamples --json out/cross-article.json; test $$? -eq 1

mutate: setup
	$(BIN)/twofa-fsm mutate spec/twofa.yaml --jobs 2 --hypothesis --json out/mutants.json

screenshots: setup
	$(BIN)/pytest -q tests/report/test_report_browser.py  # out/report-screenshots/review-{800,1400,1920}.png

lint: setup
	$(BIN)/ruff check $(wildcard src simulator tests benchmarks examples)
	$(BIN)/ruff format --check $(wildcard src simulator tests benchmarks examples)
	$(BIN)/lint-imports --no-cache --no-logo

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -n 2 --dist loadfile

test: lint typecheck unit

clean:
	rm -rf $(VENV) .tools build *.egg-info .pytest_cache .mypy_cache .ruff_cache
