# Maillage: `make run` serves the app on SQLite (its periodic jobs, such as sending the e-mails,
# in a background thread), `make test` runs the whole suite,
# `make test-fast` the quick part of it (no browser, no slow test) for the inner loop.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000
GAZETTEER := geodata/build/gazetteer.sqlite
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test test-fast setup database geodata bench lint check clean translations messages browser-deps pdf-deps redis-deps

# Development mode (--debug, without the interactive debugger): links follow the request's
# host, so no PUBLIC_URL is needed. Production sets PUBLIC_URL or refuses to start (README).
run: database
	@echo
	@echo "  Maillage est prêt / Maillage is ready: http://127.0.0.1:$(PORT)/"
	@echo "  Créer un compte administrateur / create an admin account:"
	@echo "    $(FLASK) --debug users create vous@example.fr --role admin"
	@echo "  Les e-mails sont écrits dans / e-mails are written to: instance/mail/*.eml"
	@echo
	JOBS_IN_PROCESS=1 $(FLASK) --debug run --no-debugger --host 127.0.0.1 --port $(PORT)

test: setup browser-deps redis-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# In parallel on SQLite (a file per worker); on PostgreSQL the workers would share and empty
# one database, so there the tests run one after another.
XDIST = $(if $(filter postgres%,$(DATABASE_URL)),,-n auto)

test-fast: setup
	$(BIN)/python -m pytest -m "not browser and not slow" $(XDIST) $(PYTEST_ARGS)

setup: $(INSTALLED) $(GAZETTEER) translations pdf-deps

database: setup
	$(FLASK) --debug db upgrade
	$(FLASK) --debug seed

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

geodata: $(GAZETTEER)

$(GAZETTEER): $(INSTALLED) app/geo/gazetteer_build.py app/text.py
	$(BIN)/python geodata/build_gazetteer.py --out $@

# UI translations: the .po catalogues are committed, the compiled .mo files are built here.
TRANSLATIONS := app/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

translations: $(CATALOGUES:.po=.mo)

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# Re-extract the French UI strings and merge them into every catalogue, to translate.
messages: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --sort-output --no-wrap \
		--project=Maillage --copyright-holder='Maillage contributors' --msgid-bugs-address='' \
		-o $(TRANSLATIONS)/messages.pot app templates
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-wrap \
		--no-fuzzy-matching --ignore-obsolete

# Browser tests: Debian's Chromium (never a downloaded one) and axe-core from npm.
AXE := build/npm/node_modules/axe-core/axe.min.js

browser-deps: $(AXE)
	@test -x /usr/bin/chromium || { SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

$(AXE):
	npm install --prefix build/npm --no-audit --no-fund --silent axe-core@4

# Printed directories: WeasyPrint draws with Debian's Pango and the DejaVu fonts.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

pdf-deps:
	@dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PDF_PACKAGES); }

# Several app servers share their rate-limit counters in Redis (docs/scaling.md): the tests
# start Debian's redis-server on a free loopback port.
redis-deps:
	@test -x /usr/bin/redis-server || { SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server; }

# Benchmarks: every standard scale up to SIZE (1000, 10000, 100000, 1000000) on SQLite and
# PostGIS; writes BENCHMARKS.md. BENCH_ARGS adds options, e.g. BENCH_ARGS=--profile, or
# BENCH_ARGS="--sqlite-max 100000" to measure 1,000,000 on PostGIS alone.
SIZE ?= 10000
BENCH_ARGS ?=
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

bench: setup
	@command -v wrk >/dev/null || { $(APT) update -qq && $(APT) install -y -qq wrk; }
	@test -x /usr/bin/chromium || { $(APT) update -qq && $(APT) install -y -qq chromium; }
	$(BIN)/python -m benchmarks --size $(SIZE) --postgres $(BENCH_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check app tests geodata migrations

# Static and supply-chain checks (CI runs them): ruff, import-linter (the layers and the
# independent blueprints of .importlinter), bandit (no high-severity finding),
# pip-audit (no known vulnerability in the installed packages). pip-audit needs PyPI's
# vulnerability data; where it cannot be reached it is skipped with a message, unless
# AUDIT_REQUIRED=1.
AUDIT_PROBE := import urllib.request as r; r.urlopen("https://pypi.org/pypi/flask/3.1.0/json", timeout=10)
AUDIT_REQUIRED ?=

check: $(INSTALLED)
	$(BIN)/ruff check app tests geodata migrations benchmarks
	$(BIN)/lint-imports --no-logo
	$(BIN)/bandit --quiet --recursive app geodata migrations --severity-level high
	@if $(BIN)/python -c '$(AUDIT_PROBE)' 2>/dev/null; then \
		$(BIN)/pip-audit --skip-editable --progress-spinner off; \
	elif [ -n "$(AUDIT_REQUIRED)" ]; then \
		echo "pip-audit: PyPI's vulnerability data is unreachable from here." >&2; exit 1; \
	else \
		echo "pip-audit skipped: PyPI's vulnerability data is unreachable from here" \
			"(set AUDIT_REQUIRED=1 to fail instead)."; \
	fi

clean:
	rm -rf $(VENV) geodata/build .pytest_cache
