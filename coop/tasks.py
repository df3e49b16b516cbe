"""Celery tasks take ids and a tenant id, and run inside that tenant's scope (coop.tenant_tasks)."""

from datetime import date

from celery import shared_task
from django.apps import apps
from django.urls import reverse
from django_scopes import scope

from . import exports, reminders, rls
from .clock import tenant_today
from .health import heartbeat_write
from .mail import language_for, mail_send, site_url
from .models import ExportJob, Invitation, Tenant, User
from .tenant_tasks import tenant_task


@tenant_task
def send_invitation_email(*, tenant, invitation_id, token):
    invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id, tenant=tenant)
    path = reverse("coop:invitation_accept", kwargs={"tenant_slug": tenant.slug, "token": token})
    mail_send(
        template="invitation",
        context={"invitation": invitation, "tenant": tenant, "url": site_url(path)},
        to=[invitation.email],
        language=language_for(None, tenant),
    )


@tenant_task
def send_notification(*, tenant, model, object_id, event, user_ids, note=""):

    obj = apps.get_model(model).objects.get(pk=object_id, tenant=tenant)
    url = site_url(obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "")
    for recipient in User.objects.filter(pk__in=user_ids, is_active=True):
        mail_send(
            template=event,
            context={"obj": obj, "recipient": recipient, "tenant": tenant, "url": url, "note": note},
            to=[recipient.email],
            language=language_for(recipient, tenant),
        )


# --- Deadlines and reminders: a short fixed beat schedule; what is due is data. ---------------

DIGEST_BATCH = 200


@shared_task
def reminders_scan(*, today=None):
    """Beat, every few minutes: one message per tenant, not one per reminder. `today` (ISO date)
    is for backfills and benchmarks; by default each tenant's own date."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        reminders_scan_tenant.delay(tenant_id=tenant_id, today=today)


@tenant_task
def reminders_scan_tenant(*, tenant, today=None):

    day = date.fromisoformat(today) if today else tenant_today(tenant)
    return reminders.reminders_scan_tenant(tenant=tenant, today=day)


@shared_task
def digests_send():
    """Beat, hourly: tenants past their digest hour get their digests sent in batches."""

    for tenant in Tenant.objects.filter(is_active=True):
        with scope(tenant=tenant), rls.tenant(tenant):
            if not reminders.digest_is_due(tenant):
                continue
            user_ids = reminders.digest_recipients(tenant)
        day = tenant_today(tenant).isoformat()
        for start in range(0, len(user_ids), DIGEST_BATCH):
            digest_send_batch.delay(tenant_id=tenant.pk, user_ids=user_ids[start : start + DIGEST_BATCH], day=day)


@tenant_task
def digest_send_batch(*, tenant, user_ids, day):

    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        sent += reminders.digest_send(tenant=tenant, user=user, day=date.fromisoformat(day))
    return sent


@tenant_task
def export_job_run(*, tenant, job_id):

    job = ExportJob.objects.filter(pk=job_id, tenant=tenant).first()
    if job is not None and job.state == ExportJob.State.QUEUED:
        exports.export_job_run(job=job)


@shared_task
def worker_heartbeat():
    """Beat, every minute: proves to /healthz that beat, the broker and a worker are alive."""
    heartbeat_write()
