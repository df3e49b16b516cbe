"""The reports app's deadline providers, checked against hand-made calendars."""

import datetime

import pytest
from django_scopes import scope

from coop import reminders
from coop.models import DeadlineSettings, Reminder, Role
from placements.models import Placement
from reports.deadlines import daily_reports_missing, monthly_reports_due
from reports.models import DailyReport, MonthlyReport

from ..factories import PlacementFactory, ThemeFactory, member

pytestmark = pytest.mark.django_db

# 2026-11-24 is a Tuesday.
TUESDAY = datetime.date(2026, 11, 24)


def placement(tenant, **fields):
    return PlacementFactory(
        theme=ThemeFactory(tenant=tenant),
        student=member(tenant, Role.STUDENT),
        state=Placement.State.ACTIVE,
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2027, 3, 31),
        **fields,
    )


def submit(p, day):
    DailyReport.objects.create(
        tenant=p.tenant, placement=p, date=day, hours=8, done="作業", state=DailyReport.State.SUBMITTED
    )


def test_daily_reminder_after_two_missing_working_days(in_tenant):
    settings = DeadlineSettings(tenant=in_tenant, daily_report_missing_days=2)
    # Monday the 23rd is a national holiday: the two last expected days are Thu 19 and Fri 20.
    missing = placement(in_tenant)  # nothing on Thu 19 and Fri 20
    reported = placement(in_tenant)
    submit(reported, datetime.date(2026, 11, 20))
    due = list(daily_reports_missing(in_tenant, settings, TUESDAY))
    assert [(d.user_id, d.key) for d in due] == [(missing.student_id, f"daily-missing:{missing.pk}:2026-11-20")]


def test_wednesday_only_placement_counts_wednesdays(in_tenant):
    settings = DeadlineSettings(tenant=in_tenant, daily_report_missing_days=2)
    dual = placement(in_tenant, schedule=Placement.Schedule.WEEKLY_DAYS, weekdays="2")
    submit(dual, datetime.date(2026, 11, 11))  # the Wednesday before last
    # The last two Wednesdays before Tuesday 24th are the 18th and the 11th: one was reported.
    assert list(daily_reports_missing(in_tenant, settings, TUESDAY)) == []
    # A week later the 25th and the 18th are both missing.
    due = list(daily_reports_missing(in_tenant, settings, datetime.date(2026, 12, 1)))
    assert [d.key for d in due] == [f"daily-missing:{dual.pk}:2026-11-25"]


def test_monthly_report_due_from_day_d_unless_submitted(in_tenant):
    settings = DeadlineSettings(tenant=in_tenant, monthly_report_due_day=5)
    late = placement(in_tenant)
    on_time = placement(in_tenant)
    MonthlyReport.objects.create(
        tenant=in_tenant, placement=on_time, month=datetime.date(2026, 10, 1), state=MonthlyReport.State.SUBMITTED
    )
    assert list(monthly_reports_due(in_tenant, settings, datetime.date(2026, 11, 4))) == []
    due = list(monthly_reports_due(in_tenant, settings, datetime.date(2026, 11, 5)))
    assert [(d.user_id, d.key, d.due_on) for d in due] == [
        (late.student_id, f"monthly-due:{late.pk}:2026-10", datetime.date(2026, 11, 5))
    ]
    assert due[0].url.endswith(f"/reports/placements/{late.pk}/months/2026-10/")


def test_the_scan_turns_them_into_reminders_once(tenant):
    with scope(tenant=tenant):
        placement(tenant)
        reminders.deadline_settings_save(tenant=tenant, values={"daily_report_missing_days": 2})
        first = reminders.reminders_scan_tenant(tenant=tenant, today=TUESDAY)
        again = reminders.reminders_scan_tenant(tenant=tenant, today=TUESDAY)
        assert (first, again) == (2, 0)  # the daily streak and October's monthly report
        assert Reminder.objects.filter(tenant=tenant).count() == 2
