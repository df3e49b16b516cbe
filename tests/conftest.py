import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings
from django.utils import translation

from coop.celery import app as celery_app
from coop.models import Role

from .factories import TenantFactory, member


def pytest_collection_modifyitems(items):
    # One kind marker per test, so `-m unit`, `-m integration` and `-m browser` partition the suite.
    for item in items:
        if item.get_closest_marker("browser"):
            continue
        needs_db = item.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
            getattr(item, "fixturenames", ())
        )
        item.add_marker(pytest.mark.integration if needs_db else pytest.mark.unit)


@pytest.fixture(autouse=True, scope="session")
def _cache_of_this_worker():
    # `make test` runs the suite in parallel processes (pytest-xdist). A Redis cache (CI) is
    # cleared before every test, so each process gets a Redis database of its own.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    location = settings.CACHES["default"].get("LOCATION", "")
    if not (worker.startswith("gw") and str(location).startswith("redis://")):
        yield
        return
    own = {"default": {**settings.CACHES["default"], "LOCATION": f"{location.rsplit('/', 1)[0]}/{8 + int(worker[2:])}"}}
    with override_settings(CACHES=own):
        yield


@pytest.fixture(autouse=True)
def _portal_language():
    # Every test starts in the portal's language (ja): a request by an English-speaking user
    # activates English in the thread, which must not leak into the next test's services.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache():
    # Rate limits live in the cache (Redis in CI); each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded and generated files (PDFs, scans, imports) go to a fresh folder per test.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True, scope="session")
def _tasks_in_process():
    # Request-level tests run queued tasks in-process (after commit, as in production);
    # the tests that need a real worker on the real broker switch this off themselves.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def travel(time_machine):
    """Moves the stopped clock to another instant within a test: `travel(jst(2026, 12, 1, 9))`."""

    def move(when):
        time_machine.move_to(when, tick=False)

    return move


@pytest.fixture
def tenant(db):
    return TenantFactory(name="北陸テスト大学", slug="hokuriku")


@pytest.fixture
def other_tenant(db):
    return TenantFactory(name="他校", slug="other")


@pytest.fixture
def members(tenant):
    """One user per role in `tenant`."""
    return {role: member(tenant, role, email=f"{role}@hokuriku.example.jp") for role in Role}


@pytest.fixture
def outsider(other_tenant):
    """A staff member of another tenant: must never see `tenant`'s pages."""
    return member(other_tenant, Role.STAFF, email="staff@other.example.jp")
