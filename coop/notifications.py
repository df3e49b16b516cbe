"""Emails to the people concerned by a change, sent after commit in each recipient's language.
Templates: templates/emails/<event>_subject.txt and _body.txt, which get `obj`, `recipient`,
`tenant`, `url` and `note`.

Each email owed is a Notification row written in the change's own transaction: if the broker
is away or the worker dies, the row says so and the sweeper sends it later, once (coop.delivery)."""

from .models import Notification
from .tasks import send_notifications
from .tenant_tasks import queue_after_commit


def notify(*, obj, event, users, note=""):
    """Records one email per user about `obj` (a tenant-owned row) and queues them once the
    transaction commits."""
    user_ids = sorted({u.pk for u in users if u is not None and u.is_active})
    if not user_ids:
        return

    label = obj._meta.label
    # The base manager: a change may be written outside a request's scope (a task, a command);
    # the rows name their tenant explicitly.
    rows = Notification._base_manager.bulk_create(
        [
            Notification(
                tenant_id=obj.tenant_id, user_id=user_id, model=label, object_id=obj.pk, event=event, note=note
            )
            for user_id in user_ids
        ]
    )
    queue_after_commit(send_notifications, tenant_id=obj.tenant_id, notification_ids=[row.pk for row in rows])
