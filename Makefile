# Maillage: `make run` serves the app on SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000
GAZETTEER := geodata/build/gazetteer.sqlite
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test setup database geodata bench lint clean

run: database
	@echo
	@echo "  Maillage est prêt / Maillage is ready: http://127.0.0.1:$(PORT)/"
	@echo "  Créer un compte administrateur / create an admin account:"
	@echo "    $(FLASK) users create vous@example.fr --role admin"
	@echo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(INSTALLED) $(GAZETTEER)

database: setup
	$(FLASK) db upgrade
	$(FLASK) seed

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

geodata: $(GAZETTEER)

$(GAZETTEER): $(INSTALLED) app/geo/gazetteer_build.py app/text.py
	$(BIN)/python geodata/build_gazetteer.py --out $@

lint: $(INSTALLED)
	$(BIN)/ruff check app tests geodata migrations

clean:
	rm -rf $(VENV) geodata/build .pytest_cache
