"""Faults (issue 12, items 9-12): emails owed are sent exactly once in effect, unfinished work is
swept up, a Redis outage degrades instead of failing, beat runs once, seed_demo needs no worker.

The outages are real: each test starts its own redis-server (never the shared one) and stops
it. Tasks run in-process except where a test publishes to that broker on purpose.
"""

import datetime
import os
import re
import shutil
import socket
import subprocess
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop import reminders, services, sweeper
from coop.celery import app as celery_app
from coop.management.commands.seed_demo import TENANTS
from coop.models import DigestDelivery, Invitation, Reminder, Role, Tenant
from coop.registry import DEMO_SEEDERS
from coop.tenant_tasks import schedule_slot_claim
from placements.models import Agreement, AgreementVersion, Program

from ..clock import at, jst
from ..factories import PASSWORD, AgreementFactory, PartnerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
    # Tests that switch tasks to the real broker on purpose.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own, that the test may stop and start."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        # The server is infrastructure, not the code under test: it keeps the real clock when
        # the suite runs under libfaketime (redis-server does not start with it preloaded).
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            env=env,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis():
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


def cache_on(url):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "coop.cache.FailOpenRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
    )


@pytest.fixture
def broker_at():
    """Publishes tasks to a real broker at the given URL (no worker consumes them)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def switch(url):
        conf.broker_url = url
        conf.task_always_eager = False
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    yield switch
    conf.broker_url, conf.task_always_eager = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


# --- Item 9: a digest is sent exactly once, even when its sender dies -----------------------


@at(2026, 11, 30, 10)
def test_digest_whose_sender_died_after_claiming_is_sent_once_when_the_lease_expires(tenant, members, travel):
    staff = members[Role.STAFF]
    today = datetime.date(2026, 11, 30)
    with scope(tenant=tenant):
        for n in range(2):
            Reminder.objects.create(tenant=tenant, user=staff, key=f"k{n}", title=f"締切{n}", due_on=today)
        # A sender commits the delivery with its reminders and claims it, then dies before sending.
        assert reminders._digest_claim(tenant=tenant, user=staff, day=today) is not None
        assert reminders.digest_recipients(tenant) == [staff.pk]
        # While its lease runs nobody else sends it (the dead sender might still be sending).
        assert reminders.digest_send(tenant=tenant, user=staff, day=today) is False
        travel(jst(2026, 11, 30, 10, 2))
        assert reminders.digest_send(tenant=tenant, user=staff, day=today) is True
        assert reminders.digest_send(tenant=tenant, user=staff, day=today) is False
        delivery = DigestDelivery.objects.get()
        assert delivery.sent_at is not None
        assert reminders.digest_recipients(tenant) == []
    assert [m.to for m in mail.outbox] == [[staff.email]]
    # The same two reminders, and the same Message-ID however many attempts it took.
    assert "締切0" in mail.outbox[0].body and "締切1" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<coop.digestdelivery.{tenant.pk}.{delivery.pk}@coop-portal>"


# --- Item 10: the sweeper queues again what a lost message left unfinished -------------------


@at(2026, 11, 30, 10)
def test_sweeper_renders_a_pdf_left_pending(tenant, travel):
    agreement = AgreementFactory(partner=PartnerFactory(tenant=tenant), state=Agreement.State.ISSUED)
    with scopes_disabled():
        version = AgreementVersion.objects.create(tenant=tenant, agreement=agreement, number=1, context={})
    assert version.pdf_state == AgreementVersion.PdfState.PENDING  # its render message was lost
    assert sweeper.sweep_all().get("agreement PDFs") == 0  # its first render had no chance yet
    travel(jst(2026, 11, 30, 10, 2))
    assert sweeper.sweep_all()["agreement PDFs"] == 1
    with scopes_disabled():
        version.refresh_from_db()
    assert version.pdf_state != AgreementVersion.PdfState.PENDING


# --- Item 11: a Redis outage degrades --------------------------------------------------------


def test_sign_in_works_with_redis_down(client, tenant, members, own_redis):
    url = own_redis.url(3)
    own_redis.stop()
    with cache_on(url):
        response = client.post(reverse("account_login"), {"login": members[Role.STAFF].email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(members[Role.STAFF].pk)


@at(2026, 11, 30, 10)
def test_invitation_with_redis_down_is_saved_and_emailed_by_the_sweeper_once_redis_is_back(
    client, tenant, members, own_redis, broker_at, travel, django_capture_on_commit_callbacks
):
    url = own_redis.url(4)
    own_redis.stop()
    broker_at(url)
    client.force_login(members[Role.STAFF])
    with cache_on(url), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("coop:invitations", kwargs={"tenant_slug": tenant.slug}),
            {"email": "newcomer@example.jp", "role": Role.STUDENT},
        )
    assert response.status_code == 302
    with scopes_disabled():
        invitation = Invitation.objects.get(email="newcomer@example.jp")
    assert invitation.sent_at is None
    assert mail.outbox == []

    # Redis is back; the sweeper (a worker's task, here in-process) finds the unsent invitation.
    own_redis.start()
    celery_app.conf.task_always_eager = True
    travel(jst(2026, 11, 30, 10, 2))
    with cache_on(url):
        assert sweeper.sweep_all()["invitations"] == 1
        assert sweeper.sweep_all()["invitations"] == 0
    assert [m.to for m in mail.outbox] == [["newcomer@example.jp"]]
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.sent_at is not None
    # The emailed link works (a new token: nobody ever received the first one).
    link = re.search(r"https?://\S+(/t/\S+/join/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    assert client.get(link).status_code == 200


def test_invitation_task_holding_a_replaced_token_sends_nothing(tenant, members):
    with scope(tenant=tenant):
        invitation, old_token = services.invitation_create(
            tenant=tenant, email="x@example.jp", role=Role.STUDENT, by=members[Role.STAFF]
        )
        Invitation.objects.filter(pk=invitation.pk).update(token_hash="replaced-by-the-sweeper")
    from coop.tasks import send_invitation_email  # the task itself, as a redelivered message runs it

    assert send_invitation_email(tenant_id=tenant.pk, invitation_id=invitation.pk, token=old_token) is False
    assert mail.outbox == []


def test_two_beats_run_a_scheduled_task_once_per_slot(own_redis):
    with cache_on(own_redis.url(5)):
        assert schedule_slot_claim("coop.tasks.digests_send", 300, now=3000.0) is True
        assert schedule_slot_claim("coop.tasks.digests_send", 300, now=3001.0) is False  # the second beat
        assert schedule_slot_claim("coop.tasks.digests_send", 300, now=3300.0) is True  # the next slot
        own_redis.stop()
        # Without Redis no lock can be taken: the run goes ahead (each task is harmless doubled).
        assert schedule_slot_claim("coop.tasks.digests_send", 300, now=3600.0) is True


# --- Item 12: seed_demo with a broker and no worker ------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_seed_demo_with_a_broker_and_no_worker_completes_and_a_failed_run_leaves_no_half_tenant(
    settings, own_redis, broker_at
):
    settings.DEBUG = True
    broker_at(own_redis.url(3))

    def fails(tenant, people):
        raise RuntimeError("seeding stopped half-way")

    DEMO_SEEDERS.append(fails)
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - quiet
    finally:
        DEMO_SEEDERS.remove(fails)
    with scopes_disabled():
        assert not Program.objects.exists()  # nothing of the stopped tenant is left behind

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - idempotent
    with scopes_disabled():
        assert Tenant.objects.count() == len(TENANTS)
        assert Program.objects.exists()
        signed = AgreementVersion.objects.filter(signatures__isnull=False).distinct()
        assert signed.exists()
        assert all(version.pdf for version in signed)
        assert Agreement.objects.filter(state=Agreement.State.IN_FORCE).exists()


def test_each_beat_entry_locks_the_slot_of_its_own_period(settings):
    # A lock slot longer than the schedule would skip runs; a shorter one would let two beats double.
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = celery_app.tasks[entry["task"]]
        assert task.period == entry["schedule"], entry["task"]


# --- Item 10's siblings: large imports and exports left unfinished --------------------------


@at(2026, 11, 30, 10)
def test_sweeper_imports_a_large_import_whose_message_was_lost(tenant, members, settings, travel):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from placements.models import Partner
    from placements.services.imports import import_confirm, import_preview, import_status

    settings.IMPORT_WORKER_ROWS = 2
    staff = members[Role.STAFF]
    data = "name\r\n株式会社一\r\n株式会社二\r\n株式会社三\r\n".encode()
    token = import_preview(tenant=tenant, kind="partners", upload=SimpleUploadedFile("p.csv", data), by=staff).token
    # Confirmed outside a transaction's commit: the worker's message is never published (lost).
    assert import_confirm(tenant=tenant, token=token, by=staff).queued
    assert import_status(tenant=tenant, token=token, by=staff)["state"] == "queued"
    assert sweeper.sweep_all().get("imports") == 0  # the first message had its chance yet
    travel(jst(2026, 11, 30, 10, 2))
    assert sweeper.sweep_all()["imports"] == 1
    assert import_status(tenant=tenant, token=token, by=staff)["state"] == "done"
    with scopes_disabled():
        assert Partner.objects.filter(tenant=tenant).count() == 3
    travel(jst(2026, 11, 30, 10, 10))
    assert sweeper.sweep_all()["imports"] == 0  # imported once: nothing left to sweep


@at(2026, 11, 30, 10)
def test_sweeper_runs_again_an_export_left_running_by_a_dead_worker(tenant, members, travel):
    from coop.models import ExportJob

    with scopes_disabled():
        job = ExportJob.objects.create(
            tenant=tenant, user=members[Role.ADMIN], table="partners", fmt="csv", state=ExportJob.State.RUNNING
        )
    travel(jst(2026, 11, 30, 10, 5))
    assert sweeper.sweep_all().get("exports") == 0  # still running, as far as anyone can tell
    travel(jst(2026, 11, 30, 10, 16))
    assert sweeper.sweep_all()["exports"] == 1
    with scopes_disabled():
        job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.file
