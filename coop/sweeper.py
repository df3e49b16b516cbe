"""The sweeper: every minute (beat) it queues again the work whose state in the database says
unfinished, so that nothing waits on a message that was lost (a worker killed, the broker
restarted or unreachable when the work was queued, a task that ran out of retries):

- emails owed (coop.delivery rows: notifications, invitations, emailed links) whose first
  sender had its chance and which nobody is sending now;
- export jobs still queued, or left running by a worker that died; large imports queued or
  left running the same way (placements); and whatever the apps register (`register_sweeper`: agreement PDFs
  still pending, links of reports and rubrics).

Queuing twice is harmless (every task checks the state it acts on), but each item is queued
at most once per REQUEUE_PAUSE so that a slow worker is not buried under copies.
Digests are swept by their own beat run (coop.tasks.digests_send), which sends what is owed.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django_scopes import scope

from . import rls
from .delivery import deliveries_unsent, delivery_claimable
from .models import ExportJob, Invitation, Notification, Tenant
from .registry import SWEEPERS
from .tenant_tasks import queue
from .tokens import hash_token, new_token

logger = logging.getLogger(__name__)

SWEEP_EVERY = 60  # seconds (beat)
GRACE = timedelta(seconds=60)  # how long the first sender has before the sweeper steps in
REQUEUE_PAUSE = 120  # seconds between two re-queues of the same item
BATCH = 200
EXPORT_RUNNING_STALE = timedelta(minutes=15)  # the largest export takes seconds (README's bench)


def requeue_due(key):
    """True if `key` was not re-queued in the last REQUEUE_PAUSE seconds (and marks it)."""
    try:
        return cache.add(f"coop:sweep:{key}", 1, timeout=REQUEUE_PAUSE)
    except Exception:  # noqa: BLE001 - without the mark, re-queue (duplicates are harmless)
        return True


def links_reissue_unsent(model, send, *, tenant):
    """Emailed links (`model`: an EmailDelivery and coop.links link) still pending whose email
    never went out: each gets a new token, since nobody received the old one, and `send(link,
    token)` queues its email. A message still holding the old token then sends nothing."""
    now = timezone.now()
    waiting = model.objects.filter(model.status_q(now=now), tenant=tenant)
    count = 0
    for link in deliveries_unsent(waiting, older_than=GRACE).order_by("pk")[:BATCH]:
        if not requeue_due(f"{model._meta.label_lower}:{link.pk}"):
            continue
        token = new_token()
        if delivery_claimable(link).update(token_hash=hash_token(token)):
            send(link, token)
            count += 1
    return count


def _invitations(tenant):
    from .tasks import send_invitation_email  # tasks import this module for the beat task

    def send(invitation, token):
        queue(send_invitation_email, tenant_id=tenant.pk, invitation_id=invitation.pk, token=token)

    return {"invitations": links_reissue_unsent(Invitation, send, tenant=tenant)}


def _notifications(tenant):
    from .tasks import send_notifications  # tasks import this module for the beat task

    ids = [
        pk
        for pk in deliveries_unsent(Notification.objects.filter(tenant=tenant), older_than=GRACE)
        .order_by("pk")
        .values_list("pk", flat=True)[: BATCH * 5]
        if requeue_due(f"notification:{pk}")
    ]
    for start in range(0, len(ids), BATCH):
        queue(send_notifications, tenant_id=tenant.pk, notification_ids=ids[start : start + BATCH])
    return {"notifications": len(ids)}


def _exports(tenant):
    from .tasks import export_job_run  # tasks import this module for the beat task

    now = timezone.now()
    # A job left "running" by a worker that died is queued again (writing it twice is harmless).
    ExportJob.objects.filter(
        tenant=tenant, state=ExportJob.State.RUNNING, created_at__lt=now - EXPORT_RUNNING_STALE
    ).update(state=ExportJob.State.QUEUED, rows_done=0)
    stale = ExportJob.objects.filter(tenant=tenant, state=ExportJob.State.QUEUED, created_at__lt=now - GRACE)
    count = 0
    for pk in stale.values_list("pk", flat=True)[:BATCH]:
        if requeue_due(f"export:{pk}"):
            queue(export_job_run, tenant_id=tenant.pk, job_id=pk)
            count += 1
    return {"exports": count}


CORE_SWEEPERS = [_invitations, _notifications, _exports]


def sweep_all():
    """Runs every sweeper in every active tenant's scope. Returns {what: how many re-queued}."""
    totals = {}
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with scope(tenant=tenant), rls.tenant(tenant):
            for sweeper in [*CORE_SWEEPERS, *SWEEPERS]:
                for what, count in sweeper(tenant).items():
                    totals[what] = totals.get(what, 0) + count
    if any(totals.values()):
        logger.warning("sweeper re-queued unfinished work: %s", totals)
    return totals
