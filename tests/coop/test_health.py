"""/healthz answers the container's own probe under production settings and reports the
database, Redis and the worker's heartbeat (the real Redis of this machine and CI)."""

import time

import pytest
import redis as redis_client
from django.urls import reverse

from coop import health
from coop.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db
TEST_REDIS = "redis://127.0.0.1:6379/12"


@pytest.fixture
def production(settings):
    # The README's production settings: one public host, https only.
    settings.ALLOWED_HOSTS = ["coop.example.ac.jp"]
    settings.SECURE_SSL_REDIRECT = True
    settings.DEBUG = False
    settings.REDIS_URL = ""  # the embedded set-up: tasks in-process (CI sets REDIS_URL)


@pytest.fixture
def redis(settings):
    settings.REDIS_URL = TEST_REDIS
    connection = redis_client.Redis.from_url(TEST_REDIS)
    connection.delete(health.HEARTBEAT_KEY)
    yield connection
    connection.delete(health.HEARTBEAT_KEY)


def test_the_containers_probe_is_answered_under_production_settings(client, production):
    # It answered 400 (host) and then 301 (https) before, so compose marked `web` unhealthy.
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "not used", "worker": "in-process"}
    assert response["Cache-Control"] == "no-store"


def test_other_pages_still_refuse_an_unknown_host(client, production):
    assert client.get(reverse("account_login"), HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_a_fresh_heartbeat_from_the_worker_task(client, redis):
    assert client.get("/healthz").json()["worker"] == "missing"
    worker_heartbeat.delay()  # runs in-process here; on a worker it is the same function
    assert client.get("/healthz").json() == {"database": "ok", "redis": "ok", "worker": "ok"}


def test_a_stale_heartbeat(client, redis):
    redis.set(health.HEARTBEAT_KEY, str(time.time() - health.HEARTBEAT_STALE_AFTER - 1))
    assert client.get("/healthz").json()["worker"] == "stale"


def test_redis_down_is_reported_but_the_site_is_up(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "down", "worker": "unknown"}
