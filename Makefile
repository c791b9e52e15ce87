# SafeReach: `make demo` to try it, `make test` to check it. Both install what they need
# (uv if absent, the Python packages from uv.lock, the front-end packages from package-lock.json).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# uv must use a Python already on the machine: fetching one would reach outside PyPI.
export UV_PYTHON_DOWNLOADS ?= never

UV := bash scripts/uv
# --frozen: install exactly what uv.lock says, never re-resolve behind the user's back.
RUN := $(UV) run --frozen
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=
LINT_PATHS := $(wildcard src tests bench)

.PHONY: help install python-deps assets demo test bench lint

help:
	@echo "make demo   install everything, build the fictional demo county, serve http://$(HOST)/"
	@echo "make test   install everything and run the whole test suite (PYTEST_ARGS=... to filter)"
	@echo "make bench  run every bench/bench_*.py; results go to bench/results/"
	@echo "make lint   ruff check $(LINT_PATHS)"

install: python-deps assets

python-deps:
	$(UV) sync --frozen

# npm ci wipes node_modules, so it only runs when the lock file is newer than the last
# install (npm writes node_modules/.package-lock.json on every install).
assets:
	@if [ ! -f package.json ]; then \
		echo "No package.json yet: skipping the front-end assets."; \
	else \
		if [ ! node_modules/.package-lock.json -nt package-lock.json ]; then \
			npm ci --no-audit --no-fund; \
		fi; \
		npm run --silent build; \
	fi

demo: install
	$(RUN) safereach migrate --no-input
	$(RUN) safereach demo --site-url http://$(HOST)
	$(RUN) safereach matrix build
	@echo "Serving SafeReach on http://$(HOST)/ (Ctrl-C to stop)"
	$(RUN) safereach runserver $(HOST)

# pytest exits 5 when it collects nothing (say, a PYTEST_ARGS filter that matches no test):
# that is reported, not treated as a failure. Every other non-zero status fails the target.
test: install
	@status=0; $(RUN) pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests."; status=0; fi; \
	exit $$status

bench: python-deps
	bash scripts/run-benchmarks

lint: python-deps
	$(RUN) ruff check $(LINT_PATHS)
