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
# Debian packages: chromium for browser tests, IPA fonts for Japanese PDFs, gettext, poppler,
# faketime for the suite at other dates (test-dates), libmagic1 for upload content checks, nginx
# to run the compose proxy's configuration in tests/coop/test_proxy.py.
DEBIAN_PACKAGES := chromium faketime fonts-ipafont-gothic fonts-ipafont-mincho gettext libmagic1 nginx poppler-utils

.PHONY: run test test-dates setup system-deps lint messages bench clean backup restore drill

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

# One test process per core (pytest-xdist), then the real-worker tests alone.
TEST_WORKERS ?= 2
test: setup lint
	$(TEST_ENV) $(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not real_worker" $(PYTEST_ARGS)
	$(TEST_ENV) $(VENV)/bin/pytest -m real_worker $(PYTEST_ARGS)

# The date-sensitive tests with the machine clock (libfaketime) at awkward instants, given in UTC:
# 30 Nov 12:00 JST (a 30th), 31 Jan 23:50 JST, 31 Mar 23:50 JST (fiscal-year end),
# 1 Apr 00:10 JST (still 31 March in UTC) and the leap day. Tests choose their own dates, so all
# of these must pass. The permission matrix and the real-worker tests (another process, which
# passes its dates explicitly) are left to `make test`.
DATE_INSTANTS := 2026-11-30T03:00:00 2027-01-31T14:50:00 2027-03-31T14:50:00 2027-03-31T15:10:00 2028-02-29T01:00:00
# The tests that count days (reports, windows, links, deadlines, exports, summaries). Left out for
# time: agreements (PDF rendering, ~3 min) and the account, settings and tenancy tests (no dates).
DATE_TESTS := tests/reports tests/rubrics tests/coop/test_reminders.py tests/coop/test_invitations.py \
	tests/coop/test_exports.py tests/placements/test_placements.py tests/placements/test_summary.py \
	tests/test_suite_rules.py
test-dates: setup
	@for at in $(DATE_INSTANTS); do \
	  echo "== clock at $$at UTC"; \
	  $(TEST_ENV) TZ=UTC faketime -f "@$${at/T/ }" $(VENV)/bin/pytest -q -p no:cacheprovider -m "not browser" \
	    $(DATE_TESTS) $(PYTEST_ARGS) || exit 1; \
	done

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

# Fault drills (bench/drill.py): worker SIGKILL x10 during 1,000 digests, Redis restart, on a
# redis-server of its own (port DRILL_REDIS_PORT, default 6391) and DRILL_DATABASE_URL.
drill: setup
	$(TEST_ENV) $(PY) -u -m bench.drill
