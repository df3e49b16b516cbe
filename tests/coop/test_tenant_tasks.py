"""One base task opens the tenant's scope from a tenant id; one sender sends every email."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import Invitation, Role
from coop.services import invitation_create
from coop.tenant_tasks import tenant_task

from ..factories import member
from ..project import APPS

ROOT = Path(__file__).resolve().parents[2]
APP_FILES = [p for app in APPS for p in (ROOT / app).rglob("*.py")]


@tenant_task
def _invitation_emails_seen(*, tenant):
    # A scoped query: it raises outside a scope, and sees only the active tenant's rows.
    return sorted(Invitation.objects.values_list("email", flat=True))


@pytest.mark.django_db
def test_a_tenant_task_runs_inside_its_tenants_scope_only(tenant, other_tenant):
    for owner, email in ((tenant, "a@hokuriku.example.jp"), (other_tenant, "b@other.example.jp")):
        with scopes_disabled():
            invitation_create(tenant=owner, email=email, role=Role.STUDENT, by=member(owner, Role.ADMIN))
    assert _invitation_emails_seen.delay(tenant_id=tenant.pk).get() == ["a@hokuriku.example.jp"]
    assert _invitation_emails_seen(tenant_id=other_tenant.pk) == ["b@other.example.jp"]


def test_a_tenant_task_cannot_run_without_a_tenant():
    with pytest.raises(TypeError, match="tenant_id"):
        _invitation_emails_seen()


def test_no_app_task_opens_a_tenant_scope_by_hand():
    # A tenant task is `@tenant_task`; `@shared_task` is left for the beat's fan-out over tenants.
    by_hand = [
        str(p.relative_to(ROOT))
        for p in APP_FILES
        if re.search(r"@shared_task\s+def \w+\(\*, tenant_id", p.read_text(encoding="utf-8"))
    ]
    assert by_hand == []


def test_every_email_goes_through_the_one_sender():
    senders = sorted(
        str(p.relative_to(ROOT))
        for p in APP_FILES
        if re.search(r"\bsend_mail\(|EmailMessage\(|EmailMultiAlternatives\(", p.read_text(encoding="utf-8"))
    )
    assert senders == ["coop/mail.py"]


@pytest.mark.django_db
def test_an_email_has_the_prefix_and_links_from_site_url(tenant, members, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://coop.example.ac.jp"
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        invitation_create(tenant=tenant, email="new@hokuriku.example.jp", role=Role.STUDENT, by=members[Role.ADMIN])
    [message] = mail.outbox
    assert message.subject.startswith(f"[{tenant.name}] ")
    assert "https://coop.example.ac.jp/t/hokuriku/join/" in message.body


@pytest.mark.django_db
def test_an_eager_task_queued_while_answering_a_request_runs_once_the_response_is_sent(
    tenant, members, django_capture_on_commit_callbacks
):
    # Without a broker (`make run`) an agreement's PDF and the emails ran inside the request:
    # issuing took 10 s. Now the request is answered first, as with a real worker (issue 11 #18).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As Django's test client does: the test's transaction is not a stale connection to close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None, environ={})  # what the server sends before the view
        with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
            invitation_create(
                tenant=tenant, email="later@hokuriku.example.jp", role=Role.STUDENT, by=members[Role.ADMIN]
            )
        assert mail.outbox == []  # the view has returned; nothing slow ran in it
        request_finished.send(sender=None)  # what the server sends once the response has gone
        assert [m.to for m in mail.outbox] == [["later@hokuriku.example.jp"]]
        # Outside a request (a management command, a test), an eager task runs at once.
        with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
            invitation_create(tenant=tenant, email="now@hokuriku.example.jp", role=Role.STUDENT, by=members[Role.ADMIN])
        assert len(mail.outbox) == 2
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
