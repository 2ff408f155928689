# Willkommen — the two quick-start commands are `make demo` and `make test`.
# Nothing else is needed for them: Python 3.11+ and make. No PostgreSQL, Redis or Node.
# LDAP sign-in (optional) is installed where python-ldap can be built: a C compiler and
# libldap2-dev libsasl2-dev; LDAP=yes insists on it, LDAP=no skips it.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
TEST_WORKERS ?= auto
LDAP ?= auto
CC ?= cc
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: demo test install check check-deploy lint messages makemessages lock vendor clean

install: $(STAMP) $(MO_FILES)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Willkommen needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt requirements-ldap.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@if [ "$(LDAP)" = yes ] || { [ "$(LDAP)" = auto ] && \
		printf '#include <ldap.h>\n#include <sasl/sasl.h>\n' | $(CC) -E - >/dev/null 2>&1; }; then \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-ldap.txt; \
	else \
		echo "LDAP sign-in not installed: python-ldap needs a C compiler and libldap2-dev libsasl2-dev (then: make install LDAP=yes)"; \
	fi
	@touch $@

# Message catalogues are compiled with Babel, so no system gettext is needed.
%.mo: %.po $(STAMP)
	@$(BIN)/pybabel compile --domain=django -i $< -o $@ >/dev/null

## demo: install, migrate the SQLite database under var/, load demo data, serve on PORT
# The demo settings read PORT, so that links in e-mails and SMS point at this server; the
# background worker prints those e-mails and SMS on this console.
demo: export DJANGO_SETTINGS_MODULE := willkommen.settings.demo
demo: export PORT := $(PORT)
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (the background worker that sends e-mails and SMS runs beside it)"
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py db_worker & worker=$$!; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: install, then the whole test suite (SQLite unless DATABASE_URL says otherwise)
# In parallel on every core (pytest-xdist; each worker has its own test database).
# TEST_WORKERS=0 runs it in one process, e.g. to debug a single test.
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## check: lint, the layers (import-linter) and top-level imports, migrations committed, production settings pass check --deploy
check: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_function_imports.py
	$(BIN)/python manage.py makemigrations --check --dry-run
	@$(MAKE) --no-print-directory check-deploy
	$(BIN)/python scripts/check_translations.py

## check-deploy: check --deploy with the production settings and throwaway random keys
# The keys are drawn for this run only: production refuses every key printed in the
# repository (willkommen/published_keys.py), so a fixed one here could not pass anyway.
check-deploy:
	DJANGO_SETTINGS_MODULE=willkommen.settings.production ALLOWED_HOSTS=willkommen.example \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		CONSULTATION_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

## makemessages: extract translatable strings into locale/ (needs GNU gettext)
# Extraction needs the packages only: compiling half-translated catalogues could fail.
makemessages: $(STAMP)
	$(BIN)/python manage.py makemessages --no-obsolete --no-location \
		-l de -l en -l ar -l fa -l tr -l ru -l uk --ignore=.venv --ignore=var --ignore=tests --ignore=bench

## lock: re-resolve requirements*.in into requirements*.txt, pinned with hashes (pip-tools)
# pip-compile keeps the versions already in a .txt unless the .in asks otherwise; delete a
# line there (or pass UPGRADE=--upgrade) to move a package on. The "# via" lines say why
# each package is there.
UPGRADE ?=
PIP_COMPILE = var/lock-venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links $(UPGRADE)
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet pip-tools==7.7.0
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) -o requirements-ldap.txt requirements-ldap.in

## vendor: re-fetch pinned third-party static files (needs npm; the result is committed)
vendor:
	scripts/fetch-vendor.sh

clean:
	rm -rf $(VENV) var
