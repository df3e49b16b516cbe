"""A real worker through a Redis restart (issue 12, item 11): it reconnects instead of dying,
and the digests whose messages Redis lost (restarted empty) still arrive, each exactly once.

The Redis is this test's own redis-server (test_faults.OwnRedis); the worker shares the
PostgreSQL test database, as in test_reminders_worker.py.
"""

import datetime
import os
import time

import pytest
from django.db import connection
from django_scopes import scopes_disabled
from kombu import Connection

from coop.models import DeadlineSettings, DigestDelivery, Reminder, User

from ..factories import TenantFactory
from .test_faults import OwnRedis
from .test_reminders_worker import count, send, sent_mails, start_worker, stop, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.real_worker,
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the worker process must share the test database: set DATABASE_URL to PostgreSQL (CI does)",
    ),
]


@pytest.fixture
def own_redis():
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_env(tmp_path, own_redis):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=url,
        REDIS_URL=own_redis.url(0),
        SECRET_KEY="worker-test-secret-key",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        EMAIL_DELIVERY_LEASE="2",
        CELERY_VISIBILITY_TIMEOUT="3",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
        CONN_MAX_AGE="0",
    )
    return env


def test_worker_survives_a_redis_restart_and_lost_digests_arrive_once(own_redis, worker_env):
    # Sending takes time, as with a real mail server: Redis goes away in the middle of the batch
    # even on a fast machine (with instant sending the whole batch was done before the restart).
    worker_env["EMAIL_BACKEND"] = "tests.slow_mail.SlowFileBackend"
    tenant = TenantFactory(slug="redis-restart")
    people = 150
    with scopes_disabled():
        DeadlineSettings.objects.create(tenant=tenant, digest_hour=0)
        users = User.objects.bulk_create([User(email=f"p{n}@restart.example.jp") for n in range(people)])
        Reminder.objects.bulk_create(
            [
                Reminder(tenant=tenant, user=u, key=f"k{u.pk}", title="締切", due_on=datetime.date(2026, 11, 24))
                for u in users
            ]
        )
    ids = sorted(u.pk for u in users)

    worker = start_worker(worker_env)
    try:
        with Connection(own_redis.url(0)) as broker:
            send(broker, "coop.tasks.digest_send_batch", tenant_id=tenant.pk, user_ids=ids, day="2026-11-24")
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant) >= 10, timeout=40, interval=0.01)
        own_redis.stop()  # the batch's message is gone with it (no persistence)
        time.sleep(2)
        own_redis.start()
        assert count(DigestDelivery, tenant=tenant, sent_at__isnull=False) < people
        time.sleep(3)  # the worker reconnects; a dead sender's lease expires
        # Beat's next digest run sends what is owed.
        with Connection(own_redis.url(0)) as broker:
            send(broker, "coop.tasks.digests_send")
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant, sent_at__isnull=False) == people, timeout=45)
        time.sleep(1)
        assert worker.poll() is None, "the worker died with the Redis restart"
    finally:
        stop(worker)
    recipients = [m["To"] for m in sent_mails(worker_env)]
    assert len(recipients) == len(set(recipients)), "somebody got the same digest twice"
    assert len(recipients) == people, "a digest was lost"


def test_a_batch_that_meets_a_database_blip_is_retried_not_dropped(own_redis, worker_env):
    tenant = TenantFactory(slug="db-blip")
    people = 150
    with scopes_disabled():
        DeadlineSettings.objects.create(tenant=tenant, digest_hour=0)
        users = User.objects.bulk_create([User(email=f"p{n}@blip.example.jp") for n in range(people)])
        Reminder.objects.bulk_create(
            [
                Reminder(tenant=tenant, user=u, key=f"k{u.pk}", title="締切", due_on=datetime.date(2026, 11, 24))
                for u in users
            ]
        )
    ids = sorted(u.pk for u in users)

    worker = start_worker(worker_env)
    try:
        with Connection(own_redis.url(0)) as broker:
            send(broker, "coop.tasks.digest_send_batch", tenant_id=tenant.pk, user_ids=ids, day="2026-11-24")
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant) >= 10, timeout=40, interval=0.01)
        # The blip: every connection of the worker to the database is cut, a few times.
        for _ in range(3):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            time.sleep(0.3)
        assert count(DigestDelivery, tenant=tenant) < people, "the batch finished before the blip: make it bigger"
        # No beat here: the batch itself, retried after the error, writes every delivery.
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant) == people, timeout=45)
        # A digest claimed when its connection was cut is sent by beat's next digest run.
        time.sleep(3)
        with Connection(own_redis.url(0)) as broker:
            send(broker, "coop.tasks.digests_send")
        assert wait_for(lambda: count(DigestDelivery, tenant=tenant, sent_at__isnull=False) == people, timeout=30)
        time.sleep(1)
    finally:
        stop(worker)
    recipients = [m["To"] for m in sent_mails(worker_env)]
    assert len(recipients) == len(set(recipients)), "somebody got the same digest twice"
    assert len(recipients) == people, "a digest was lost"
