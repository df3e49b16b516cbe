"""The one Celery base task for tenant work: a task gets a tenant id and runs inside that
tenant's scope and time zone, so a task without a scope cannot exist (as pretix's EventTask).

    @tenant_task
    def send_rater_link(*, tenant, link_id, token): ...

    send_rater_link.delay(tenant_id=tenant.pk, link_id=link.pk, token=token)
"""

from celery import Task, shared_task
from django.utils import timezone
from django_scopes import scope

from . import rls
from .clock import tenant_zone
from .models import Tenant


class TenantTask(Task):
    # Callers pass tenant_id, the function takes tenant: Celery must not check the call against
    # the function's signature.
    typing = False

    def __call__(self, *args, tenant_id, **kwargs):

        tenant = Tenant.objects.get(pk=tenant_id)
        # The tenant's time zone, as the middleware sets it for a request: dates and times in
        # emails, exports and `__date` lookups are the tenant's, not the worker's default.
        # The database shows the task only its tenant's rows (coop.rls), as it does a request.
        with scope(tenant=tenant), rls.tenant(tenant), timezone.override(tenant_zone(tenant)):
            return super().__call__(*args, tenant=tenant, **kwargs)


def tenant_task(function):
    return shared_task(base=TenantTask)(function)
