"""Celery tasks of the placements app: thin, they take ids, load, and call a service inside
the tenant's scope."""

from coop.tenant_tasks import tenant_task

from .models import AgreementVersion
from .services.agreements import agreement_version_render


@tenant_task
def render_agreement_version(*, tenant, version_id):
    version = AgreementVersion.objects.filter(pk=version_id, tenant=tenant).first()
    if version is None:  # deleted since it was queued
        return
    agreement_version_render(version=version)
