# sklime: `make demo` and `make test` set themselves up from nothing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
DOCS_STAMP := $(VENV)/.installed-docs
DEMO_STAMP := $(VENV)/.installed-demo
BENCH_STAMP := $(VENV)/.installed-bench
PYTEST_ARGS ?=
# pytest-xdist, one worker per core, whole files per worker (module fixtures
# are built once): 6 min 52 s instead of 10 min 41 s serial on 2 cores.
PYTEST_WORKERS ?= -n auto --dist loadfile

.PHONY: help demo test lint format docs readme-image bench bench-compare bench-history clean
# bench-compare: BASE (default main) against HEAD (default the working tree),
# failing on a benchmark slower by more than FACTOR; ASV_ARGS go to asv run.
BASE ?= main
HEAD ?= WORKTREE
FACTOR ?= 1.3
COMMITS ?= 5
ASV_ARGS ?=

help:
	@echo "make demo   explain a real model on a scikit-learn dataset (sets itself up)"
	@echo "make test   run the whole test suite (sets itself up)"
	@echo "make lint   ruff check"
	@echo "make docs   build the Sphinx site in doc/_build/html (warnings are errors)"
	@echo "make readme-image  redraw doc/_static/readme_explanation.png"
	@echo "make bench  run the asv benchmarks once against the working tree"
	@echo "make bench-compare  asv: BASE=main against the working tree, fail beyond FACTOR=1.3"
	@echo "make bench-history  asv: the last COMMITS=5 commits, published to asv_bench/html"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $@

# make demo needs the core, pandas and matplotlib only.
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[pandas,plot]"
	@touch $@

$(DOCS_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install -q -e ".[test,docs]"
	@touch $@

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	@touch $@

demo: $(DEMO_STAMP)
	$(BIN)/python examples/quickstart.py

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check sklime tests examples asv_bench doc tools

format: $(STAMP)
	$(BIN)/ruff format sklime tests examples asv_bench tools

docs: $(DOCS_STAMP)
	$(BIN)/python -m sphinx -W --keep-going -b html doc doc/_build/html

readme-image: $(STAMP)
	$(BIN)/python doc/readme_image.py

bench: $(BENCH_STAMP)
	cd asv_bench && ../$(BIN)/asv machine --yes >/dev/null && \
		../$(BIN)/asv run --python=same --quick --show-stderr

bench-compare: $(BENCH_STAMP)
	$(BIN)/python tools/asv_commits.py compare $(BASE) $(HEAD) --factor $(FACTOR) -- $(ASV_ARGS)

bench-history: $(BENCH_STAMP)
	$(BIN)/python tools/asv_commits.py history --commits $(COMMITS) -- $(ASV_ARGS)

clean:
	rm -rf $(VENV) doc/_build doc/auto_examples asv_bench/results asv_bench/html demo_output
