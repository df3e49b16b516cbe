"""Days no daily report is expected: Japanese national holidays, the tenant's closures and a
placement's suspensions; and today, which is not missing until the day is over.

November 2026: the 3rd (Tuesday, 文化の日) and the 23rd (Monday, 勤労感謝の日) are national
holidays. September 2026 has three in a row: 21 (敬老の日), 22 (国民の休日), 23 (秋分の日).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope

from coop.models import DeadlineSettings, Role
from coop.summary import Scope
from placements.models import Placement
from reports import deadlines, selectors, services
from reports.models import ClosurePeriod, DailyReport, ReportSettings
from reports.summary import sections

from ..clock import at
from .factories import DailyReportFactory, running_placement

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]

D = datetime.date
NOVEMBER = D(2026, 11, 1)


@pytest.fixture
def full_time(in_tenant, members):
    """Monday to Friday, 1 September 2026 to 31 January 2027."""
    return running_placement(
        in_tenant,
        student=members[Role.STUDENT],
        faculty=members[Role.FACULTY],
        partner_user=members[Role.PARTNER],
        starts_on=D(2026, 9, 1),
        ends_on=D(2027, 1, 31),
    )


def november_weekdays():
    day, days = NOVEMBER, []
    while day.month == 11:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def test_national_holidays_come_from_the_maintained_calendar():
    assert selectors.national_holiday(D(2026, 11, 3)) == "文化の日"
    assert selectors.national_holiday(D(2026, 9, 22)) == "国民の休日"
    assert selectors.national_holiday(D(2027, 1, 11)) == "成人の日"  # second Monday of January
    assert selectors.national_holiday(D(2026, 11, 4)) is None


def test_national_holidays_are_not_working_days(full_time):
    days = selectors.working_days(full_time, NOVEMBER, D(2026, 11, 30))
    assert D(2026, 11, 3) not in days and D(2026, 11, 23) not in days
    assert len(days) == len(november_weekdays()) - 2 == 19
    september = selectors.working_days(full_time, D(2026, 9, 1), D(2026, 9, 30))
    assert {D(2026, 9, 21), D(2026, 9, 22), D(2026, 9, 23)}.isdisjoint(september)


def test_a_tenant_may_keep_national_holidays_as_working_days(in_tenant, full_time):
    ReportSettings.objects.create(tenant=in_tenant, national_holidays_off=False)
    assert len(selectors.working_days(full_time, NOVEMBER, D(2026, 11, 30))) == 21


def test_closures_of_the_tenant_and_suspensions_of_one_placement(in_tenant, members, full_time):
    other = running_placement(in_tenant, starts_on=D(2026, 9, 1), ends_on=D(2027, 1, 31))
    staff = members[Role.STAFF]
    services.closure_add(
        tenant=in_tenant, by=staff, starts_on=D(2026, 11, 16), ends_on=D(2026, 11, 17), reason="学園祭"
    )
    services.closure_add(
        tenant=in_tenant,
        by=staff,
        placement=full_time,
        starts_on=D(2026, 11, 9),
        ends_on=D(2026, 11, 13),
        reason="試験",
    )
    mine = selectors.working_days(full_time, NOVEMBER, D(2026, 11, 30))
    theirs = selectors.working_days(other, NOVEMBER, D(2026, 11, 30))
    assert len(mine) == 19 - 2 - 5
    assert len(theirs) == 19 - 2  # the suspension is of the other placement only
    assert D(2026, 11, 16) not in theirs


def test_a_suspension_outside_the_placement_is_refused_with_the_reason(in_tenant, members, full_time):
    with pytest.raises(ValidationError) as refused:
        services.closure_add(
            tenant=in_tenant,
            by=members[Role.STAFF],
            placement=full_time,
            starts_on=D(2027, 3, 1),
            ends_on=D(2027, 3, 5),
            reason="試験",
        )
    assert "2026-09-01" in refused.value.messages[0] and "2027-01-31" in refused.value.messages[0]
    with pytest.raises(ValidationError) as backwards:
        services.closure_add(
            tenant=in_tenant, by=members[Role.STAFF], starts_on=D(2026, 12, 5), ends_on=D(2026, 12, 1), reason="x"
        )
    assert "ends_on" in backwards.value.message_dict
    assert not ClosurePeriod.objects.exists()


def test_rollup_and_calendar_leave_days_off_out_and_name_them(in_tenant, full_time):
    for day in november_weekdays()[:5]:  # 2-6 November, the 3rd a holiday: one report too many
        DailyReportFactory(placement=full_time, date=day)
    rollup = selectors.month_rollup(full_time, NOVEMBER, today=D(2026, 11, 10))
    # Due up to yesterday (the 9th): 2, 4, 5, 6, 9. The report of the 3rd counts as reported.
    assert rollup.due_days == [D(2026, 11, 2), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6), D(2026, 11, 9)]
    assert rollup.missed == [D(2026, 11, 9)]
    weeks = selectors.month_calendar(full_time, NOVEMBER, rollup.reports, today=D(2026, 11, 10))
    cells = {cell.date: cell for week in weeks for cell in week if cell}
    assert cells[D(2026, 11, 23)].status == "none"  # future
    assert cells[D(2026, 11, 3)].status == "submitted" and cells[D(2026, 11, 3)].off_reason == "文化の日"
    later = selectors.month_calendar(full_time, NOVEMBER, rollup.reports, today=D(2026, 11, 30))
    holiday = {cell.date: cell for week in later for cell in week if cell}[D(2026, 11, 23)]
    assert (holiday.status, holiday.off_reason, holiday.working) == ("off", "勤労感謝の日", False)


def test_today_is_not_missing_in_the_morning(in_tenant, full_time):
    """Before: the morning's calendar and compliance counted today as missed."""
    today = D(2026, 11, 30)  # a Monday
    rollup = selectors.month_rollup(full_time, NOVEMBER, today=today)
    assert today not in rollup.missed and today not in rollup.due_days
    cells = {c.date: c for w in selectors.month_calendar(full_time, NOVEMBER, [], today=today) for c in w if c}
    assert cells[today].status == "open"
    DailyReportFactory(placement=full_time, date=today)
    rollup = selectors.month_rollup(full_time, NOVEMBER, today=today)
    assert today in rollup.due_days and today not in rollup.missed


def test_compliance_leaves_holidays_and_closures_out(in_tenant, members, full_time):
    services.closure_add(
        tenant=in_tenant, by=members[Role.STAFF], starts_on=D(2026, 11, 24), ends_on=D(2026, 11, 27), reason="休業"
    )
    rows = selectors.compliance_for_user(members[Role.STAFF], Role.STAFF, NOVEMBER, today=D(2026, 11, 30))
    row = next(r for r in rows if r.placement.pk == full_time.pk)
    # 20 weekdays before the 30th, less the 3rd, the 23rd and 24-27.
    assert (row.due, row.missed) == (20 - 2 - 4, 20 - 2 - 4)


def test_missing_report_reminders_skip_holidays(in_tenant, full_time):
    """Monday 24 November: the last two expected days are Thursday 19 and Friday 20 (Monday
    the 23rd is a holiday). Reports on both: nothing missing."""
    for day in (D(2026, 11, 19), D(2026, 11, 20)):
        DailyReportFactory(placement=full_time, date=day)
    settings = DeadlineSettings(tenant=in_tenant, daily_report_missing_days=2)
    assert list(deadlines.daily_reports_missing(in_tenant, settings, D(2026, 11, 24))) == []
    assert list(deadlines.daily_reports_missing(in_tenant, settings, D(2026, 11, 26)))  # 24 and 25 missing


def test_term_summary_counts_expected_days_without_holidays(in_tenant, full_time):
    for day in selectors.working_days(full_time, NOVEMBER, D(2026, 11, 29)):
        DailyReportFactory(placement=full_time, date=day, state=DailyReport.State.SUBMITTED, hours=Decimal(8))
    ReportSettings.objects.create(tenant=in_tenant)
    services.closure_add(
        tenant=in_tenant, by=None, starts_on=D(2026, 9, 1), ends_on=D(2026, 10, 31), reason="（テスト）前半は対象外"
    )
    summary_scope = Scope(tenant=in_tenant, program=full_time.theme.program, academic_year=2026)
    hours = next(s for s in sections(summary_scope, today=D(2026, 11, 30)) if s.key == "hours")
    # Every expected November day is reported; the 3rd and the 23rd are not expected.
    assert hours.numbers["due_days"] == hours.numbers["reported_due"] == 19 - 1  # the 30th is today


def test_staff_record_a_suspension_on_the_calendar_and_remove_it(client, tenant, members, full_time):
    client.force_login(members[Role.STAFF])
    page = reverse("reports:placement", kwargs={"tenant_slug": tenant.slug, "pk": full_time.pk})
    response = client.post(
        reverse("reports:suspension_add", kwargs={"tenant_slug": tenant.slug, "pk": full_time.pk}),
        {"starts_on": "2026-11-09", "ends_on": "2026-11-13", "reason": "試験期間"},
        follow=True,
    )
    assert "試験期間" in response.content.decode()
    with scope(tenant=tenant):
        closure = ClosurePeriod.objects.get()
    assert closure.placement_id == full_time.pk
    refused = client.post(
        reverse("reports:suspension_add", kwargs={"tenant_slug": tenant.slug, "pk": full_time.pk}),
        {"starts_on": "2026-11-20", "ends_on": "2026-11-19", "reason": "逆"},
        follow=True,
    )
    assert "最終日が初日より前です。" in refused.content.decode()
    client.post(reverse("reports:closure_delete", kwargs={"tenant_slug": tenant.slug, "pk": closure.pk}))
    with scope(tenant=tenant):
        assert not ClosurePeriod.objects.exists()
    assert "試験期間" not in client.get(page).content.decode()  # gone from the calendar page


def test_administrators_manage_closures_and_the_holiday_rule(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    settings_url = reverse("reports:settings", kwargs={"tenant_slug": tenant.slug})
    client.post(
        reverse("reports:closure_add", kwargs={"tenant_slug": tenant.slug}),
        {"starts_on": "2026-12-29", "ends_on": "2027-01-03", "reason": "年末年始休業"},
    )
    page = client.get(settings_url).content.decode()
    assert "年末年始休業" in page and "2026-12-29" in page
    client.post(settings_url, {"edit_days_after": 3})  # the box unticked: holidays are working days
    with scope(tenant=tenant):
        assert ReportSettings.objects.get().national_holidays_off is False


def test_staff_may_not_remove_a_tenant_closure(client, tenant, members):
    with scope(tenant=tenant):
        closure = services.closure_add(
            tenant=tenant, by=members[Role.ADMIN], starts_on=D(2026, 12, 29), ends_on=D(2027, 1, 3), reason="年末年始"
        )
    client.force_login(members[Role.STAFF])
    response = client.post(reverse("reports:closure_delete", kwargs={"tenant_slug": tenant.slug, "pk": closure.pk}))
    assert response.status_code == 403
    with scope(tenant=tenant):
        assert ClosurePeriod.objects.filter(pk=closure.pk).exists()


def test_the_daily_page_names_the_holiday(client, tenant, members, full_time):
    client.force_login(members[Role.STUDENT])
    page = client.get(
        reverse("reports:daily_edit", kwargs={"tenant_slug": tenant.slug, "pk": full_time.pk, "day": D(2026, 11, 23)})
    ).content.decode()
    assert "勤労感謝の日" in page


def test_a_planned_placement_has_no_days(in_tenant, full_time):
    full_time.state = Placement.State.PLANNED
    assert selectors.working_days(full_time, NOVEMBER, D(2026, 11, 30)) == []
