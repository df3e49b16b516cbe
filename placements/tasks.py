"""Celery tasks of the placements app: thin, they take ids, load, and call a service inside
the tenant's scope."""

from django.urls import reverse
from django.utils import timezone

from coop.delivery import deliver_once, delivery_message_id
from coop.mail import language_for, mail_send, site_url
from coop.models import User
from coop.sweeper import BATCH, GRACE, links_reissue_unsent, requeue_due
from coop.tenant_tasks import queue, tenant_task
from coop.tokens import hash_token

from .models import AgreementVersion, Entry
from .services.documents import agreement_version_render


@tenant_task
def render_agreement_version(*, tenant, version_id):
    version = AgreementVersion.objects.filter(pk=version_id, tenant=tenant).first()
    if version is None:  # deleted since it was queued
        return
    agreement_version_render(version=version)


@tenant_task
def import_confirm_task(*, tenant, token, user_id):
    """A large import, confirmed by `user_id`, within the worker's memory bound."""
    by = User.objects.filter(pk=user_id, is_active=True).first()
    if by is None:
        return
    from .services import imports  # it queues this task: imported when the task runs, not in a cycle

    bounded = not import_confirm_task.request.is_eager  # in the web process (no broker) the file's limits bound it
    imports.import_confirm_queued(tenant=tenant, token=token, by=by, memory_bytes=None if bounded else 0)


@tenant_task
def send_entry_confirmation(*, tenant, entry_id, token):
    """Emails an entry's confirmation link once (coop.delivery); an entry whose token was
    replaced, used or withdrawn meanwhile gets nothing."""
    entry = Entry.objects.select_related("theme").filter(pk=entry_id, tenant=tenant).first()
    if entry is None or entry.status != "pending":
        return False
    path = reverse("placements:entry_confirm", kwargs={"tenant_slug": tenant.slug, "token": token})
    return deliver_once(
        entry,
        lambda: mail_send(
            template="entry_confirm",
            context={"entry": entry, "theme": entry.theme, "tenant": tenant, "url": site_url(path)},
            to=[entry.email],
            language=language_for(None, tenant),
            message_id=delivery_message_id(entry),
        ),
        token_hash=hash_token(token),
    )


def sweep_entry_confirmations(tenant):
    """coop.sweeper: entries whose confirmation email never went out (the broker was away, the
    worker died) get a new token and their email again; nobody received the old token."""

    from .services.entries import entries_purge_unconfirmed  # services import this module's tasks

    def send(entry, token):
        queue(send_entry_confirmation, tenant_id=tenant.pk, entry_id=entry.pk, token=token)

    entries_purge_unconfirmed(tenant=tenant)  # housekeeping, not unfinished work: not counted
    return {"entry confirmations": links_reissue_unsent(Entry, send, tenant=tenant)}


def sweep_pdfs(tenant):
    """coop.sweeper: agreement versions whose PDF is still pending (its message was lost, or
    the worker died while rendering). Rendering again is harmless."""
    stale = AgreementVersion.objects.filter(
        tenant=tenant, pdf_state=AgreementVersion.PdfState.PENDING, created_at__lt=timezone.now() - GRACE
    )
    count = 0
    for pk in stale.order_by("pk").values_list("pk", flat=True)[:BATCH]:
        if requeue_due(f"agreementversion:{pk}"):
            queue(render_agreement_version, tenant_id=tenant.pk, version_id=pk)
            count += 1
    return {"agreement PDFs": count}


IMPORT_RUNNING_STALE = 15 * 60  # seconds: longer than the worker's hardest import takes


def sweep_imports(tenant):
    """coop.sweeper: large imports whose message was lost (queued while the broker was down)
    or whose worker died mid-import. Importing them again is harmless: one transaction each,
    and the claimed rows are deleted only once imported."""
    from .services import imports  # it queues import_confirm_task: imported when swept, not in a cycle

    count = 0
    for token, user_id in imports.imports_stranded(
        tenant=tenant, queued_for=GRACE.total_seconds(), running_for=IMPORT_RUNNING_STALE
    ):
        if requeue_due(f"import:{tenant.pk}:{token}"):
            queue(import_confirm_task, tenant_id=tenant.pk, token=token, user_id=user_id)
            count += 1
    return {"imports": count}
