"""Celery tasks take ids and a tenant id, and run inside that tenant's scope."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from coop.clock import tenant_today

from .models import Invitation, Tenant


@shared_task
def send_invitation_email(*, tenant_id, invitation_id, token):
    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id, tenant=tenant)
        path = reverse("coop:invitation_accept", kwargs={"tenant_slug": tenant.slug, "token": token})
        context = {"invitation": invitation, "tenant": tenant, "url": settings.SITE_URL + path}
        with translation.override(tenant.language or settings.LANGUAGE_CODE):
            subject = render_to_string("emails/invitation_subject.txt", context).strip()
            body = render_to_string("emails/invitation_body.txt", context)
        send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [invitation.email])


@shared_task
def send_notification(*, tenant_id, model, object_id, event, user_ids, note=""):
    from django.apps import apps

    from .models import User

    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        obj = apps.get_model(model).objects.get(pk=object_id, tenant=tenant)
        url = settings.SITE_URL + obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else settings.SITE_URL
        for recipient in User.objects.filter(pk__in=user_ids, is_active=True):
            context = {"obj": obj, "recipient": recipient, "tenant": tenant, "url": url, "note": note}
            with translation.override(recipient.language or tenant.language or settings.LANGUAGE_CODE):
                subject = render_to_string(f"emails/{event}_subject.txt", context).strip()
                body = render_to_string(f"emails/{event}_body.txt", context)
            send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [recipient.email])


# --- Deadlines and reminders: a short fixed beat schedule; what is due is data. ---------------

DIGEST_BATCH = 200


@shared_task
def reminders_scan(*, today=None):
    """Beat, every few minutes: one message per tenant, not one per reminder. `today` (ISO date)
    is for backfills and benchmarks; by default each tenant's own date."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        reminders_scan_tenant.delay(tenant_id=tenant_id, today=today)


@shared_task
def reminders_scan_tenant(*, tenant_id, today=None):
    from datetime import date

    from . import reminders

    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        day = date.fromisoformat(today) if today else tenant_today(tenant)
        return reminders.reminders_scan_tenant(tenant=tenant, today=day)


@shared_task
def digests_send():
    """Beat, hourly: tenants past their digest hour get their digests sent in batches."""
    from . import reminders

    for tenant in Tenant.objects.filter(is_active=True):
        with scope(tenant=tenant):
            if not reminders.digest_is_due(tenant):
                continue
            user_ids = reminders.digest_recipients(tenant)
        day = tenant_today(tenant).isoformat()
        for start in range(0, len(user_ids), DIGEST_BATCH):
            digest_send_batch.delay(tenant_id=tenant.pk, user_ids=user_ids[start : start + DIGEST_BATCH], day=day)


@shared_task
def digest_send_batch(*, tenant_id, user_ids, day):
    from datetime import date

    from . import reminders
    from .models import User

    tenant = Tenant.objects.get(pk=tenant_id)
    sent = 0
    with scope(tenant=tenant):
        for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
            sent += reminders.digest_send(tenant=tenant, user=user, day=date.fromisoformat(day))
    return sent


@shared_task
def export_job_run(*, tenant_id, job_id):
    from . import exports
    from .models import ExportJob

    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        job = ExportJob.objects.filter(pk=job_id, tenant=tenant).first()
        if job is not None and job.state == ExportJob.State.QUEUED:
            exports.export_job_run(job=job)
