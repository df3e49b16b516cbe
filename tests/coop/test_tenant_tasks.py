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

ROOT = Path(__file__).resolve().parents[2]
APP_FILES = [p for app in ("coop", "placements", "reports", "rubrics") for p in (ROOT / app).rglob("*.py")]


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
