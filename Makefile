# The portal's two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1:8000

# Local development runs with DEBUG on unless the environment says otherwise.
run migrate data check: export DEBUG ?= 1

.PHONY: run venv migrate data test test-fast lint format messages check-deploy clean

run: venv migrate data  ## set everything up and serve http://127.0.0.1:8000
	$(PY) manage.py runserver $(HOST)

venv: $(VENV)/.installed  ## create .venv with every dependency, dev tools included

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=python3"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

migrate: venv
	$(PY) manage.py migrate --noinput

data: venv  ## reference data from the district plan, then demo users and organisation
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_data

test: venv  ## the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set), on every core
	$(BIN)/pytest -n auto

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
