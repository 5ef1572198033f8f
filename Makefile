# Casebook: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Two install stamps: `make run` needs only the bot's runtime dependencies (fast first run);
# `make test` and the other developer targets add the dev tools (pytest, mypy, ruff, playwright).
RUNTIME := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck unit bench migrate sandbox browser loadgen screenshots clean

# --no-compile: byte-compiling every installed file (matplotlib, numpy, ...) roughly doubles the
# install; Python compiles what the bot actually imports on first use instead.
$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

migrate: $(RUNTIME)
	$(PY) -m bot migrate

# Starts the bot: Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET,
# else the local sandbox at http://127.0.0.1:3000 (no Slack workspace needed).
# The sandbox migrates its own database (var/sandbox.db): DATABASE_URL is migrated only for Slack.
run: $(RUNTIME)
	@if [ -n "$$SLACK_APP_TOKEN$$SLACK_SIGNING_SECRET" ]; then $(PY) -m bot migrate; fi
	$(PY) -m bot run

sandbox: $(RUNTIME)
	$(PY) -m bot sandbox

lint: $(STAMP)
	$(VENV)/bin/ruff check bot tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy --strict bot

unit: $(STAMP)
	$(PY) -m pytest

# Headless Chromium for the browser tests (tests/sandbox/test_browser.py): Debian's
# `chromium`, installed when missing and we are root. Never fails the build: without a
# browser those tests skip and say why.
browser:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: installing chromium (apt-get)"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) \
	    || echo "browser: could not install chromium; the browser tests will skip"; \
	  apt-get install -y -qq fonts-noto-color-emoji >/dev/null 2>&1 || true; \
	else \
	  echo "browser: no chromium and not root; the browser tests will skip (sudo apt-get install chromium)"; \
	fi

# wrk drives the open-loop benchmark (and its test); Debian's package, installed when missing and root.
loadgen:
	@if command -v wrk >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) \
	    || echo "loadgen: could not install wrk; its test will skip"; \
	fi

# Regenerates docs/screenshots/*.png, a fresh sandbox per feature, in headless Chromium;
# `make screenshots SHOTS="calib patterns"` redoes only those features (scripts/screenshots.py --list).
screenshots: $(STAMP) browser
	$(PY) scripts/screenshots.py $(SHOTS)

# The whole suite: lint, strict typing, and every test (SQLite, plus PostgreSQL when
# CASEBOOK_TEST_POSTGRES_URL is set — .ci/run sets it when a local server is present).
test: $(STAMP) browser loadgen
	$(VENV)/bin/ruff check bot tests benchmarks
	$(VENV)/bin/mypy --strict bot
	$(PY) -m pytest

bench: $(STAMP) loadgen
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) var/*.db .pytest_cache .mypy_cache .ruff_cache
