"""The one Celery base task for tenant work: a task gets a tenant id and runs inside that
tenant's scope and time zone, so a task without a scope cannot exist (as pretix's EventTask).

    @tenant_task
    def send_rater_link(*, tenant, link_id, token): ...

    send_rater_link.delay(tenant_id=tenant.pk, link_id=link.pk, token=token)
"""

import contextlib
import os

from celery import Task, shared_task
from django.utils import timezone
from django_scopes import scope

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
        with scope(tenant=tenant), timezone.override(tenant_zone(tenant)):
            return super().__call__(*args, tenant=tenant, **kwargs)


def tenant_task(function):
    return shared_task(base=TenantTask)(function)


@contextlib.contextmanager
def memory_bound(extra_bytes):
    """Within the block, the process may map at most `extra_bytes` more than it has mapped now:
    an allocation beyond raises MemoryError (which the caller turns into a refusal) instead of
    the machine swapping or the kernel killing the worker. 0 or None: no bound. Linux and the
    BSDs; elsewhere no bound."""
    try:
        import resource  # POSIX only
    except ImportError:
        resource = None
    if not extra_bytes or resource is None or not hasattr(resource, "RLIMIT_AS"):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        yield
        return
    cap = mapped + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
