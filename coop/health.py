"""/healthz for the container and the load balancer: the database, Redis and the worker.

Answered by the first middleware, before host validation and the https redirect, because the
container's own probe asks http://127.0.0.1:8000 (not a production host, not https). It
reveals nothing but these three words. 200 while the database answers (the site can serve,
degraded, without Redis); 503 when it does not.

The worker's heartbeat: beat queues `coop.tasks.worker_heartbeat` every minute and the worker
that runs it writes the time to Redis, so a fresh heartbeat proves beat, broker and worker.
"""

import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

HEARTBEAT_KEY = "coop:worker-heartbeat"
HEARTBEAT_EVERY = 60
HEARTBEAT_STALE_AFTER = 3 * HEARTBEAT_EVERY


def _redis():

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def heartbeat_write():
    _redis().set(HEARTBEAT_KEY, str(time.time()), ex=10 * HEARTBEAT_EVERY)


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the same to a probe
        return "down"
    return "ok"


def _redis_and_worker():
    if not settings.REDIS_URL:
        return "not used", "in-process"  # tasks run inside the web process
    try:
        beat = _redis().get(HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001
        return "down", "unknown"
    if beat is None:
        return "ok", "missing"
    return "ok", "ok" if time.time() - float(beat) <= HEARTBEAT_STALE_AFTER else "stale"


def health_report():
    redis_state, worker_state = _redis_and_worker()
    report = {"database": _database(), "redis": redis_state, "worker": worker_state}
    return (200 if report["database"] == "ok" else 503), report


def health_response():
    status, report = health_report()
    response = JsonResponse(report, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)
