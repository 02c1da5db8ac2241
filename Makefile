# archplay: `make run` starts the whole application, `make test` runs every test.
# Both create .venv and install requirements.txt when needed (again only when it changed).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements

# Pass pytest arguments with T, e.g. `make test T=tests/playground/test_health.py`.
T ?=

.PHONY: run test setup lint format clean

$(INSTALLED): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(INSTALLED)

setup: $(INSTALLED)
	@$(BIN)/python manage.py migrate --noinput -v 0
	@$(BIN)/python manage.py collectstatic --noinput -v 0

run: setup
	@$(BIN)/python manage.py fail_orphaned_runs
	$(BIN)/python -m playground.launcher

test: setup lint
	$(BIN)/python -m pytest $(T)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf run staticfiles .pytest_cache
