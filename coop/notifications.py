"""Emails to the people concerned by a change, queued after commit and sent in each
recipient's language. Templates: templates/emails/<event>_subject.txt and _body.txt, which get
`obj`, `recipient`, `tenant`, `url` and `note`."""

from django.db import transaction

from .tasks import send_notification


def notify(*, obj, event, users, note=""):
    """Queues one email per user about `obj` (a tenant-owned row) once the transaction commits."""
    user_ids = sorted({u.pk for u in users if u is not None and u.is_active})
    if not user_ids:
        return

    label = obj._meta.label
    transaction.on_commit(
        lambda: send_notification.delay(
            tenant_id=obj.tenant_id, model=label, object_id=obj.pk, event=event, user_ids=user_ids, note=note
        )
    )
