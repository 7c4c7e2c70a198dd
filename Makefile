# Two commands: `make dev` runs the whole product, `make test` installs what it needs and runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
UV_VERSION := 0.13.8
# The first Python 3.12+ found (pyenv's included); override with `make PYTHON=/path/to/python3.12 ...`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[3-9]*/bin/python) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python); do \
  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install dev test lint fmt bench bench-scale

help:
	@echo "make dev    run the frontend, the API, a Celery worker and PostgreSQL (embedded unless DATABASE_URL is set)"
	@echo "make test   install everything and run lint, type checks and the whole test suite"
	@echo "make bench  run the benchmarks (tests/perf) and print their tables"
	@echo "make bench-scale  grow a database to 10,000 organisations and print the growth table (~30 min)"

install: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@if [ -z "$(PYTHON)" ]; then echo "No Python 3.12+ found. Install one, or run: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)"; exit 1; fi
	@test -x $(VENV)/bin/python || "$(PYTHON)" -m venv $(VENV)
	@$(VENV)/bin/python -m pip --version >/dev/null 2>&1 || $(VENV)/bin/python -m ensurepip --upgrade >/dev/null
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(VENV)/bin/uv sync --frozen --inexact --quiet
	@touch $@

dev: install frontend-install
	@$(VENV)/bin/python -m saas.devtools.run_dev

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint frontend-test e2e-prepare
	@bash deploy/scripts/ensure-debian-package.sh /usr/lib/rabbitmq/bin/rabbitmq-server rabbitmq-server
	$(VENV)/bin/pytest

bench: install
	LOG_LEVEL=WARNING $(VENV)/bin/pytest tests/perf -m bench -s -q -p no:cacheprovider  # -s for the tables, not the request log

bench-scale: install  ## BENCH_SCALE_SIZES=10,1000,10000 by default
	LOG_LEVEL=WARNING $(VENV)/bin/pytest tests/perf/test_bench_scale.py -m scale -s -q -p no:cacheprovider

.PHONY: frontend-install frontend-test
frontend-install: frontend/node_modules/.installed  ## npm ci in frontend/, only when package-lock.json changed

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js >= 20.19 (https://nodejs.org)"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend-test: frontend-install  ## the frontend's lint (ESLint, next's config), type check (tsc --noEmit) and component tests (Vitest)
	cd frontend && npm run lint
	cd frontend && npm run typecheck
	cd frontend && npm test

# tests/e2e drives Debian's Chromium against `next start`: it needs the browser and a production build, rebuilt
# only when a frontend source changed (the stamp lives in .next, so a clean clone or a removed .next builds).
.PHONY: e2e-prepare
FRONTEND_BUILD_INPUTS := $(filter-out %.test.ts %.test.tsx,$(shell find frontend/src frontend/messages frontend/public -type f 2>/dev/null)) \
  $(wildcard frontend/next.config.ts frontend/postcss.config.mjs frontend/tsconfig.json frontend/package.json frontend/package-lock.json)
e2e-prepare: frontend/.next/.e2e-build  ## Chromium (apt) and `npm run build`, for tests/e2e; also part of `make test`
	@bash tests/e2e/ensure_chromium.sh

frontend/.next/.e2e-build: frontend/node_modules/.installed $(FRONTEND_BUILD_INPUTS)
	cd frontend && NEXT_TELEMETRY_DISABLED=1 npm run build
	@touch $@

.PHONY: deploy-check
deploy-check: install  ## the deploy/ checks alone (also part of `make test`)
	@bash deploy/scripts/ensure-debian-package.sh nginx nginx-light nginx
	$(VENV)/bin/pytest tests/deploy -q
