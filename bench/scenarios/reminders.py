"""The deadline scan over 100,000 due deadlines, and how many broker messages it publishes.

A tenant with 100,000 running placements (ten terms of 10,000) whose students have written
no daily report for two working days: one due reminder each. The scan runs as in production,
through Celery messages (here an in-memory broker drained in this process), so the count of
published messages is the real one."""

import time

from django_scopes import scopes_disabled

SCAN_DAY = "2026-11-24"  # a Tuesday; the placements start on Monday 2026-11-02


def _tenant():
    from coop.models import Membership, Role, Tenant

    from ..seed import seed_placements

    tenant, created = Tenant.objects.get_or_create(
        slug="bench-reminders", defaults={"name": "リマインダーベンチ", "kind": Tenant.Kind.UNIVERSITY}
    )
    with scopes_disabled():
        if created or not Membership.objects.filter(tenant=tenant).exists():
            large = Tenant.objects.get(slug="bench-large")
            students = Membership.objects.filter(tenant=large, role=Role.STUDENT).values_list("user_id", flat=True)
            Membership.objects.bulk_create(
                [Membership(tenant=tenant, user_id=pk, role=Role.STUDENT) for pk in students], batch_size=2000
            )
    seed_placements(tenant, partners=2_000, terms=10, per_term=10_000, applications=False)
    return tenant


def _drain(app, queue):
    """Runs the published tasks in this process, as a worker would, until none is left."""
    ran = 0
    while True:
        try:
            message = queue.get(block=False)
        except queue.Empty:
            return ran
        args, kwargs, _embed = message.decode()
        # Called, not .run(): a tenant task turns the tenant_id it was sent into a scope first.
        app.tasks[message.headers["task"]](*args, **kwargs)
        message.ack()
        ran += 1


def scenario_reminder_scan(tenant, seconds):
    from celery.signals import before_task_publish

    import coop.tasks  # noqa: F401  (registers the tasks, as a worker's autodiscovery would)
    from coop.celery import app
    from coop.models import Reminder

    target = _tenant()
    with scopes_disabled():
        Reminder.objects.filter(tenant=target).delete()
    published = []

    def count(sender=None, **kwargs):
        published.append(sender)

    before_task_publish.connect(count, weak=False)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_read("memory://") as conn:
            queue = conn.SimpleQueue("celery")
            started = time.perf_counter()
            with app.connection_for_write("memory://") as out:
                app.send_task("coop.tasks.reminders_scan", kwargs={"today": SCAN_DAY}, producer=out.Producer())
            _drain(app, queue)
            first = time.perf_counter() - started
            with scopes_disabled():
                created = Reminder.objects.filter(tenant=target).count()
            started = time.perf_counter()
            with app.connection_for_write("memory://") as out:
                app.send_task("coop.tasks.reminders_scan", kwargs={"today": SCAN_DAY}, producer=out.Producer())
            _drain(app, queue)
            second = time.perf_counter() - started
            with scopes_disabled():
                after_second = Reminder.objects.filter(tenant=target).count()
    finally:
        app.conf.task_always_eager = eager
        before_task_publish.disconnect(count)
    return {
        "due_reminders_created": created,
        "scan_seconds": round(first, 1),
        "second_scan_seconds": round(second, 1),
        "created_by_second_scan": after_second - created,
        "broker_messages_for_two_scans": len(published) + 2,
    }


SCENARIOS = {"reminder_scan_100k": scenario_reminder_scan}
