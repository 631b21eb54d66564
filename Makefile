# The two commands: `make run` and `make test`. Everything else is a helper they call.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PERSONS ?= 20000
PORT    ?= 8000

.PHONY: run test lint typecheck check system-deps venv dev clean bench

run: venv ## install, migrate, load the demo county, serve on 127.0.0.1:$(PORT)
	$(BIN)/lnob migrate --noinput -v0
	$(BIN)/lnob demo --persons $(PERSONS)
	PORT=$(PORT) $(BIN)/lnob serve

test: dev system-deps ## the whole suite (set DATABASE_URL=postgres://... for PostgreSQL)
	$(BIN)/pytest

lint: dev
	$(BIN)/ruff check lnob tests bench
	$(BIN)/ruff format --check lnob tests bench

typecheck: dev
	$(BIN)/mypy lnob

check: lint typecheck test

venv: $(STAMP)
dev: $(DEV_STAMP)

# `make run` needs only the runtime lock; the suite also needs the dev lock (pytest, playwright, …).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $(DEV_STAMP)

# Browser tests drive Debian's chromium (never a downloaded browser); CJK text needs Noto CJK.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  echo "installing chromium and fonts-noto-cjk from Debian"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

bench: venv
	$(BIN)/python bench/synth_load.py

clean:
	rm -rf $(VENV) data
