"""Backup and restore of the database and MEDIA_ROOT together, as one archive.

The archive (a .tar.gz) holds the database dump (PostgreSQL: `pg_dump --format=custom`;
SQLite: an online copy through sqlite3's backup API), every file under MEDIA_ROOT, and a
manifest: the row count of every table and the SHA-256 of every file. A restore puts both
back and then checks them against the manifest, so "restored" means "the same rows and the
same bytes", not "the command finished".
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"


class RestoreError(Exception):
    pass


def _database():
    return settings.DATABASES["default"]


def _is_postgres():
    return _database()["ENGINE"] == "django.db.backends.postgresql"


def _pg_env():
    db = _database()
    env = {"PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or ""), "PGUSER": db.get("USER") or ""}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {**os.environ, **{k: v for k, v in env.items() if v}}


def _counts(cursor, tables, quote):
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from introspection
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg(args):
    """Runs a PostgreSQL client program (postgresql-client, on PATH) against the configured
    database; pg_dump takes the database name last."""
    if args[0] == "pg_dump":
        args = [*args, _database()["NAME"]]
    subprocess.run(args, env=_pg_env(), check=True)  # noqa: S603, S607 - fixed programs and arguments


def row_counts():
    """{table: rows} of every table in the configured database."""
    with connection.cursor() as cursor:
        return _counts(cursor, sorted(connection.introspection.table_names(cursor)), connection.ops.quote_name)


def media_hashes(root=None):
    root = Path(root or settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _dump_database(target):
    """Dumps the database into `target`; returns the row counts of exactly what was dumped (a
    running site keeps writing: the counts and the dump come from one snapshot)."""
    if not _is_postgres():
        connection.close()
        with sqlite3.connect(_database()["NAME"]) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
            names = [r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            tables = sorted(n for n in names if not n.startswith("sqlite_"))
            return _counts(copy.cursor(), tables, lambda name: '"' + name.replace('"', '""') + '"')
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _counts(cursor, sorted(connection.introspection.table_names(cursor)), connection.ops.quote_name)
            _pg(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(target)])
        finally:
            cursor.execute("COMMIT")
    return counts


def backup_create(*, directory):
    """Writes `coop-backup-<time>.tar.gz` into `directory`; returns its path and manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    archive = directory / f"coop-backup-{stamp}.tar.gz"
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": "postgresql" if _is_postgres() else "sqlite",
        "files": media_hashes(),
    }
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "database.dump"
        manifest["rows"] = _dump_database(dump)
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(dump, arcname="database.dump")
            media = Path(settings.MEDIA_ROOT)
            for name in manifest["files"]:
                tar.add(media / name, arcname=MEDIA_PREFIX + name)
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive, manifest


def _restore_database(dump, engine):
    if engine != ("postgresql" if _is_postgres() else "sqlite"):
        raise RestoreError(f"this backup is of a {engine} database; the configured one is not")
    if _is_postgres():
        connection.close()
        _pg(["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", _database()["NAME"], str(dump)])
    else:
        connection.close()
        with sqlite3.connect(dump) as source, sqlite3.connect(_database()["NAME"]) as target:
            source.backup(target)


def _safe_member(member):
    name = member.name
    if member.issym() or member.islnk() or name.startswith("/") or ".." in Path(name).parts:
        raise RestoreError(f"unsafe path in the archive: {name}")
    return name


def backup_restore(*, archive):
    """Restores the database and MEDIA_ROOT from `archive`, then checks rows and file hashes
    against its manifest. Returns the manifest; raises RestoreError on any difference."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive, "r:gz") as tar:
        scratch = Path(scratch)
        for member in tar.getmembers():
            _safe_member(member)
        manifest = json.load(tar.extractfile(MANIFEST))
        tar.extract("database.dump", scratch, filter="data")
        _restore_database(scratch / "database.dump", manifest["engine"])
        staged = scratch / "media"
        for member in tar.getmembers():
            if member.name.startswith(MEDIA_PREFIX):
                tar.extract(member, scratch, filter="data")
        if media.exists():
            shutil.rmtree(media)
        if staged.exists():
            shutil.copytree(staged, media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    problems = []
    rows = row_counts()
    for table, count in manifest["rows"].items():
        if rows.get(table) != count:
            problems.append(f"table {table}: {rows.get(table)} rows, the backup has {count}")
    files = media_hashes()
    if files != manifest["files"]:
        problems.append(f"media files differ: {len(files)} restored, {len(manifest['files'])} in the backup")
    if problems:
        raise RestoreError("; ".join(problems))
    return manifest
