# Newsroom: `make run` serves the site, `make test` runs the suite. Both set up everything first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development values for what production must be given (README, "Configuration").
DEV_ENV := DEBUG=$${DEBUG:-1}
MANAGE := $(DEV_ENV) $(BIN)/python manage.py

.PHONY: run test install install-dev migrate seed superuser stop-db lint format fixtures check clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(MANAGE) migrate --noinput

run: migrate  ## set up everything, then serve at http://127.0.0.1:$(PORT)
	@echo "Create an editor account with: make superuser   (or: DEBUG=1 $(BIN)/python manage.py createsuperuser)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install-dev  ## the whole suite
	$(BIN)/pytest

superuser: migrate
	$(MANAGE) createsuperuser

stop-db: install  ## stop the embedded PostgreSQL (it stops by itself when the last process using it exits)
	$(BIN)/python -c 'from newsroom.embedded_db import stop_embedded_server as s; print("stopped" if s() else "not running")'

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-dev
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean: stop-db
	rm -rf $(VENV) var
