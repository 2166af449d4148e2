# framing — one place for the commands. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
CORPUS ?= seeds
OUT ?= out/seeds
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.DEFAULT_GOAL := help
.PHONY: help setup analyze figures notebooks test lint format bench lock clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP) ## Create .venv from the lock file (done automatically by other targets)

analyze: $(STAMP) ## Run `framing analyze` on $(CORPUS) into $(OUT)
	$(BIN)/framing analyze $(CORPUS) --out $(OUT)

figures: $(STAMP) ## Re-run the analysis, re-execute the notebooks (in place) and write figures/
	$(BIN)/framing analyze $(CORPUS) --out $(OUT)
	$(BIN)/python -m analysis.figures --corpus $(CORPUS) --out figures
	FRAMING_CORPUS=$(abspath $(CORPUS)) $(BIN)/python -m analysis.notebooks notebooks/*.ipynb

test: $(STAMP) lint ## Lint, pytest, then nbval on every notebook
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider notebooks

lint: $(STAMP) ## ruff lint + format check
	$(BIN)/ruff check analysis tests bench
	$(BIN)/ruff format --check analysis tests bench

format: $(STAMP) ## Apply ruff formatting and safe fixes
	$(BIN)/ruff check --fix analysis tests bench
	$(BIN)/ruff format analysis tests bench

bench: $(STAMP) ## Benchmarks (not part of `make test`)
	$(BIN)/python bench/bench_analyze.py

lock: ## Re-resolve requirements.lock (needs network; uses uv from a throw-away venv)
	test -x .tools/bin/uv || ($(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv)
	UV_PYTHON_DOWNLOADS=never .tools/bin/uv pip compile pyproject.toml --extra dev --extra dask \
		--universal --python-version 3.11 --generate-hashes -o requirements.lock

clean: ## Remove the virtualenv and outputs
	rm -rf $(VENV) .tools out
