"""Celery tasks of the placements app: thin, they take ids, load, and call a service inside
the tenant's scope."""

from celery import shared_task
from django_scopes import scope

from coop.models import Tenant

from .models import AgreementVersion
from .services.agreements import agreement_version_render


@shared_task
def render_agreement_version(*, tenant_id, version_id):
    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        version = AgreementVersion.objects.filter(pk=version_id, tenant=tenant).first()
        if version is None:  # deleted since it was queued
            return
        agreement_version_render(version=version)
