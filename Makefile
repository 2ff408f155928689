# Willkommen — the two quick-start commands are `make demo` and `make test`.
# Nothing else is needed for them: Python 3.11+ and make. No PostgreSQL, Redis or Node.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: demo test install check lint messages makemessages lock vendor clean

install: $(STAMP) $(MO_FILES)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Willkommen needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Message catalogues are compiled with Babel, so no system gettext is needed.
%.mo: %.po $(STAMP)
	@$(BIN)/pybabel compile --domain=django -i $< -o $@ >/dev/null

## demo: install, migrate the SQLite database under var/, load demo data, serve on PORT
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (background worker for e-mails and reminders runs beside it)"
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py db_worker >var/worker.log 2>&1 & worker=$$!; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: install, then the whole test suite (SQLite unless DATABASE_URL says otherwise)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## check: lint, migrations committed, production settings pass check --deploy
check: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=willkommen.settings.production \
		SECRET_KEY=check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ \
		ALLOWED_HOSTS=willkommen.example CONSULTATION_KEYS=Y2hlY2stZGVwbG95LW9ubHkta2V5LTAxMjM0NTY3ODk= \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python scripts/check_translations.py

## makemessages: extract translatable strings into locale/ (needs GNU gettext)
# Extraction needs the packages only: compiling half-translated catalogues could fail.
makemessages: $(STAMP)
	$(BIN)/python manage.py makemessages --no-obsolete --no-location \
		-l de -l en -l ar -l fa -l tr -l ru -l uk --ignore=.venv --ignore=var --ignore=tests --ignore=bench

## lock: re-resolve requirements*.in into pinned requirements*.txt
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet -r requirements.in
	var/lock-venv/bin/pip freeze > var/runtime.txt
	var/lock-venv/bin/pip install --quiet -r requirements-dev.in
	var/lock-venv/bin/pip freeze > var/all.txt
	{ echo "# Runtime dependencies, pinned (the whole closure). Regenerate with: make lock"; \
	  cat var/runtime.txt; } > requirements.txt
	{ echo "# Test and development tools, pinned. Regenerate with: make lock"; \
	  echo "-r requirements.txt"; grep -vxF -f var/runtime.txt var/all.txt; } > requirements-dev.txt

## vendor: re-fetch pinned third-party static files (needs npm; the result is committed)
vendor:
	scripts/fetch-vendor.sh

clean:
	rm -rf $(VENV) var
