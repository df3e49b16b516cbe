"""Reminders, calendar and deadline settings (the feed itself is in tests/coop/test_reminders.py)."""

import datetime

from django_scopes import scopes_disabled

from coop.access import ADMINS, EVERY_ROLE
from coop.models import Reminder, Role

from ..factories import member
from . import Case


def staff_reminder(tenant, members):
    owner = members.get(Role.STAFF) or member(tenant, Role.STAFF)
    with scopes_disabled():
        reminder = Reminder.objects.create(
            tenant=tenant, user=owner, key="perm", title="x", url="", due_on=datetime.date(2026, 12, 1)
        )
    return {"pk": reminder.pk}


TENANT_URLS = {
    "coop:reminders": Case("GET", EVERY_ROLE),
    # Only the owner may mark a reminder read; to anybody else it does not exist.
    "coop:reminder_read": Case(
        "POST", EVERY_ROLE, staff_reminder, outcomes={role: 404 for role in Role if role != Role.STAFF}
    ),
    "coop:calendar_reset": Case("POST", EVERY_ROLE),
    "coop:deadline_settings": Case("GET", ADMINS),
}
