"""The one Celery base task for tenant work: a task gets a tenant id and runs inside that
tenant's scope and time zone, so a task without a scope cannot exist (as pretix's EventTask).

    @tenant_task
    def send_rater_link(*, tenant, link_id, token): ...

    send_rater_link.delay(tenant_id=tenant.pk, link_id=link.pk, token=token)

Without a broker (`make run`, no REDIS_URL) Celery runs tasks eagerly, in the process that
queues them. A task queued while a request is being answered then runs once the response has
been sent (on `request_finished`), not inside the request: a PDF render or an email never holds
up the answer, as with a real worker. The page shows the pending state and polls for the result.
"""

import threading

from celery import Task, shared_task
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections
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

    def apply_async(self, args=None, kwargs=None, **options):
        after_response = getattr(_request, "after_response", None)
        if after_response is not None and self.app.conf.task_always_eager:
            after_response.append((self, args, kwargs, options))
            return None
        return super().apply_async(args, kwargs, **options)


def tenant_task(function):
    return shared_task(base=TenantTask)(function)


# --- Eager tasks queued during a request run after its response -------------------------------

_request = threading.local()


def _request_started(**kwargs):
    _request.after_response = [] if getattr(settings, "TASKS_AFTER_RESPONSE", True) else None


def _request_finished(**kwargs):
    """Runs the eager tasks the request queued, in order; the first error is raised after all
    have run (eager errors propagate, as CELERY_TASK_EAGER_PROPAGATES asks)."""
    queued, _request.after_response = getattr(_request, "after_response", None) or [], None
    error = None
    for task, args, kwargs, options in queued:
        try:
            Task.apply_async(task, args, kwargs, **options)
        except Exception as exc:  # noqa: BLE001 - raised below, once every queued task has run
            error = error or exc
    if queued:
        # What Django does at the end of a request, for the connection the tasks used; not
        # inside an atomic block (a test's transaction).
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
    if error is not None:
        raise error


request_started.connect(_request_started, dispatch_uid="coop.tenant_tasks.request_started")
request_finished.connect(_request_finished, dispatch_uid="coop.tenant_tasks.request_finished")
