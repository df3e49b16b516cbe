"""Fault drills (issue 12): `make drill`, or `python -m bench.drill [--people 1000] [--kills 10]`.

Runs against a PostgreSQL instance (initdb in a temporary folder, port DRILL_PG_PORT 5439) and
a redis-server (port DRILL_REDIS_PORT 6391) of its own, that it starts, kills and restarts
(never the shared ones):

1. worker SIGKILL x N while 1,000 digests are being sent;
2. Redis restart (stopped 5 s, restarted empty: its queued messages are gone) while digests are
   sent and 20 invitations are written during the outage;
3. PostgreSQL restart (pg_ctl restart -m fast) while digests are sent and invitations written
   every 0.1 s;
4. backup and restore (manage.py backup / restore): row counts, file hashes, documents readable.

The drill plays beat: every few seconds it runs the digest run and the sweeper in-process.
It prints, per drill: delivered exactly once, lost, doubled (two Message-IDs for one person),
copies handed to the mail server again with the same Message-ID, longest wait, errors outside the
outage (worker log lines at ERROR or CRITICAL outside the outage window, failed writes).
"""

import argparse
import email
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDIS_PORT = int(os.environ.get("DRILL_REDIS_PORT", "6391"))
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
PG_PORT = int(os.environ.get("DRILL_PG_PORT", "5439"))
PG_BIN = Path(os.environ.get("DRILL_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/coop_drill"
MAIL_DIR = Path(tempfile.mkdtemp(prefix="coop-drill-mail-"))

ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "SECRET_KEY": "drill-only-secret-key",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": str(MAIL_DIR),
    "EMAIL_DELIVERY_LEASE": "5",
    "CELERY_VISIBILITY_TIMEOUT": "15",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    "CONN_MAX_AGE": "0",
    "MEDIA_ROOT": str(MAIL_DIR.parent / f"{MAIL_DIR.name}-media"),
    "FAST_PASSWORD_HASHER": "1",
    "SECURE_SSL_REDIRECT": "0",
}
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")


class Redis:
    def __init__(self):
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process:
            self.process.kill()
            self.process.wait()
            self.process = None


class Postgres:
    """A PostgreSQL instance of the drill's own (initdb in a temporary folder, run as the
    postgres user), that it restarts; never the shared one."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="coop-drill-pg-"))
        shutil.chown(self.dir, "postgres")

    def _as_postgres(self, *args, check=True):
        # No pipes: the server started by pg_ctl would hold them open for ever.
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=check,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self):
        if not (self.dir / "PG_VERSION").exists():
            self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres")
        options = f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-o", options, "-l", str(self.dir / "log"), "-w", "start"
        )
        self._as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "coop_drill", check=False)

    def restart(self):
        """A fast restart: every connection is cut, the server is back in about a second."""
        log = str(self.dir / "log")
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", log, "-m", "fast", "-w", "restart")

    def stop(self):
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class Worker:
    def __init__(self, log):
        self.log = log
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "coop", "worker", "--pool=solo", "--loglevel=WARNING"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env={**os.environ, **ENV},
            stdout=self.log,
            stderr=self.log,
        )

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def sent_mails():
    messages = []
    for path in sorted(MAIL_DIR.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


def setup_django():
    import django

    django.setup()
    # The drill's own process writes during the outages: its warnings ("not queued", "sweeper
    # re-queued") are expected there; the report says what matters.
    logging.getLogger("coop").setLevel(logging.ERROR)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_tenant(slug, people):
    import datetime

    from django_scopes import scopes_disabled

    from coop.models import DeadlineSettings, Reminder, Tenant, User

    with scopes_disabled():
        tenant = Tenant.objects.create(slug=slug, name=slug, kind=Tenant.Kind.UNIVERSITY)
        DeadlineSettings.objects.create(tenant=tenant, digest_hour=0)
        users = User.objects.bulk_create([User(email=f"p{n}@{slug}.example.jp") for n in range(people)])
        Reminder.objects.bulk_create(
            [
                Reminder(tenant=tenant, user=u, key=f"k{u.pk}", title="締切", due_on=datetime.date(2026, 11, 24))
                for u in users
            ]
        )
    return tenant, {u.email for u in users}


_last_run = {}


def beat():
    """What beat would queue, on the production schedule (digest run every DIGESTS_EVERY,
    sweeper every SWEEP_EVERY seconds); called in-process, without the slot lock."""
    from coop import sweeper
    from coop.tasks import DIGESTS_EVERY, digests_send

    now = time.monotonic()
    for name, period, run in [
        ("digests", DIGESTS_EVERY, digests_send),
        ("sweep", sweeper.SWEEP_EVERY, sweeper.sweep_all),
    ]:
        if now - _last_run.get(name, -period) < period:
            continue
        _last_run[name] = now
        try:
            run()
        except Exception as error:  # noqa: BLE001 - Redis may be down: beat runs again next time
            print(f"    beat: {type(error).__name__}: {error}")


def wait_until_sent(tenant, expected, started, timeout=300):
    from django_scopes import scopes_disabled

    from coop.models import DigestDelivery

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with scopes_disabled():
            done = DigestDelivery.objects.filter(tenant=tenant, sent_at__isnull=False).count()
        if done >= expected:
            break
        beat()
        time.sleep(3)
    return time.monotonic() - started


def report(name, expected_to, started, finished, log_path, outage=None, extra=""):
    mails = [m for m in sent_mails() if m["To"] in expected_to]
    # A person receives one message per Message-ID: a copy handed to the mail server again with
    # the same Message-ID (a worker killed between the server's acceptance and the "sent" mark,
    # coop.delivery) is the same message to mail stores and clients. Two Message-IDs for one
    # person would be two digests: that is "doubled".
    messages = {}
    for m in mails:
        messages.setdefault(m["To"], Counter())[m["Message-ID"]] += 1
    delivered = sum(1 for ids in messages.values() if len(ids) == 1)
    doubled = sum(1 for ids in messages.values() if len(ids) > 1)
    resent = sum(1 for ids in messages.values() if any(n > 1 for n in ids.values()))
    lost = len(expected_to) - len(messages)
    errors = [
        line
        for line in Path(log_path).read_text(errors="replace").splitlines()
        if ("ERROR" in line or "CRITICAL" in line) and not (outage and "Connection" in line)
    ]
    print(f"{name}:")
    print(f"  delivered exactly once {delivered}/{len(expected_to)}, lost {lost}, doubled {doubled}")
    print(f"  handed to the mail server again with the same Message-ID: {resent}")
    print(f"  longest wait {finished - started:.0f} s (all delivered after the first message)")
    print(f"  errors outside the outage: {len(errors)}{extra}")
    for line in errors[:5]:
        print(f"    {line[:160]}")
    return lost == 0 and doubled == 0


def drill_kills(people, kills, log_path):
    from coop.tasks import DIGEST_BATCH, digest_send_batch
    from coop.tenant_tasks import queue

    tenant, to = make_tenant(f"drill-kill-{int(time.time())}", people)
    log = open(log_path, "a")  # noqa: SIM115 - the worker writes to it
    worker = Worker(log)
    worker.start()
    started = time.monotonic()
    from django_scopes import scopes_disabled

    from coop.models import User

    with scopes_disabled():
        ids = sorted(User.objects.filter(email__in=to).values_list("pk", flat=True))
    for start in range(0, len(ids), DIGEST_BATCH):
        queue(digest_send_batch, tenant_id=tenant.pk, user_ids=ids[start : start + DIGEST_BATCH], day="2026-11-30")
    for _ in range(kills):
        time.sleep(random.uniform(0.5, 2.0))  # noqa: S311
        worker.kill()
        worker.start()
    finished = started + wait_until_sent(tenant, people, started)
    worker.stop()
    return report(f"Worker SIGKILL x{kills} during {people} digests", to, started, finished, log_path)


def drill_redis_restart(redis, people, log_path):
    from django_scopes import scopes_disabled

    from coop import services
    from coop.models import Invitation, Membership, Role, User
    from coop.tasks import DIGEST_BATCH, digest_send_batch
    from coop.tenant_tasks import queue

    tenant, to = make_tenant(f"drill-redis-{int(time.time())}", people)
    with scopes_disabled():
        staff = User.objects.create_user(email=f"staff@{tenant.slug}.example.jp", password="x")
        Membership.objects.create(tenant=tenant, user=staff, role=Role.STAFF)
        ids = sorted(User.objects.filter(email__in=to).values_list("pk", flat=True))
    log = open(log_path, "a")  # noqa: SIM115
    worker = Worker(log)
    worker.start()
    started = time.monotonic()
    for start in range(0, len(ids), DIGEST_BATCH):
        queue(digest_send_batch, tenant_id=tenant.pk, user_ids=ids[start : start + DIGEST_BATCH], day="2026-11-30")
    time.sleep(1.5)
    redis.stop()  # the outage: queued messages are lost with it (no persistence)
    failed_writes = 0
    invited = set()
    from django_scopes import scope

    for n in range(20):
        address = f"invitee{n}@{tenant.slug}.example.jp"
        try:
            with scope(tenant=tenant):
                services.invitation_create(tenant=tenant, email=address, role=Role.STUDENT, by=staff)
            invited.add(address)
        except Exception as error:  # noqa: BLE001 - counted
            failed_writes += 1
            print(f"    write failed during the outage: {type(error).__name__}: {error}")
    time.sleep(5)
    redis.start()
    back = time.monotonic()
    # Invitations written during the outage are swept once their grace (60 s) has passed.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with scopes_disabled():
            waiting = Invitation.objects.filter(tenant=tenant, sent_at__isnull=True).count()
        if waiting == 0:
            break
        beat()
        time.sleep(3)
    finished = started + wait_until_sent(tenant, people, started)
    worker.stop()
    ok = report(
        f"Redis restart during {people} digests and 20 invitations",
        to | invited,
        started,
        finished,
        log_path,
        outage=True,
        extra=f"; failed writes {failed_writes}; all sent {time.monotonic() - back:.0f} s after Redis returned",
    )
    return ok and failed_writes == 0


class Writer(threading.Thread):
    """Load: an office member writing invitations every 0.1 s, as requests would (each write
    starts with close_old_connections, as a request does). Records when each write failed."""

    def __init__(self, tenant, staff):
        super().__init__(daemon=True)
        self.tenant, self.staff = tenant, staff
        self.failures, self.writes, self.stopped = [], 0, False

    def run(self):
        from django.db import close_old_connections
        from django_scopes import scope

        from coop import services
        from coop.models import Role

        n = 0
        while not self.stopped:
            n += 1
            close_old_connections()
            try:
                with scope(tenant=self.tenant):
                    services.invitation_create(
                        tenant=self.tenant,
                        email=f"load{n}@{self.tenant.slug}.example.jp",
                        role=Role.STUDENT,
                        by=self.staff,
                    )
                self.writes += 1
            except Exception as error:  # noqa: BLE001 - counted
                self.failures.append((time.monotonic(), f"{type(error).__name__}: {error}"))
            time.sleep(0.1)
        close_old_connections()


def drill_postgres_restart(postgres, people, log_path):
    from django_scopes import scopes_disabled

    from coop.models import Invitation, Membership, Role, User
    from coop.tasks import DIGEST_BATCH, digest_send_batch
    from coop.tenant_tasks import queue

    tenant, to = make_tenant(f"drill-pg-{int(time.time())}", people)
    with scopes_disabled():
        staff = User.objects.create_user(email=f"staff@{tenant.slug}.example.jp", password="x")
        Membership.objects.create(tenant=tenant, user=staff, role=Role.STAFF)
        ids = sorted(User.objects.filter(email__in=to).values_list("pk", flat=True))
    log = open(log_path, "a")  # noqa: SIM115
    worker = Worker(log)
    worker.start()
    writer = Writer(tenant, staff)
    writer.start()
    started = time.monotonic()
    for start in range(0, len(ids), DIGEST_BATCH):
        queue(digest_send_batch, tenant_id=tenant.pk, user_ids=ids[start : start + DIGEST_BATCH], day="2026-11-30")
    time.sleep(3)
    down = time.monotonic()
    postgres.restart()
    up = time.monotonic()
    time.sleep(5)
    writer.stopped = True
    writer.join()
    from django.db import close_old_connections

    close_old_connections()
    outside = [f for f in writer.failures if not (down - 0.5 <= f[0] <= up + 2)]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with scopes_disabled():
            waiting = Invitation.objects.filter(tenant=tenant, sent_at__isnull=True).count()
        if waiting == 0:
            break
        beat()
        time.sleep(3)
    with scopes_disabled():
        invited = set(Invitation.objects.filter(tenant=tenant).values_list("email", flat=True))
    finished = started + wait_until_sent(tenant, people, started)
    worker.stop()
    ok = report(
        f"PostgreSQL restart ({up - down:.1f} s) under load: {people} digests, {writer.writes} invitations",
        to | invited,
        started,
        finished,
        log_path,
        outage=True,
        extra=f"; failed writes during the restart {len(writer.failures) - len(outside)}, outside it {len(outside)}",
    )
    for _, text in outside[:5]:
        print(f"    {text[:160]}")
    return ok and not outside


def drill_backup_restore():
    """manage.py backup, then writes after it, then manage.py restore (which checks row counts
    and file hashes against the backup's manifest); then every stored document is read back."""
    from django.core.files.storage import default_storage
    from django_scopes import scopes_disabled

    from coop.backups import row_counts
    from placements.models import AgreementVersion

    folder = Path(tempfile.mkdtemp(prefix="coop-drill-backup-"))
    env = {**os.environ, **ENV}
    started = time.monotonic()
    # The demo institutions bring agreement PDFs, signature scans and report files to restore.
    seeded = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env={**env, "DEBUG": "1"}, capture_output=True, text=True
    )
    if seeded.returncode:
        print(f"  seed_demo failed: {seeded.stderr.strip()[-300:]}")
    made = subprocess.run(
        [sys.executable, "manage.py", "backup", "--dir", str(folder)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    print("Backup and restore:")
    print(f"  backup: {made.stdout.strip() or made.stderr.strip()[-300:]}")
    if made.returncode:
        return False
    archive = sorted(folder.iterdir())[-1]
    before = row_counts()
    make_tenant(f"drill-after-backup-{int(time.time())}", 10)  # written after the backup: must go
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), "--yes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"  restore: {restored.stdout.strip() or restored.stderr.strip()[-300:]}")
    from django.db import connection

    connection.close()
    after = row_counts()
    with scopes_disabled():
        documents = [v.pdf.name for v in AgreementVersion.objects.exclude(pdf="")]
    unreadable = [name for name in documents if not default_storage.exists(name)]
    print(
        f"  row counts equal: {before == after}; documents readable {len(documents) - len(unreadable)}/{len(documents)}"
    )
    print(f"  took {time.monotonic() - started:.0f} s")
    shutil.rmtree(folder, ignore_errors=True)
    return restored.returncode == 0 and before == after and not unreadable


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--only", action="append", choices=["kills", "redis", "postgres", "backup"])
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is needed")
    redis, postgres = Redis(), Postgres()
    redis.start()
    postgres.start()
    ok = True
    try:
        setup_django()
        log_path = MAIL_DIR.parent / f"{MAIL_DIR.name}-worker.log"
        Path(log_path).write_text("")
        which = args.only or ["kills", "redis", "postgres", "backup"]
        if "kills" in which:
            ok &= drill_kills(args.people, args.kills, log_path)
        if "redis" in which:
            ok &= drill_redis_restart(redis, args.people, log_path)
        if "postgres" in which:
            ok &= drill_postgres_restart(postgres, args.people, log_path)
        if "backup" in which:
            ok &= drill_backup_restore()
    finally:
        from django.db import connections

        connections.close_all()
        redis.stop()
        postgres.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
