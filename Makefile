# Casebook: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench migrate sandbox clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: $(STAMP)
	$(PY) -m bot migrate

# Starts the bot: Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET,
# else the local sandbox at http://127.0.0.1:3000 (no Slack workspace needed).
run: $(STAMP)
	$(PY) -m bot migrate
	$(PY) -m bot run

sandbox: $(STAMP)
	$(PY) -m bot sandbox

lint: $(STAMP)
	$(VENV)/bin/ruff check bot tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy --strict bot

unit: $(STAMP)
	$(PY) -m pytest

# The whole suite: lint, strict typing, and every test (SQLite, plus PostgreSQL when
# CASEBOOK_TEST_POSTGRES_URL is set — .ci/run sets it when a local server is present).
test: $(STAMP)
	$(VENV)/bin/ruff check bot tests benchmarks
	$(VENV)/bin/mypy --strict bot
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) var/*.db .pytest_cache .mypy_cache .ruff_cache
