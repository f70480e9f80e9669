# The two commands of the README: `make run` and `make test`.
# Everything they need is installed here, into .venv, from pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` is a development run; tests run with production-like settings.
run content migrate: export DJANGO_DEBUG ?= 1
test: export DJANGO_SECRET_KEY ?= insecure-key-for-tests-only

.PHONY: run test install migrate content lint format check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

content: migrate
	$(BIN)/python manage.py load_content

run: content
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmark and locust load test against gunicorn, on PostgreSQL (see .ci/bench.py):
# DATABASE_URL defaults to postgres://portal:portal@127.0.0.1:5432/portal_bench.
bench: install
	$(BIN)/python -m pip install --quiet ".[bench]"
	$(BIN)/python .ci/bench.py

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache .ruff_cache
