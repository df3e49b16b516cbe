"""Celery tasks take ids and a tenant id, and run inside that tenant's scope (coop.tenant_tasks)."""

from datetime import date
from functools import partial

from django.apps import apps
from django.urls import reverse
from django_scopes import scope

from . import exports, reminders, rls, sweeper
from .clock import tenant_today
from .delivery import deliver_once, delivery_message_id
from .health import HEARTBEAT_EVERY, heartbeat_write
from .mail import language_for, mail_send, site_url
from .models import ExportJob, Invitation, Notification, Tenant, User
from .sweeper import SWEEP_EVERY
from .tenant_tasks import queue, scheduled_task, tenant_task
from .tokens import hash_token


def _invitation_mail(tenant, invitation, token, language=""):
    """Emails the invitation once (coop.delivery); a message whose token was replaced (the
    sweeper re-issued the link of an email that never went out) sends nothing."""
    path = reverse("coop:invitation_accept", kwargs={"tenant_slug": tenant.slug, "token": token})
    return deliver_once(
        invitation,
        lambda: mail_send(
            template="invitation",
            context={"invitation": invitation, "tenant": tenant, "url": site_url(path)},
            to=[invitation.email],
            language=language or language_for(None, tenant),
            message_id=delivery_message_id(invitation),
        ),
        token_hash=hash_token(token),
    )


@tenant_task
def send_invitation_email(*, tenant, invitation_id, token):
    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id, tenant=tenant).first()
    if invitation is None:
        return False
    return _invitation_mail(tenant, invitation, token)


@tenant_task
def send_invitation_emails(*, tenant, invitations):
    """The invitations of an import: [[invitation id, token, language or ""], ...]. One still
    pending gets its email; a revoked or accepted one (replaced meanwhile) does not."""
    letters = {pk: (token, language) for pk, token, language in invitations}
    pending = Invitation.objects.filter(
        tenant=tenant, pk__in=letters, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    sent = 0
    for invitation in pending.order_by("pk"):
        token, language = letters[invitation.pk]
        sent += bool(_invitation_mail(tenant, invitation, token, language))
    return sent


@tenant_task
def send_notifications(*, tenant, notification_ids):
    """Sends each owed notification email once (coop.delivery)."""
    sent = 0
    rows = Notification.objects.filter(tenant=tenant, pk__in=notification_ids, sent_at__isnull=True)
    for notification in rows.select_related("user").order_by("pk"):
        sent += deliver_once(notification, partial(_notification_email, tenant, notification))
    return sent


def _notification_email(tenant, notification):
    recipient = notification.user
    if not recipient.is_active:
        return
    obj = apps.get_model(notification.model).objects.filter(pk=notification.object_id, tenant=tenant).first()
    if obj is None:  # deleted since: nothing left to tell
        return
    url = site_url(obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "")
    mail_send(
        template=notification.event,
        context={"obj": obj, "recipient": recipient, "tenant": tenant, "url": url, "note": notification.note},
        to=[recipient.email],
        language=language_for(recipient, tenant),
        message_id=delivery_message_id(notification),
    )


# --- Deadlines and reminders: a short fixed beat schedule; what is due is data. ---------------

DIGEST_BATCH = 200


SCAN_EVERY = 300
DIGESTS_EVERY = 120


@scheduled_task(period=SCAN_EVERY)
def reminders_scan(*, today=None):
    """Beat, every few minutes: one message per tenant, not one per reminder. `today` (ISO date)
    is for backfills and benchmarks; by default each tenant's own date."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        queue(reminders_scan_tenant, tenant_id=tenant_id, today=today)


@tenant_task
def reminders_scan_tenant(*, tenant, today=None):

    day = date.fromisoformat(today) if today else tenant_today(tenant)
    return reminders.reminders_scan_tenant(tenant=tenant, today=day)


@scheduled_task(period=DIGESTS_EVERY)
def digests_send():
    """Beat, every few minutes: tenants past their digest hour get the digests they owe sent
    in batches: today's, and any whose sender died before marking it sent."""

    for tenant in Tenant.objects.filter(is_active=True):
        with scope(tenant=tenant), rls.tenant(tenant):
            if not reminders.digest_is_due(tenant):
                continue
            user_ids = reminders.digest_recipients(tenant)
        day = tenant_today(tenant).isoformat()
        for start in range(0, len(user_ids), DIGEST_BATCH):
            queue(digest_send_batch, tenant_id=tenant.pk, user_ids=user_ids[start : start + DIGEST_BATCH], day=day)


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


@scheduled_task(period=HEARTBEAT_EVERY)
def worker_heartbeat():
    """Beat, every minute: proves to /healthz that beat, the broker and a worker are alive."""
    heartbeat_write()


@scheduled_task(period=SWEEP_EVERY)
def sweep():
    """Beat, every minute: queues again the work whose state says unfinished (coop.sweeper)."""
    return sweeper.sweep_all()
