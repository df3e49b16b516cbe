"""Exactly-once reminders with a real Celery worker on the real Redis and the real database.

The worker is a separate process (`celery -A coop worker`) that shares the test database, so
this runs on PostgreSQL (as in CI); on the SQLite in-memory test database there is nothing
another process could share.
"""

import datetime
import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_scopes import scopes_disabled
from kombu import Connection

from coop.celery import app as celery_app
from coop.models import DeadlineSettings, DigestDelivery, Reminder, Role, User
from placements.models import Agreement, AgreementVersion

from ..clock import jst
from ..factories import AgreementFactory, PartnerFactory, TenantFactory, member, partner_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    # A real worker process on the real broker: `make test` runs these after the parallel run,
    # alone, so that the worker is not starved by browser tests in the other process.
    pytest.mark.real_worker,
    # The suite runs tasks in-process; these tests publish to the real broker on purpose.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the worker process must share the test database: set DATABASE_URL to PostgreSQL (CI does)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("REMINDER_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def broker():
    with Connection(BROKER) as conn:
        conn.default_channel.client.flushdb()
        yield conn
        conn.default_channel.client.flushdb()


@pytest.fixture
def worker_env(tmp_path):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=url,
        REDIS_URL=BROKER,
        SECRET_KEY="worker-test-secret-key",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        CELERY_VISIBILITY_TIMEOUT="3",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
        CONN_MAX_AGE="0",
        EMAIL_DELIVERY_LEASE="2",
    )
    return env


def start_worker(env):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coop",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker, sig=signal.SIGTERM):
    worker.send_signal(sig)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def send(conn, name, **kwargs):
    celery_app.send_task(name, kwargs=kwargs, producer=conn.Producer())


def wait_for(condition, *, timeout=60, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def count(model, **filters):
    with scopes_disabled():
        return model.objects.filter(**filters).count()


def sent_mails(env):
    folder = Path(env["EMAIL_FILE_PATH"])
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


def test_scan_twice_and_digest_twice_deliver_once(broker, worker_env):
    tenant = TenantFactory(slug="worker")
    staff = member(tenant, Role.STAFF)
    agreement = AgreementFactory(partner=PartnerFactory(tenant=tenant), state=Agreement.State.ISSUED)
    partner = partner_person(agreement.partner)
    with scopes_disabled():
        version = AgreementVersion.objects.create(tenant=tenant, agreement=agreement, number=1)
        AgreementVersion.objects.filter(pk=version.pk).update(created_at=jst(2026, 11, 21, 10))
    from coop.reminders import deadline_settings_save

    with scopes_disabled():
        deadline_settings_save(tenant=tenant, values={"digest_hour": 0})

    worker = start_worker(worker_env)
    try:
        # The worker is another process (time-machine does not reach it): the scan gets its day.
        send(broker, "coop.tasks.reminders_scan", today="2026-11-30")
        send(broker, "coop.tasks.reminders_scan", today="2026-11-30")
        assert wait_for(lambda: count(Reminder, tenant=tenant) == 2)
        time.sleep(2)  # let the second scan finish: it must add nothing
        assert count(Reminder, tenant=tenant) == 2

        send(broker, "coop.tasks.digests_send")
        send(broker, "coop.tasks.digests_send")
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant) == 2)
        assert wait_for(lambda: len(sent_mails(worker_env)) >= 2)
        time.sleep(2)
    finally:
        stop(worker)
    recipients = sorted(m["To"] for m in sent_mails(worker_env))
    assert recipients == sorted([staff.email, partner.email])


def test_worker_killed_mid_batch_sends_every_digest_exactly_once(broker, worker_env):
    tenant = TenantFactory(slug="killed")
    people = 200
    with scopes_disabled():
        users = User.objects.bulk_create([User(email=f"p{n}@killed.example.jp") for n in range(people)])
        Reminder.objects.bulk_create(
            [
                Reminder(tenant=tenant, user=u, key=f"k{u.pk}", title="締切", due_on=datetime.date(2026, 11, 24))
                for u in users
            ]
        )
    ids = sorted(u.pk for u in users)

    worker = start_worker(worker_env)
    try:
        send(broker, "coop.tasks.digest_send_batch", tenant_id=tenant.pk, user_ids=ids, day="2026-11-24")
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant) >= 20, timeout=90, interval=0.01)
    finally:
        stop(worker, signal.SIGKILL)  # dies mid-batch, the message unacknowledged
    done_before = count(DigestDelivery, tenant=tenant)
    assert done_before < people, "the batch finished before the worker was killed: make it bigger"

    worker = start_worker(worker_env)  # Redis hands the unacknowledged batch to the new worker
    try:
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant) == people, timeout=120)
        # The digest whose sender was killed after claiming it: the next digest run (beat, every
        # few minutes) sends it once its lease has expired.
        time.sleep(3)
        with scopes_disabled():
            DeadlineSettings.objects.update_or_create(tenant=tenant, defaults={"digest_hour": 0})
        send(broker, "coop.tasks.digests_send")
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant, sent_at__isnull=True) == 0, timeout=30)
        time.sleep(1)
    finally:
        stop(worker)
    recipients = [m["To"] for m in sent_mails(worker_env)]
    assert len(recipients) == len(set(recipients)), "somebody got the same digest twice"
    assert len(recipients) == people, "a digest was lost"
    assert count(Reminder, tenant=tenant, emailed_at__isnull=True) == 0
