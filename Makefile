# Two commands on a fresh machine (Python 3.11, pip, git, make):
#   make reports   render every report notebook to HTML in outputs/
#   make test      run the whole test suite
# Both create .venv and install the project into it when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: venv reports test lab bench clean-outputs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

reports: $(STAMP)
	$(BIN)/rotation run $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# notebooks run by hand write results.json and tables to outputs/lab, not into notebooks/;
# IPYTHONDIR=lab/ipython turns on autoreload, so edits to rotation_utils reach open notebooks
lab: $(STAMP)
	ROTATION_REPORT_DIR=$(CURDIR)/outputs/lab IPYTHONDIR=$(CURDIR)/lab/ipython $(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_data.py
	$(BIN)/python benchmarks/bench_runner.py
	$(BIN)/python benchmarks/bench_rerun.py
	$(BIN)/python benchmarks/bench_sweep.py

clean-outputs:
	find outputs -mindepth 1 -maxdepth 1 ! -name README.md ! -name .gitkeep -exec rm -rf {} +
