"""The one Celery base task for tenant work: a task gets a tenant id and runs inside that
tenant's scope and time zone, so a task without a scope cannot exist (as pretix's EventTask).

    @tenant_task
    def send_rater_link(*, tenant, link_id, token): ...

    queue_after_commit(send_rater_link, tenant_id=tenant.pk, link_id=link.pk, token=token)

Faults are handled here, once, for every task:
- a transient error (the database restarting, Redis away) is retried with backoff, never
  acknowledged and dropped; tasks are acknowledged late, so a worker that dies leaves its
  message to be redelivered;
- queuing never fails the request that queues: with the broker down the write stays committed,
  its state says "not done yet", and the sweeper (`coop.sweeper`) queues it once the broker is back;
- a scheduled (beat) task runs once per slot even when two beats send it (`scheduled_task`).

Without a broker (`make run`, no REDIS_URL) Celery runs tasks eagerly, in the process that
queues them. A task queued while a request is being answered then runs once the response has
been sent (on `request_finished`), not inside the request: a PDF render or an email never holds
up the answer, as with a real worker. The page shows the pending state and polls for the result.
"""

import contextlib
import logging
import os
import random
import threading
import time

import kombu.exceptions
import redis.exceptions
from celery import Task, shared_task
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import InterfaceError, OperationalError, connections, transaction
from django.utils import timezone
from django_scopes import scope

from . import rls
from .clock import tenant_zone
from .models import Tenant

logger = logging.getLogger(__name__)

# Errors that pass: the database or Redis restarting, a connection dropped under us.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)
# Publishing a message can fail only for these: the broker is unreachable.
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_MAX_DELAY = 30  # seconds; a countdown is held unacknowledged, so it stays far below the visibility timeout
RETRY_LIMIT = 12  # ~5 minutes of backoff; after that the sweeper finds the unfinished state


def retry_delay(retries):
    """Exponential backoff with jitter: 1, 2, 4, ... up to RETRY_MAX_DELAY seconds."""
    return min(RETRY_MAX_DELAY, 2**retries) * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret


def _drop_broken_connections():
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block:
            conn.close()


class RetryingTask(Task):
    """Retries transient errors with backoff; acknowledged only once it has finished."""

    acks_late = True
    reject_on_worker_lost = True
    max_retries = RETRY_LIMIT

    def __call__(self, *args, **kwargs):
        try:
            return self.run_in_context(*args, **kwargs)
        except TRANSIENT_ERRORS as error:
            if self.request.is_eager or self.request.called_directly:
                raise
            _drop_broken_connections()
            delay = retry_delay(self.request.retries)
            logger.warning("%s: %s, retry %s in %.1f s", self.name, error, self.request.retries + 1, delay)
            raise self.retry(exc=error, countdown=delay) from error

    def run_in_context(self, *args, **kwargs):
        return super().__call__(*args, **kwargs)


class TenantTask(RetryingTask):
    # Callers pass tenant_id, the function takes tenant: Celery must not check the call against
    # the function's signature.
    typing = False

    def run_in_context(self, *args, tenant_id, **kwargs):
        tenant = Tenant.objects.get(pk=tenant_id)
        # The tenant's time zone, as the middleware sets it for a request: dates and times in
        # emails, exports and `__date` lookups are the tenant's, not the worker's default.
        # The database shows the task only its tenant's rows (coop.rls), as it does a request.
        with scope(tenant=tenant), rls.tenant(tenant), timezone.override(tenant_zone(tenant)):
            return Task.__call__(self, *args, tenant=tenant, **kwargs)

    def apply_async(self, args=None, kwargs=None, **options):
        after_response = getattr(_request, "after_response", None)
        if after_response is not None and self.app.conf.task_always_eager:
            after_response.append((self, args, kwargs, options))
            return None
        return super().apply_async(args, kwargs, **options)


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


def queue(task, **kwargs):
    """Publishes `task`; with the broker down it logs and returns False instead of failing the
    caller, whose committed state lets the sweeper queue the work later."""
    try:
        task.delay(**kwargs)
    except BROKER_ERRORS as error:
        logger.warning("%s not queued (broker unreachable: %s); the sweeper will queue it", task.name, error)
        return False
    return True


def queue_after_commit(task, **kwargs):
    """Queues `task` once the current transaction commits (never a task about rows that were
    rolled back, nor one that runs before its rows are visible)."""
    transaction.on_commit(lambda: queue(task, **kwargs))


# --- Beat: a fixed schedule, one run per slot ---------------------------------------------


def schedule_slot_claim(name, period, now=None):
    """True for the first caller of this slot of `period` seconds, False for a second beat's
    copy of the same run. The claim is a Redis key that expires with the slot; with Redis
    unreachable the run goes ahead (every scheduled task is harmless when doubled)."""
    from django.core.cache import cache  # the cache is configured once Django's settings are read

    slot = int((now if now is not None else time.time()) // period)
    try:
        return cache.add(f"coop:beat:{name}:{slot}", 1, timeout=int(period) + 5)
    except Exception:  # noqa: BLE001 - a lock we cannot take must not stop the schedule
        logger.warning("beat lock for %s unavailable; running", name)
        return True


class ScheduledTask(RetryingTask):
    """A beat task: one run per slot of `period` seconds across all beats."""

    period = 60

    def run_in_context(self, *args, **kwargs):
        first_try_from_beat = not (self.request.is_eager or self.request.called_directly or self.request.retries)
        if first_try_from_beat and not schedule_slot_claim(self.name, self.period):
            logger.info("%s: this slot already ran (a second beat?)", self.name)
            return None
        return Task.__call__(self, *args, **kwargs)


def scheduled_task(period):
    """`@scheduled_task(period=300)` for a task that beat sends every `period` seconds."""

    def decorate(function):
        return shared_task(base=ScheduledTask, period=period)(function)

    return decorate


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
