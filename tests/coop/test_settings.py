"""Settings come from the environment and are safe by default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7#kq!production-like-secret-key-with-enough-entropy-9f2b1c4d8e",
    "ALLOWED_HOSTS": "coop.example.ac.jp",
    "DATABASE_URL": "sqlite:////tmp/coop-check.sqlite3",
}


def manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "STATIC_MANIFEST",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "FAST_PASSWORD_HASHER",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_env():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_fails_the_deploy_check_and_will_not_serve():
    env = dict(PRODUCTION_ENV)
    del env["SECRET_KEY"]
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "coop.E001" in result.stderr + result.stdout
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    serve = subprocess.run(
        [sys.executable, "-c", "import coop.wsgi"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert serve.returncode != 0 and "Set SECRET_KEY" in serve.stderr
    # Management commands such as migrations still run.
    assert manage("makemigrations", "--check", "--dry-run", env=env).returncode == 0


def test_debug_is_off_unless_asked():
    from django.conf import settings

    assert settings.DEBUG is False
    assert settings.LANGUAGE_CODE == "ja"


def test_new_passwords_are_hashed_with_scrypt_and_older_pbkdf2_hashes_still_verify():
    # Accepting an invitation hashed the new password with PBKDF2 at 1.5 million rounds: over a
    # second on a busy core, inside the request (issue 11 item 18).
    script = (
        "import django; django.setup();"
        "from django.contrib.auth.hashers import check_password, get_hasher, make_password;"
        "from django.contrib.auth.hashers import PBKDF2PasswordHasher as P;"
        "old = P().encode('kanazawa-2026', P().salt());"
        "print(get_hasher().algorithm, check_password('kanazawa-2026', old), make_password('x').split('$')[0])"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"FAST_PASSWORD_HASHER"}}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "coop.settings", "SECRET_KEY": "test-only-secret-key-not-for-production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["scrypt", "True", "scrypt"], result.stderr


@pytest.mark.django_db
def test_postgresql_plans_server_side_cursors_for_every_row():
    # QuerySet.iterator() (exports, scans) reads to the end; PostgreSQL's default plans a cursor
    # for its first 10 % of rows (issue 15 item 5).
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "1"


def test_sqlite_transactions_take_the_write_lock_when_they_begin(settings):
    # `make run` renders a PDF after the response while the next request may already write: two
    # deferred transactions that read then write made one fail at once ("database is locked").
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("a SQLite setting")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
