"""Row-level security (coop/rls.py): the database itself shows a request or a task only its
tenant's rows, raw SQL included, whatever the Python code forgets. PostgreSQL only: SQLite has
no row-level security, and there it is a no-op."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery import shared_task
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django_scopes import scopes_disabled

from coop import rls
from coop.exports import csv_export
from coop.middleware import TenantMiddleware
from coop.models import Membership, Role
from coop.tenant_tasks import tenant_task

from ..factories import UserFactory, member
from ..project import APPS

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="row-level security is PostgreSQL's: set DATABASE_URL to PostgreSQL (CI does)"
)


def _sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _tenant_ids_in_memberships():
    """What raw SQL sees of a tenant table: django-scopes cannot stop it, only the database."""
    return sorted(tenant_id for (tenant_id,) in _sql("SELECT DISTINCT tenant_id FROM coop_membership"))


def _setting():
    return _sql(f"SELECT current_user, coalesce(current_setting('{rls.SETTING}', true), '')")[0]


@pytest.fixture
def two_tenants(tenant, other_tenant, members, outsider):
    """`tenant` has one member per role, `other_tenant` one staff member."""
    return tenant, other_tenant


def _through_the_middleware(path, user, view):
    """A request through the two middlewares that set the database's role and tenant."""
    request = RequestFactory().get(path)
    request.user = user
    return rls.RowLevelSecurityMiddleware(TenantMiddleware(view))(request)


# --- Reads and writes ---------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db
def test_raw_sql_without_a_tenant_sees_no_tenant_rows(two_tenants):
    assert len(_tenant_ids_in_memberships()) == 2  # the owner (test set-up) sees both tenants
    with rls.restricted():
        assert _tenant_ids_in_memberships() == []
        assert _sql("SELECT count(*) FROM coop_membership") == [(0,)]


@postgres_only
@pytest.mark.django_db
def test_raw_sql_with_a_tenant_sees_only_its_rows(two_tenants):
    tenant, other_tenant = two_tenants
    with rls.tenant(tenant):
        assert _tenant_ids_in_memberships() == [tenant.pk]
        assert _sql("SELECT count(*) FROM coop_membership") == [(len(Role),)]
    with rls.tenant(other_tenant):
        assert _tenant_ids_in_memberships() == [other_tenant.pk]


@postgres_only
@pytest.mark.django_db
def test_a_forgotten_filter_in_a_request_sees_only_the_requests_tenant(two_tenants, members):
    tenant, _other = two_tenants
    seen = {}

    def careless_view(request):
        with scopes_disabled():  # the Python wall is down: only the database's is left
            seen["orm"] = sorted(Membership.objects.values_list("tenant_id", flat=True).distinct())
        seen["raw"] = _tenant_ids_in_memberships()
        return HttpResponse("ok")

    response = _through_the_middleware(f"/t/{tenant.slug}/", members[Role.STAFF], careless_view)
    assert response.status_code == 200
    assert seen == {"orm": [tenant.pk], "raw": [tenant.pk]}


@postgres_only
@pytest.mark.django_db
def test_a_page_outside_any_tenant_sees_no_tenant_rows(two_tenants, members):
    seen = {}

    def careless_view(request):
        seen["raw"] = _tenant_ids_in_memberships()
        return HttpResponse("ok")

    _through_the_middleware("/accounts/email/", members[Role.STAFF], careless_view)
    assert seen == {"raw": []}


@postgres_only
@pytest.mark.django_db
def test_a_row_for_another_tenant_cannot_be_written(two_tenants):
    tenant, other_tenant = two_tenants
    with rls.tenant(tenant), scopes_disabled():
        with pytest.raises(DatabaseError, match="row-level security policy"), transaction.atomic():
            Membership.objects.create(tenant=other_tenant, user=UserFactory(), role=Role.STUDENT)
        moved = Membership.objects.filter(tenant=other_tenant).update(role=Role.ADMIN)
    assert moved == 0
    with scopes_disabled():
        assert not Membership.objects.filter(tenant=other_tenant, role=Role.ADMIN).exists()


# --- The named bypasses --------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db
def test_the_admin_lists_every_tenants_rows_for_the_operator(client, two_tenants, members, outsider):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    response = client.get("/admin/coop/membership/")
    assert response.status_code == 200
    listed = response.context["cl"].result_list
    assert sorted({m.user.email for m in listed}) == sorted([*(u.email for u in members.values()), outsider.email])


@postgres_only
@pytest.mark.django_db
def test_the_tenant_picker_shows_a_persons_memberships_in_every_tenant(client, two_tenants):
    tenant, other_tenant = two_tenants
    person = member(tenant, Role.FACULTY)
    with scopes_disabled():
        Membership.objects.create(tenant=other_tenant, user=person, role=Role.STAFF)
    client.force_login(person)
    page = client.get("/").content.decode()
    assert tenant.name in page and other_tenant.name in page


def test_every_bypass_in_the_code_is_a_named_one():
    used = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            used |= set(re.findall(r"\bbypass\(\"([^\"]+)\"\)", path.read_text(encoding="utf-8")))
    assert used == set(rls.BYPASSES)
    with pytest.raises(ValueError, match="unknown row-level security bypass: 'everything'"):
        rls.bypass("everything")


def test_a_tenant_scope_opened_by_hand_also_sets_the_database_tenant():
    # `with scope(tenant=...)` in a plain task (a beat fan-out, a sweeper) runs as coop_app with
    # no tenant: without `rls.tenant(...)` beside it, the database would show it no rows at all.
    # Management commands run as the owner (operator tools) and are left out.
    missing = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "management" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\bscope\(tenant=", line) and "rls.tenant(" not in line:
                    missing.append(f"{path.relative_to(ROOT)}:{number}")
    assert missing == []


# --- Nothing leaks from one request or task to the next -----------------------------------------


@postgres_only
@pytest.mark.django_db
def test_the_setting_does_not_leak_into_the_next_request_on_the_same_connection(client, two_tenants, members):
    tenant, _other = two_tenants
    owner = _setting()[0]
    [(backend,)] = _sql("SELECT pg_backend_pid()")
    client.force_login(members[Role.STAFF])
    assert client.get(f"/t/{tenant.slug}/").status_code == 200
    assert _sql("SELECT pg_backend_pid()") == [(backend,)]  # the same connection, reused
    assert _setting() == (owner, "")

    def failing_view(request):
        assert _setting() == (rls.ROLE, str(tenant.pk))
        raise RuntimeError("the view failed")

    with pytest.raises(RuntimeError, match="the view failed"):
        _through_the_middleware(f"/t/{tenant.slug}/", members[Role.STAFF], failing_view)
    assert _setting() == (owner, "")

    # The next request, on a page outside any tenant, sees nothing of the last one's tenant.
    seen = {}

    def next_view(request):
        seen["setting"], seen["raw"] = _setting(), _tenant_ids_in_memberships()
        return HttpResponse("ok")

    _through_the_middleware("/accounts/email/", members[Role.STAFF], next_view)
    assert seen == {"setting": (rls.ROLE, ""), "raw": []}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_inside_a_tenant_gets_the_tenant_at_once_or_is_not_used(two_tenants):
    tenant, _other = two_tenants
    with rls.tenant(tenant):
        connection.close()  # e.g. a dropped connection: the next query opens a new one
        assert _tenant_ids_in_memberships() == [tenant.pk]
    assert _setting()[1] == ""
    # A new connection that cannot be set (here: a role that does not exist) is not used.
    with rls._running_as(("coop_no_such_role", "")):
        connection.close()
        with pytest.raises(DatabaseError, match='role "coop_no_such_role" does not exist'):
            _sql("SELECT 1")
        assert connection.connection is None
    assert _sql("SELECT 1") == [(1,)]


@postgres_only
@pytest.mark.django_db
def test_a_streamed_export_reads_its_rows_inside_the_tenant(two_tenants, members):
    # A streamed response is read after the middleware has returned: the stream sets the tenant.
    tenant, _other = two_tenants

    def rows():  # read while streaming
        yield from ([tenant_id] for tenant_id in _tenant_ids_in_memberships())

    request = SimpleNamespace(tenant=tenant, user=members[Role.ADMIN])
    response = csv_export(request, name="tenants", header=["tenant"], rows=rows(), what="tenants")
    assert b"".join(response.streaming_content).decode("utf-8-sig").split() == ["tenant", str(tenant.pk)]
    assert _setting()[1] == ""


@tenant_task
def _tenant_ids_a_task_sees(*, tenant):
    return _tenant_ids_in_memberships()


@shared_task
def _tenant_ids_a_plain_task_sees():
    return _tenant_ids_in_memberships()


@postgres_only
@pytest.mark.django_db
def test_a_tenant_task_sees_only_its_tenant_and_a_plain_task_none(two_tenants):
    tenant, other_tenant = two_tenants
    assert _tenant_ids_a_task_sees.delay(tenant_id=tenant.pk).get() == [tenant.pk]
    assert _tenant_ids_a_task_sees.delay(tenant_id=other_tenant.pk).get() == [other_tenant.pk]
    assert _tenant_ids_a_plain_task_sees.delay().get() == []
    assert _setting()[1] == ""  # and nothing is left set after them


# --- Every tenant table is covered; migrations work with it ---------------------------------------


@postgres_only
@pytest.mark.django_db
def test_every_table_with_a_tenant_column_has_its_policy():
    rows = _sql(
        """SELECT c.relname, c.relrowsecurity,
                  EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
           WHERE n.nspname = current_schema() AND c.relkind = 'r'""",
        [rls.POLICY],
    )
    with_tenant_column = {table for table, _on, _policy in rows}
    assert with_tenant_column == set(rls.tenant_tables())
    assert len(with_tenant_column) >= 46  # the core's, placements', reports' and rubrics' tables
    assert [table for table, on, policy in rows if not (on and policy)] == []


@pytest.mark.django_db
def test_no_table_refers_to_tenant_rows_without_a_tenant_column_of_its_own():
    # A child table without a tenant column would need a policy through its parent: the project
    # gives every tenant-owned row its own column instead (DESIGN.md). A new one fails here.
    tenant_tables = set(rls.tenant_tables())
    children = sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table not in tenant_tables
        and any(
            f.is_relation and f.related_model and f.related_model._meta.db_table in tenant_tables
            for f in model._meta.concrete_fields
        )
    )
    assert children == []
    # The tables left out on purpose exist and really have no tenant column.
    models = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    for table in rls.NOT_TENANT_TABLES:
        assert "tenant_id" not in {f.column for f in models[table]._meta.concrete_fields}


@postgres_only
@pytest.mark.slow
def test_migrations_apply_from_zero_and_back_with_row_level_security_on():
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"coop_rls_{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}},
        "DATABASE_URL": f"{base}/{name}",
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def policies():
        query = "SELECT count(*) FROM pg_policies WHERE policyname = 'tenant_isolation'"  # rls.POLICY
        return int(subprocess.run([*psql(name), query], check=True, capture_output=True, text=True).stdout)

    def psql(database):
        return ["psql", f"{base}/{database}", "-tA", "-v", "ON_ERROR_STOP=1", "-c"]

    subprocess.run([*psql("postgres"), f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        manage("migrate", "--noinput", "-v0")
        assert policies() == len(rls.tenant_tables())
        manage("migrate", "rubrics", "zero", "--noinput", "-v0")  # tables with policies are dropped
        # rubrics' five tenant tables, and the consortium's four (its migration depends on rubrics)
        assert policies() == len(rls.tenant_tables()) - 5 - 4
        manage("migrate", "--noinput", "-v0")
        assert policies() == len(rls.tenant_tables())
    finally:
        subprocess.run(
            [*psql("postgres"), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True, capture_output=True
        )


# --- SQLite ---------------------------------------------------------------------------------------


@pytest.mark.skipif(ON_POSTGRES, reason="the no-op is SQLite's; PostgreSQL is tested above")
@pytest.mark.django_db
def test_on_sqlite_the_settings_are_a_no_op(two_tenants, django_assert_num_queries):
    tenant, _other = two_tenants
    with django_assert_num_queries(1), rls.tenant(tenant):
        assert len(_tenant_ids_in_memberships()) == 2
