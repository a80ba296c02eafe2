# The portal's two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1:8000
SECRET := var/secret_key

# Local development runs with DEBUG on unless the environment says otherwise.
run migrate data check: export DEBUG ?= 1

.PHONY: run serve venv migrate data test test-fast lint format messages check-deploy clean

# A background worker runs beside the server; both stop together. Ctrl-C reaches both (the
# worker finishes its job), so the shell only waits for it; if the server ends by itself, the
# shell stops the worker (SIGTERM, which it also answers by finishing its job).
define beside_a_worker
	$(PY) manage.py db_worker $(1) & worker=$$!; \
	trap 'interrupted=1' INT; \
	trap '[ -n "$$interrupted" ] || kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(2)
endef

run: venv migrate data  ## set everything up and serve http://127.0.0.1:8000, with a job worker
	@$(call beside_a_worker,,$(PY) manage.py runserver $(HOST))

serve: venv $(SECRET)  ## the production configuration locally: gunicorn and a worker on :8000
	@export DEBUG=0 SECRET_KEY="$$(cat $(SECRET))" ALLOWED_HOSTS=127.0.0.1,localhost; \
	set -e; \
	$(PY) manage.py collectstatic --noinput --verbosity 0; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py createcachetable; \
	echo "DEBUG=0 on http://$${GUNICORN_BIND:-127.0.0.1:8000}/ — Ctrl-C stops gunicorn and the worker"; \
	$(call beside_a_worker,--no-reload,$(BIN)/gunicorn --config deploy/gunicorn.conf.py)

$(SECRET): | venv  ## made once: `make serve` signs sessions with the same key every time
	@mkdir -p $(dir $@)
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

venv: $(VENV)/.installed  ## create .venv with every dependency, dev tools included

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=python3"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

migrate: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

data: venv  ## reference data from the district plan, then demo users and organisation
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_data

# PYTEST_ARGS narrows a run: CI's PostgreSQL pass gives -m "not contract" (schemathesis runs
# in the SQLite pass only).
PYTEST_ARGS ?=

test: venv  ## the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set), on every core
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

test-fast: venv  ## everything but the browser journeys
	$(BIN)/pytest -n auto -m "not browser"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: venv  ## refresh locale/ catalogues after changing user-facing text, then compile
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: venv  ## what `check --deploy` says under production settings
	DEBUG=0 HTTPS=1 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=portal.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
