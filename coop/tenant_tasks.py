"""The one Celery base task for tenant work: a task gets a tenant id and runs inside that
tenant's scope, so a task without a scope cannot exist (as pretix's EventTask).

    @tenant_task
    def send_rater_link(*, tenant, link_id, token): ...

    send_rater_link.delay(tenant_id=tenant.pk, link_id=link.pk, token=token)
"""

from celery import Task, shared_task


class TenantTask(Task):
    # Callers pass tenant_id, the function takes tenant: Celery must not check the call against
    # the function's signature.
    typing = False

    def __call__(self, *args, tenant_id, **kwargs):
        # Imported here: the Celery app module loads before Django's apps are ready.
        from django_scopes import scope

        from .models import Tenant

        tenant = Tenant.objects.get(pk=tenant_id)
        with scope(tenant=tenant):
            return super().__call__(*args, tenant=tenant, **kwargs)


def tenant_task(function):
    return shared_task(base=TenantTask)(function)
