"""Deadlines and reminders (services).

- The deadline scan (Celery beat, every few minutes) asks every registered provider what is
  due in a tenant and inserts one Reminder per person and occurrence. The unique key makes
  a second scan, or two scans at once, insert nothing new.
- Once a day per tenant (at its digest hour) each person with unsent reminders gets one digest
  email in their language, unless they chose the portal only. A DigestDelivery row (with its
  reminders) is committed and claimed before the email is sent and marked sent after: a
  redelivered task never sends it twice, and one whose worker died is sent by the next run.
- Everything runs inside the tenant's scope; tasks get ids only.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .clock import tenant_today, tenant_zone
from .delivery import delivery_claim, delivery_message_id, delivery_send_claimed
from .mail import language_for, mail_send, site_url
from .models import DeadlineSettings, DigestDelivery, Reminder, User
from .registry import DEADLINE_PROVIDERS

INSERT_BATCH = 1000


@dataclass(frozen=True)
class Due:
    key: str
    user_id: int
    title: str
    url: str
    due_on: date


def deadline_settings_for(tenant):
    found = DeadlineSettings.objects.filter(tenant=tenant).first()
    return found or DeadlineSettings(tenant=tenant)


def due_items(tenant, today):
    deadline_settings = deadline_settings_for(tenant)
    # Titles are stored once for everybody: in the tenant's language.
    # Day lookups (`__date`) count in the tenant's zone, as its people do, also in a worker.
    with translation.override(tenant.language or settings.LANGUAGE_CODE), timezone.override(tenant_zone(tenant)):
        for provider in DEADLINE_PROVIDERS:
            yield from provider(tenant, deadline_settings, today)


def reminders_scan_tenant(*, tenant, today=None):
    """Inserts the reminders that are due and not yet recorded. Returns how many were new."""
    today = today or tenant_today(tenant)
    before = Reminder.objects.filter(tenant=tenant).count()
    batch = []
    for due in due_items(tenant, today):
        batch.append(
            Reminder(
                tenant=tenant,
                user_id=due.user_id,
                key=due.key[:200],
                title=due.title[:300],
                url=due.url,
                due_on=due.due_on,
            )
        )
        if len(batch) >= INSERT_BATCH:
            # The unique (tenant, key) constraint drops what an earlier scan already inserted.
            Reminder.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Reminder.objects.bulk_create(batch, ignore_conflicts=True)
    return Reminder.objects.filter(tenant=tenant).count() - before


def digest_recipients(tenant, day=None):
    """Ids of people owed a digest: with reminders not yet emailed who want emails and have not
    had `day`'s digest, or whose claimed digest was never marked sent (its sender died)."""
    day = day or tenant_today(tenant)
    waiting = (
        Reminder.objects.filter(tenant=tenant, emailed_at__isnull=True, user__is_active=True)
        .exclude(user__reminder_channel=User.ReminderChannel.IN_APP)
        .exclude(user__in=DigestDelivery.objects.filter(tenant=tenant, day=day).values("user"))
        .values_list("user_id", flat=True)
    )
    unsent = DigestDelivery.objects.filter(tenant=tenant, sent_at__isnull=True).values_list("user_id", flat=True)
    return sorted(set(waiting) | set(unsent))


def _digest_claim(*, tenant, user, day):
    """The person's digest to send now, claimed for this sender, or None. A digest that was
    claimed and never marked sent comes first (with the reminders it carried); else `day`'s,
    written together with its reminders in one transaction."""
    with transaction.atomic():
        delivery = DigestDelivery.objects.filter(tenant=tenant, user=user, sent_at__isnull=True).order_by("day").first()
        if delivery is None:
            pending = list(
                Reminder.objects.select_for_update()
                .filter(tenant=tenant, user=user, emailed_at__isnull=True)
                .order_by("due_on", "id")
            )
            if not pending:
                return None
            try:
                with transaction.atomic():
                    delivery = DigestDelivery.objects.create(
                        tenant=tenant, user=user, day=day, reminder_count=len(pending)
                    )
            except IntegrityError:
                return None  # today's digest was already sent (new reminders wait for tomorrow's)
            Reminder.objects.filter(pk__in=[r.pk for r in pending]).update(emailed_at=timezone.now(), digest=delivery)
    return delivery if delivery_claim(delivery) else None


def digest_send(*, tenant, user, day):
    """Sends one person's digest exactly once in effect (coop.delivery): the delivery row and
    its reminders are committed, claimed, the email sent, the row marked sent. A sender that
    dies in between leaves the claim to expire; the next digest run sends it (and only it).
    Returns True if an email went out."""
    delivery = _digest_claim(tenant=tenant, user=user, day=day)
    if delivery is None:
        return False
    reminders = list(Reminder.objects.filter(tenant=tenant, digest=delivery).order_by("due_on", "id"))

    def send():
        mail_send(
            template="reminders/digest",
            context={"tenant": tenant, "recipient": user, "reminders": reminders},
            to=[user.email],
            language=language_for(user, tenant),
            message_id=delivery_message_id(delivery),
        )

    return delivery_send_claimed(delivery, send)


def digest_is_due(tenant, now=None):
    now = timezone.localtime(now or timezone.now(), tenant_zone(tenant))
    return now.hour >= deadline_settings_for(tenant).digest_hour


def deadline_settings_save(*, tenant, values):
    found, _created = DeadlineSettings.objects.update_or_create(tenant=tenant, defaults=values)
    return found


def reminder_mark_read(*, reminder, user):
    if reminder.user_id == user.pk and reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder


def user_set_reminder_channel(*, user, channel):
    user.reminder_channel = channel
    user.save(update_fields=["reminder_channel"])
    return user


def calendar_token_for(user):
    """The secret in the person's iCalendar feed address; made on first use."""
    if not user.calendar_token:
        user.calendar_token = secrets.token_urlsafe(32)
        user.save(update_fields=["calendar_token"])
    return user.calendar_token


def calendar_token_reset(*, user):
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def calendar_ics(user, reminders):
    """An iCalendar (RFC 5545) document with one all-day event per reminder, built by the
    `icalendar` package (escaping, line folding and CRLF are its job, not ours)."""
    from icalendar import Calendar, Event  # loaded by the calendar feed only

    calendar = Calendar()
    calendar.add("prodid", "-//Co-op Portal//Deadlines//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = timezone.now().astimezone(UTC)
    for reminder in reminders:
        event = Event()
        event.add("uid", f"reminder-{reminder.pk}@coop-portal")
        event.add("dtstamp", stamp)
        event.add("dtstart", reminder.due_on)
        event.add("dtend", reminder.due_on + timedelta(days=1))
        event.add("summary", reminder.title)
        if reminder.url:
            event.add("url", site_url(reminder.url))
        calendar.add_component(event)
    return calendar.to_ical().decode()
