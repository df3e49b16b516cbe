"""Deadlines and reminders, with tasks run in-process (the real worker is in test_reminders_worker.py)."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from icalendar import Calendar

from coop import reminders
from coop.models import DigestDelivery, Reminder, Role, User
from placements.models import Agreement, AgreementVersion

from ..clock import at, jst
from ..factories import AgreementFactory, PartnerFactory, partner_person
from ..html import body_rows

pytestmark = pytest.mark.django_db


def issued_agreement(tenant, *, issued_at):
    agreement = AgreementFactory(partner=PartnerFactory(tenant=tenant), state=Agreement.State.ISSUED)
    with scopes_disabled():
        version = AgreementVersion.objects.create(tenant=tenant, agreement=agreement, number=1)
        AgreementVersion.objects.filter(pk=version.pk).update(created_at=issued_at)
    return agreement


@at(2026, 11, 30, 10)
def test_scan_reminds_the_signers_once_however_often_it_runs(tenant, members):
    agreement = issued_agreement(tenant, issued_at=jst(2026, 11, 20, 10))
    partner = partner_person(agreement.partner, email="signer@partner.example.jp")
    issued_agreement(tenant, issued_at=jst(2026, 11, 28, 10))  # not waiting long enough yet
    with scope(tenant=tenant):
        # the institution's signers (admin and staff) and the partner person
        assert reminders.reminders_scan_tenant(tenant=tenant) == 3
        assert reminders.reminders_scan_tenant(tenant=tenant) == 0
        people = set(Reminder.objects.values_list("user_id", flat=True))
    assert people == {members[Role.STAFF].pk, members[Role.ADMIN].pk, partner.pk}


def test_signature_is_due_a_week_after_the_tokyo_day_of_issue(tenant, members):
    # 08:00 on 1 April in Tokyo is still 31 March in UTC: the week counts from 1 April.
    issued_agreement(tenant, issued_at=jst(2027, 4, 1, 8))
    with scope(tenant=tenant):
        assert reminders.reminders_scan_tenant(tenant=tenant, today=datetime.date(2027, 4, 7)) == 0
        assert reminders.reminders_scan_tenant(tenant=tenant, today=datetime.date(2027, 4, 8)) == 2
        assert set(Reminder.objects.values_list("due_on", flat=True)) == {datetime.date(2027, 4, 8)}


def test_signature_days_count_in_the_tenants_own_zone(tenant, members):
    # A scan runs in a worker (no request, no active zone): 20:00 on 1 April in Honolulu is
    # already 2 April in Tokyo, and the tenant's week still ends on 8 April.
    tenant.timezone = "Pacific/Honolulu"
    tenant.save()
    honolulu = zoneinfo.ZoneInfo("Pacific/Honolulu")
    issued_agreement(tenant, issued_at=datetime.datetime(2027, 4, 1, 20, tzinfo=honolulu))
    with scope(tenant=tenant):
        assert reminders.reminders_scan_tenant(tenant=tenant, today=datetime.date(2027, 4, 8)) == 2
        assert set(Reminder.objects.values_list("due_on", flat=True)) == {datetime.date(2027, 4, 8)}


def test_digest_is_one_email_a_day_in_the_persons_language(tenant, members):
    staff = members[Role.STAFF]
    staff.language = "en"
    staff.save()
    with scope(tenant=tenant):
        for n in range(3):
            Reminder.objects.create(
                tenant=tenant, user=staff, key=f"k{n}", title=f"Thing {n}", due_on=datetime.date(2026, 11, 20 + n)
            )
        today = datetime.date(2026, 11, 24)
        assert reminders.digest_send(tenant=tenant, user=staff, day=today) is True
        assert reminders.digest_send(tenant=tenant, user=staff, day=today) is False
        Reminder.objects.create(tenant=tenant, user=staff, key="later", title="Later", due_on=today)
        assert reminders.digest_send(tenant=tenant, user=staff, day=today) is False  # tomorrow's digest
        assert DigestDelivery.objects.get().reminder_count == 3
    assert len(mail.outbox) == 1
    assert "3 reminders" in mail.outbox[0].subject
    assert "Thing 0" in mail.outbox[0].body and "Thing 2" in mail.outbox[0].body


def test_in_app_only_people_get_no_email(tenant, members):
    student = members[Role.STUDENT]
    student.reminder_channel = User.ReminderChannel.IN_APP
    student.save()
    with scope(tenant=tenant):
        Reminder.objects.create(tenant=tenant, user=student, key="x", title="X", due_on=datetime.date(2026, 11, 1))
        assert reminders.digest_recipients(tenant) == []


def test_digest_waits_for_the_tenants_hour(tenant):
    with scope(tenant=tenant):
        reminders.deadline_settings_save(tenant=tenant, values={"digest_hour": 8})
        early = datetime.datetime(2026, 11, 24, 7, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
        assert reminders.digest_is_due(tenant, early) is False
        assert reminders.digest_is_due(tenant, early + datetime.timedelta(minutes=1)) is True


def test_reminders_page_and_calendar_feed(client, tenant, members, other_tenant, settings):
    settings.SITE_URL = "https://coop.example.ac.jp"
    staff = members[Role.STAFF]
    with scopes_disabled():
        mine = Reminder.objects.create(
            tenant=tenant,
            user=staff,
            key="a",
            title="署名をお願いします; 実施計画書, 第2版",
            url="/t/hokuriku/",
            due_on=datetime.date(2026, 12, 1),
        )
        other = Reminder.objects.create(
            tenant=tenant, user=members[Role.STUDENT], key="b", title="学生の締切", due_on=datetime.date(2026, 12, 2)
        )
    client.force_login(staff)
    page = client.get(reverse("coop:reminders", kwargs={"tenant_slug": tenant.slug})).content.decode()
    assert "署名をお願いします" in page and "学生の締切" not in page
    read = reverse("coop:reminder_read", kwargs={"tenant_slug": tenant.slug, "pk": other.pk})
    assert client.post(read).status_code == 404
    client.post(reverse("coop:reminder_read", kwargs={"tenant_slug": tenant.slug, "pk": mine.pk}))
    mine.refresh_from_db()
    assert mine.read_at is not None

    staff.refresh_from_db()
    feed = reverse("coop:calendar_feed", kwargs={"token": staff.calendar_token})
    client.logout()
    response = client.get(feed)
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in body and "\r\nDTSTART;VALUE=DATE:20261201\r\n" in body
    [event] = Calendar.from_ical(body).walk("VEVENT")
    # Text with ; and , comes back as written (the format escapes them).
    assert (str(event["summary"]), event.decoded("dtstart")) == ("署名をお願いします; 実施計画書, 第2版", mine.due_on)
    assert str(event["url"]) == "https://coop.example.ac.jp/t/hokuriku/"
    assert "学生の締切" not in body
    assert client.get(reverse("coop:calendar_feed", kwargs={"token": "not-a-token"})).status_code == 404
    client.force_login(staff)
    client.post(reverse("coop:calendar_reset", kwargs={"tenant_slug": tenant.slug}))
    client.logout()
    assert client.get(feed).status_code == 404


def test_choosing_in_app_only(client, tenant, members):
    client.force_login(members[Role.FACULTY])
    client.post(reverse("coop:reminders", kwargs={"tenant_slug": tenant.slug}), {"reminder_channel": "in_app"})
    members[Role.FACULTY].refresh_from_db()
    assert members[Role.FACULTY].reminder_channel == "in_app"


@pytest.mark.parametrize("rows", [1, 3])
def test_reminders_page_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    staff = members[Role.STAFF]
    reminders.calendar_token_for(staff)
    with scopes_disabled():
        for n in range(rows):
            Reminder.objects.create(tenant=tenant, user=staff, key=f"q{n}", title="x", due_on=datetime.date(2026, 1, 1))
    client.force_login(staff)
    # session, user, tenant, membership, reminders
    with django_assert_num_queries(5):
        page = client.get(reverse("coop:reminders", kwargs={"tenant_slug": tenant.slug}))
    assert page.status_code == 200
    # After the due date: the title and the state.
    assert [row.split(" ", 1)[1] for row in body_rows(page.text)] == ["x 新規"] * rows
