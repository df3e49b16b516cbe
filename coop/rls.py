"""Row-level security: PostgreSQL's own wall behind django-scopes.

django-scopes stops a query that forgets its tenant in Python; this stops it in the database,
raw SQL included. Every tenant table (a `tenant_id` column) gets a policy for one role:

    coop_app (NOLOGIN)  sees and writes only the rows whose tenant_id is `app.tenant_id`,
                        and no tenant row at all while that setting is empty.

Who runs as what:
- Every web request runs as `coop_app` (RowLevelSecurityMiddleware, first in MIDDLEWARE), with
  no tenant until TenantMiddleware has resolved one (`tenant(...)`), so a page outside
  `/t/<slug>/` sees no tenant rows either. Every Celery task runs as `coop_app` with no tenant
  (task_prerun below); `@tenant_task` sets its tenant.
- The owner (the login role: migrations, management commands, the test suite's own set-up) is
  not subject to the policies, as PostgreSQL intends: superusers and table owners bypass RLS.
  So migrations, `seed_demo`, backups and `flush` work unchanged.
- Code that legitimately spans tenants steps back to the owner for one block, by a name listed
  in BYPASSES (`with rls.bypass("tenant-picker"): ...`); tests/coop/test_rls.py checks that the
  code uses exactly these names.

The role and the setting are set per request and per task, and restored when it ends (also on
an exception), so a reused connection never carries one tenant into the next request; a
connection opened in between is given the current setting at once (connection_created). A
setting that cannot be restored closes the connection. SQLite has no RLS: all of this is a
no-op there.

What RLS does not stop: SQL injection (any role may RESET ROLE or set `app.tenant_id`). It is a
second wall against a forgotten filter, not against an attacker who writes SQL.

Tables: every model with a `tenant` foreign key to coop.Tenant. The project has no child table
without its own tenant column (DESIGN.md: every tenant-owned row carries `tenant`), so no policy
goes through a parent; a new table that refers to a tenant table without a tenant column of its
own fails tests/coop/test_rls.py until it gets one or is listed in NOT_TENANT_TABLES with a reason.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from celery import signals as celery_signals
from django.apps import apps
from django.db import connections
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.signals import connection_created

ROLE = "coop_app"
SETTING = "app.tenant_id"
POLICY = "tenant_isolation"
CURRENT_TENANT = f"NULLIF(current_setting('{SETTING}', true), '')::bigint"

# The only places allowed to see every tenant, and why (each one a `bypass(name)` in the code).
BYPASSES = {
    "operator-admin": "the Django admin, for platform operators (superusers) only (coop.middleware)",
    "tenant-picker": "a signed-in person's own memberships in all tenants (coop.selectors)",
    "calendar-feed": "a person's own reminders in all their tenants, by calendar token (coop.selectors)",
    "consortium-aggregates": "counts and averages grouped by member tenant for a consortium's shared "
    "figures, never a per-person row (consortium.selectors.figures)",
    "consortium-library": "the good-practice write-ups a consortium's members chose to share, their files, "
    "and the download log written in the author's institution (consortium.selectors, consortium.views)",
    "saml-password-check": "a person signing in: whether their own memberships make an institution "
    "require SAML sign-in of them, or belong to another institution than the one whose identity "
    "provider vouches for them (coop.saml)",
    "saml-sign-in-page": "the names of the institutions offering sign-in with their own account, on the "
    "sign-in page (coop.saml)",
}

# Tables that refer to tenant rows but carry no tenant column, and why they need no policy.
NOT_TENANT_TABLES = {
    "django_admin_log": "the operator's admin history; written and read only in the admin (a bypass)",
    "guardian_userobjectpermission": "generic object grants, unused: placements grant through "
    "PlacementUserObjectPermission, which has a tenant column",
    "guardian_groupobjectpermission": "generic object grants, unused (no groups per tenant)",
}

RESTRICTED = (ROLE, "")  # coop_app, no tenant
OWNER = ("none", "")  # the login role (SET ROLE NONE): not subject to the policies

# What this thread or task is running as; None outside any request or task (the owner).
_state = ContextVar("coop_rls_state", default=None)


def _apply(connection, state, *, new=False):
    """Sets role and tenant on an open PostgreSQL connection through the driver's own cursor
    (as Django's backend sets the time zone): not one of the app's queries, nor counted as one."""
    if connection.vendor != "postgresql" or connection.alias == NO_DB_ALIAS or connection.connection is None:
        return
    role, tenant_id = state or OWNER
    try:
        with connection.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('role', %s, false), set_config(%s, %s, false)", [role, SETTING, tenant_id]
            )
    except Exception:
        if connection.in_atomic_block:
            raise  # the transaction fails, and its rollback undoes what it set
        # Closed, so that nothing runs on it with an unknown setting. A connection that broke
        # (the server restarted...) is opened again by the next query and set at once; a new
        # one that cannot be set (no role: `migrate` was not run) fails that query.
        connection.close()
        if new:
            raise


@contextmanager
def _running_as(state):
    token = _state.set(state)
    for connection in connections.all(initialized_only=True):
        _apply(connection, state)
    try:
        yield
    finally:
        _state.reset(token)
        restored = _state.get()
        for connection in connections.all(initialized_only=True):
            _apply(connection, restored)


def restricted():
    """Runs as coop_app with no tenant: no tenant row is visible."""
    return _running_as(RESTRICTED)


def tenant(tenant):
    """Runs as coop_app inside `tenant`: only its rows are visible and writable."""
    return _running_as((ROLE, str(tenant.pk)))


def bypass(name):
    """Sees every tenant for one block, as the owner. Only for the uses named in BYPASSES."""
    if name not in BYPASSES:
        raise ValueError(f"unknown row-level security bypass: {name!r}")
    return _running_as(OWNER)


def _on_connection_created(sender, connection, **kwargs):
    state = _state.get()
    if state is not None:
        _apply(connection, state, new=True)


connection_created.connect(_on_connection_created, dispatch_uid="coop.rls")


class RowLevelSecurityMiddleware:
    """First in MIDDLEWARE: the whole request runs as coop_app; TenantMiddleware sets the tenant."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with restricted():
            return self.get_response(request)


# --- Celery: every task runs as coop_app (eager ones too); @tenant_task sets its tenant. --------

_task_contexts = {}


@celery_signals.task_prerun.connect(dispatch_uid="coop.rls.prerun")
def _task_prerun(task_id=None, **kwargs):
    context = restricted()
    context.__enter__()
    _task_contexts[task_id] = context


@celery_signals.task_postrun.connect(dispatch_uid="coop.rls.postrun")
def _task_postrun(task_id=None, **kwargs):
    context = _task_contexts.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)


# --- Installation: after every `migrate` (post_migrate, coop.apps) ------------------------------


def tenant_tables():
    """The tables of every model with a tenant foreign key, sorted."""
    from .models import Tenant  # coop.models is not ready when this module is imported

    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if any(
            field.column == "tenant_id" and field.is_relation and field.related_model is Tenant
            for field in model._meta.concrete_fields
        )
    )


def install(using="default", **kwargs):
    """Creates the role, grants it the app's tables, and puts a policy on every tenant table
    that has none. Idempotent: a table that already has its policy is not touched (no lock)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Roles belong to the server, not the database: another database may have made it.
        cursor.execute(
            f"""DO $$ BEGIN
                  CREATE ROLE {ROLE} NOLOGIN;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$"""
        )
        cursor.execute(
            f"""DO $$ BEGIN
                  IF NOT pg_has_role(current_user, '{ROLE}', 'MEMBER') THEN
                    EXECUTE 'GRANT {ROLE} TO ' || quote_ident(current_user);
                  END IF;
                END $$"""
        )
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {ROLE}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {ROLE}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {ROLE}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {ROLE}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {ROLE}",
        ):
            cursor.execute(statement)
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relrowsecurity "
            "AND EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)",
            [POLICY],
        )
        protected = {row[0] for row in cursor.fetchall()}
        existing = set(connection.introspection.table_names(cursor))
        for table in tenant_tables():
            if table in protected or table not in existing:
                continue
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {quote(table)}")
            cursor.execute(
                f"CREATE POLICY {POLICY} ON {quote(table)} TO {ROLE} "
                f"USING (tenant_id = {CURRENT_TENANT}) WITH CHECK (tenant_id = {CURRENT_TENANT})"
            )
