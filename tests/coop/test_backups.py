"""Backup and restore drill on the real engine: the demo site is backed up, wiped and
restored; row counts and file hashes are equal and the restored site serves every document.
Runs in subprocesses (manage.py), as an operator would, against its own database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# After the restore, every stored agreement PDF is downloaded through its page by the office.
SERVES_EVERY_DOCUMENT = """
import hashlib
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from coop.models import Membership, Role
from placements.models import AgreementVersion
with scopes_disabled():
    versions = [v for v in AgreementVersion.objects.select_related("tenant", "agreement") if v.pdf]
    served = 0
    for v in versions:
        staff = Membership.objects.filter(tenant=v.tenant, role=Role.STAFF).first().user
        client = Client()
        client.force_login(staff)
        url = reverse("placements:agreement_version_pdf", kwargs={"tenant_slug": v.tenant.slug, "pk": v.pk})
        response = client.get(url, HTTP_HOST="127.0.0.1")
        body = b"".join(response.streaming_content)
        assert response.status_code == 200 and body == v.pdf.open("rb").read(), url
        served += 1
print("served", served)
"""


def _engine_url(tmp_path):
    """A database of its own: PostgreSQL when the suite runs on it (CI), else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        name = f"coop_backup_{uuid.uuid4().hex[:8]}"
        return url.rsplit("/", 1)[0] + "/" + name, name
    return f"sqlite:///{tmp_path / 'site.sqlite3'}", None


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _psql(command):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", command], check=True, capture_output=True)


def test_backup_wipe_restore_gives_the_same_rows_files_and_documents(tmp_path):
    url, pg_name = _engine_url(tmp_path)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}},
        "DEBUG": "1",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    if pg_name:
        _psql(f"CREATE DATABASE {pg_name}")
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "seed_demo")
        made = _manage(env, "backup", "--dir", str(tmp_path / "backups"))
        [archive] = (tmp_path / "backups").glob("coop-backup-*.tar.gz")
        assert made.startswith(str(archive))

        # Lose everything: the database and the files.
        subprocess.run(["rm", "-rf", str(tmp_path / "media")], check=True)
        if pg_name:
            _psql(f"DROP DATABASE {pg_name} WITH (FORCE)")
            _psql(f"CREATE DATABASE {pg_name}")
        else:
            (tmp_path / "site.sqlite3").unlink()

        refused = subprocess.run(
            [sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert refused.returncode != 0 and "--yes" in refused.stderr
        restored = _manage(env, "restore", str(archive), "--yes")
        tables, rows, files = made.strip().split(": ", 1)[1].split(", ")
        assert restored.strip() == f"restored and checked: {tables}, {rows}, {files}"
        assert int(files.split()[0]) > 0  # the demo stores agreement PDFs
        served = _manage(env, "shell", "--no-imports", "-c", SERVES_EVERY_DOCUMENT).strip().splitlines()[-1]
        assert served.startswith("served ") and int(served.split()[1]) > 0
    finally:
        if pg_name:
            _psql(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
