# framing — one place for the commands. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# requirements.lock: runtime + dev; requirements-dask.lock: what the dask extra adds to it
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DASK_STAMP := $(VENV)/.installed-dask-$(shell cat requirements.lock requirements-dask.lock \
	pyproject.toml | cksum | cut -d' ' -f1)
UV := UV_PYTHON_DOWNLOADS=never .tools/bin/uv
LOCK_OPTIONS := --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock'
# the project `make analyze` / `make figures` run (its results store is its [output] dir)
CONFIG ?= seeds/framing.toml
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.DEFAULT_GOAL := help
.PHONY: help setup setup-dask analyze figures notebooks test lint format bench bench-dask \
	bench-peers lock \
	clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

# the dask lock goes on top of the base one (its stamp is removed whenever the base is reinstalled)
$(DASK_STAMP): $(STAMP) requirements-dask.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dask.lock
	rm -f $(VENV)/.installed-dask-*
	touch $@

setup: $(STAMP) ## Create .venv from requirements.lock (done automatically by other targets)

setup-dask: $(DASK_STAMP) ## Also install the dask extra from requirements-dask.lock

analyze: $(STAMP) ## Run `framing analyze --config $(CONFIG)` into its results store
	$(BIN)/framing analyze --config $(CONFIG)

figures: $(STAMP) ## Analyse $(CONFIG), write its figures, re-execute the notebooks (seeds: in place)
	$(BIN)/framing analyze --config $(CONFIG)
	$(BIN)/framing figures --config $(CONFIG)
	$(BIN)/python tools/run_notebooks.py --config $(CONFIG) notebooks/0[1-4]_*.ipynb
	@# the UN General Debate example: its store, figures and notebook (with the seeds' project)
	$(if $(filter $(abspath $(CONFIG)),$(abspath seeds/framing.toml)), \
		$(BIN)/framing analyze --config examples/ungd/framing.toml && \
		$(BIN)/framing figures --config examples/ungd/framing.toml --out figures/ungd && \
		$(BIN)/python tools/run_notebooks.py notebooks/05_un_general_debate.ipynb)

test: $(DASK_STAMP) lint ## Lint, pytest (Dask tests included, never skipped), then nbval
	FRAMING_REQUIRE_DASK=1 $(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider notebooks

lint: $(STAMP) ## ruff lint + format check
	$(BIN)/ruff check analysis tests bench tools
	$(BIN)/ruff format --check analysis tests bench tools

format: $(STAMP) ## Apply ruff formatting and safe fixes
	$(BIN)/ruff check --fix analysis tests bench tools
	$(BIN)/ruff format analysis tests bench tools

bench: $(STAMP) ## Benchmarks: bench_analyze.py, bench_scale.py, then bench-dask (not in `make test`)
	$(BIN)/python bench/bench_analyze.py
	$(BIN)/python bench/bench_scale.py
	$(MAKE) --no-print-directory bench-dask

bench-peers: ## The bench environment .venv-bench with scattertext (bench/requirements-peers.txt)
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -r bench/requirements-peers.txt

bench-dask: $(DASK_STAMP) ## Dask engine benchmark, bench/bench_dask.py (not part of `make test`)
	$(BIN)/python bench/bench_dask.py

# requirements-dask.lock: the dask extra resolved with requirements.lock as constraints, minus
# the entries requirements.lock already has exactly (same version and environment marker)
lock: ## Re-resolve requirements.lock and requirements-dask.lock (network; uv in .tools)
	test -x .tools/bin/uv || ($(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv)
	$(UV) pip compile pyproject.toml --extra dev $(LOCK_OPTIONS) -o requirements.lock
	$(UV) pip compile --quiet pyproject.toml --extra dask -c requirements.lock --universal \
		--python-version 3.11 --no-header --no-annotate -o .tools/dask-all.txt
	grep -E '^[a-z0-9]' requirements.lock | sed 's/ \\$$//' > .tools/base-pins.txt
	$(UV) pip compile pyproject.toml --extra dask -c requirements.lock $(LOCK_OPTIONS) \
		$$(grep -Fx -f .tools/base-pins.txt .tools/dask-all.txt \
			| sed 's/[=;].*//; s/^/--no-emit-package /' | sort -u) \
		-o requirements-dask.lock

clean: ## Remove the virtualenv and outputs
	rm -rf $(VENV) .tools out
