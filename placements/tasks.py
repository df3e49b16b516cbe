"""Celery tasks of the placements app: thin, they take ids, load, and call a service inside
the tenant's scope."""

from coop.models import User
from coop.tenant_tasks import tenant_task

from .models import AgreementVersion
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
