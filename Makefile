# make run   - set up and start the whole app on embedded defaults (or DATABASE_URL / REDIS_URL)
# make test  - set up and run every test plus lint
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PYTHONUNBUFFERED := 1

.PHONY: run test lint format setup bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the accessibility browser tests only (package.json); nothing from npm is served.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(BIN)/.installed
	mkdir -p var

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	PORT=$(PORT) BIN=$(BIN) ./scripts/run-local

test: setup node_modules/.installed lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/page_weight
	$(BIN)/python bench/followups
	$(BIN)/python bench/time_to_video
	$(BIN)/python bench/signaling_load
	$(BIN)/python bench/dashboard

clean:
	rm -rf var $(VENV)
