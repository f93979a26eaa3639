# Two entry points: `make test` and `make demo`. Each builds .venv from pinned requirements first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# checkov pins an old boto3, so it lives in its own venv; the template tests run it from there.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

.PHONY: test lint typecheck pytest demo mutation clean

$(STAMP): requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(CHECKOV_STAMP): requirements/checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/checkov.txt
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check src tests tools $(wildcard benchmarks)

typecheck: $(STAMP)
	$(BIN)/mypy --strict src tools

pytest: $(STAMP) $(CHECKOV_STAMP)
	$(BIN)/pytest -q -n 2

test: lint typecheck pytest

# The demo's picture (docs/report.md) goes to out/demo-report.html; ecm says where it is.
demo: $(STAMP)
	mkdir -p out
	$(BIN)/ecm demo --report out/demo-report.html

# Not part of `make test`: mutants of the lifecycle modules against their unit tests (about
# 15 minutes on 2 idle cores; see docs/reliability.md, "Mutation testing"). Niced, so it can run
# beside other work.
mutation: $(STAMP)
	nice -n 10 $(BIN)/python -m tools.mutation

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache
