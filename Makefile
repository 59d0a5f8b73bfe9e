# Newsroom: `make run` serves the site, `make test` runs the suite. Both set up everything first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development values for what production must be given (README, "Configuration").
DEV_ENV := DEBUG=$${DEBUG:-1}
MANAGE := $(DEV_ENV) $(BIN)/python manage.py

.PHONY: run demo serve test install install-dev migrate seed superuser stop-db lint format fixtures check clean bench-import backup restore

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

seed: migrate  ## import the seed pages (idempotent: a second run reports them unchanged)
	$(MANAGE) import_articles fixtures/seed/

run: seed  ## set up everything, then serve at http://127.0.0.1:$(PORT)
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo "Create an editor account with: make superuser   (or: DEBUG=1 $(BIN)/python manage.py createsuperuser)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# A demo archive in a database of its own (newsroom_demo, on the same embedded server):
# DEMO_STORIES generated stories across sections, authors and twelve years, plus the seed.
DEMO_STORIES ?= 3000
DEMO_ENV := EMBEDDED_DB_NAME=$${EMBEDDED_DB_NAME:-newsroom_demo}
demo: install  ## a demo archive of a few thousand stories, served at http://127.0.0.1:$(PORT)
	test -d var/demo-pages-$(DEMO_STORIES) || $(BIN)/python bench/make_pages.py $(DEMO_STORIES) var/demo-pages-$(DEMO_STORIES) --demo
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) import_articles var/demo-pages-$(DEMO_STORIES) fixtures/seed/
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

serve: install  ## production server: gunicorn + whitenoise; needs SECRET_KEY and ALLOWED_HOSTS (README, "Production")
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn newsroom.wsgi

test: install-dev  ## the whole suite
	$(BIN)/pytest

superuser: migrate
	$(MANAGE) createsuperuser

stop-db: install  ## stop the embedded PostgreSQL (it stops by itself when the last process using it exits)
	$(BIN)/python -c 'from newsroom.embedded_db import stop_embedded_server as s; print("stopped" if s() else "not running")'

backup: install  ## dump the archive to var/backups/ (or FILE=path), README "Backup and restore"
	$(MANAGE) backup_archive $(FILE)

restore: install  ## restore FILE=path into an EMPTY database (e.g. EMBEDDED_DB_NAME=newsroom_restored)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/newsroom-….dump"; exit 2; }
	$(MANAGE) restore_archive $(FILE)

fixtures: migrate  ## rebuild fixtures/seed.json from fixtures/seed/ (a test checks it is current)
	$(MANAGE) build_seed_fixture

bench-import: install-dev  ## importer throughput vs loaddata (bench/RESULTS.md)
	$(DEV_ENV) $(BIN)/python bench/import_bench.py --pages $${PAGES:-10000} $(BENCH_ARGS)

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
