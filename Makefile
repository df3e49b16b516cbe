# Two commands do everything on a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MO := locale/ja/LC_MESSAGES/django.mo
DEV_ENV := DEBUG=1
TEST_ENV := SECRET_KEY=test-only-secret-key-not-for-production FAST_PASSWORD_HASHER=1 STATIC_MANIFEST=0 \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
# Debian packages: chromium for browser tests, IPA fonts for Japanese PDFs, gettext, poppler.
DEBIAN_PACKAGES := chromium fonts-ipafont-gothic fonts-ipafont-mincho gettext poppler-utils

.PHONY: run test setup system-deps lint messages bench clean backup restore

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(MO): locale/ja/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

# Installs the Debian packages when something is missing and we may (root with apt).
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install these Debian packages:$$missing"; exit 1; fi; \
	fi

setup: system-deps $(STAMP) $(MO)

run: setup
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py seed_demo
	@echo ""; echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop)"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: setup
	$(VENV)/bin/ruff check .
	$(TEST_ENV) $(VENV)/bin/lint-imports
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

test: setup lint
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

# Refreshes the Japanese catalogue from the source; translate what it adds, then `make`.
messages: setup
	$(DEV_ENV) $(PY) manage.py makemessages -l ja --no-obsolete --ignore=.venv --ignore=bench --ignore=tests

# The database and MEDIA_ROOT in one archive under backups/, checked again on restore.
backup: setup
	$(DEV_ENV) $(PY) manage.py backup --dir backups

restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/coop-backup-....tar.gz"; exit 2; }
	$(DEV_ENV) $(PY) manage.py restore "$(FILE)" --yes

bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles bench/out
