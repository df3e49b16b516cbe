"""Compliance at a glance: per theme and per partner, who is behind, a server-side SVG chart,
and a constant number of queries as rows grow."""

import datetime
import re

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop import charts
from coop.models import Role
from placements.models import Placement
from reports import selectors, services
from reports.models import ClosurePeriod, DailyReport, Evaluation

from ..clock import at
from ..factories import PlacementFactory, ThemeFactory, placements_bulk
from ..html import body_rows
from .factories import DailyReportFactory, MonthlyReportFactory, running_placement

# Placements run relative to today: these tests choose their day (the module's by default).
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


def every_group(user, role, today, **settings):
    """Every group and every placement behind, unpaged (the pages ask for 50)."""
    counts = selectors.ComplianceCounts(user, role, today, **settings)
    return {"themes": counts.groups("themes")[0], "behind": counts.behind()[0]}


def url(tenant):
    return reverse("reports:compliance", kwargs={"tenant_slug": tenant.slug})


@pytest.mark.parametrize(
    "today",
    [
        pytest.param(datetime.date(2026, 11, 18), marks=at(2026, 11, 18, 10), id="before-the-monthly-due-day"),
        # Past the due day (28 here): last month's monthly report counts too.
        pytest.param(datetime.date(2026, 11, 30), marks=at(2026, 11, 30, 23, 50), id="after-the-due-day-at-night"),
        # 00:10 in Tokyo is still 28 February in UTC: the month has one working day so far.
        pytest.param(datetime.date(2027, 3, 1), marks=at(2027, 3, 1, 0, 10), id="first-day-of-the-month"),
    ],
)
def test_groups_and_who_is_behind(tenant, members, today):
    behind = running_placement(tenant, faculty=members[Role.FACULTY])
    with scopes_disabled():
        keeping_up = PlacementFactory(
            theme=behind.theme, state=Placement.State.ACTIVE, starts_on=behind.starts_on, ends_on=behind.ends_on
        )
    start = max(today.replace(day=1), keeping_up.starts_on)
    with scope(tenant=tenant):
        working = selectors.working_days(keeping_up, start, today)
    for day in working:
        DailyReportFactory(placement=keeping_up, date=day)
    MonthlyReportFactory(placement=keeping_up, month=selectors.add_months(today.replace(day=1), -1))
    ended = running_placement(
        tenant,
        faculty=members[Role.FACULTY],
        state=Placement.State.COMPLETED,
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today - datetime.timedelta(days=30),
    )
    with scope(tenant=tenant):
        Evaluation.objects.create(
            tenant=tenant,
            placement=ended,
            kind="faculty",
            form=services.evaluation_form_current(tenant),
            state="submitted",
        )
        data = every_group(
            members[Role.STAFF], Role.STAFF, today, monthly_due_day=28, evaluation_due_days=14, missing_days=1
        )
    theme_groups = {g.key: g for g in data["themes"]}
    shared = theme_groups[behind.theme_id]
    # Today counts once reported (keeping_up) and is not missing yet where it is not (behind).
    past = [day for day in working if day < today]
    assert working and working[-1] == today
    assert (shared.placements, shared.due, shared.missed) == (2, len(working) + len(past), len(past))
    assert theme_groups[ended.theme_id].evaluations_late == 1
    behind_ids = {b.placement.pk: b for b in data["behind"]}
    assert keeping_up.pk not in behind_ids
    assert behind_ids[ended.pk].evaluations_missing == [Evaluation.Kind.PARTNER.label]
    if past:
        assert behind_ids[behind.pk].missed == len(past)
    else:  # the first working day of the month, in the morning: nobody is behind yet
        assert behind.pk not in behind_ids


def test_chart_geometry():
    group = selectors.ComplianceGroup(1, "A", due=4, missed=1)
    rows = [(g.label, g.rate) for g in (group, selectors.ComplianceGroup(2, "B"))]
    svg = charts.rate_bars(chart_id="c", title="T", rows=rows, width=200)
    filled = re.findall(r'<rect x="170" y="(\d+)" width="(\d+)" height="18" fill="(#\w+)"', svg)
    # A pale track per row, then the rate: 75 % (fair, amber) and 100 % (good, green).
    assert filled == [
        ("0", "200", "#fbe9e7"),
        ("0", "150", "#b26a00"),
        ("28", "200", "#fbe9e7"),
        ("28", "200", "#2e7d32"),
    ]
    assert 'viewBox="0 0 430 56"' in svg


def test_page_draws_an_svg_chart_without_script(client, tenant, members):
    running_placement(tenant, faculty=members[Role.FACULTY])
    client.force_login(members[Role.STAFF])
    for grouping in ("partner", "theme"):
        response = client.get(url(tenant), {"by": grouping})
        assert response.status_code == 200
        assert response.text.count('<div class="bar-chart"><svg xmlns="http://www.w3.org/2000/svg" role="img"') == 1
        assert "<script" not in response.text.split("</head>")[1]


def behind_of(tenant, n, prefix):
    """`n` running placements on one new theme, none with a daily report: all behind."""
    theme = ThemeFactory(tenant=tenant)
    placements_bulk(theme, n, prefix=prefix, state=Placement.State.ACTIVE)
    return theme


@pytest.mark.parametrize("rows", [10, 200])
@at(2026, 11, 30, 12)
def test_groups_first_then_the_people_behind_with_constant_queries(
    client, tenant, members, django_assert_num_queries, rows
):
    theme = behind_of(tenant, rows, "late")
    keeping_up = running_placement(tenant)
    DailyReportFactory(placement=keeping_up, date=datetime.date(2026, 11, 30))
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, deadline settings, program and term choices, the days
    # off (report settings, closures), the weekly schedules and periods in use, the placements
    # late with evaluations, then one statement: the page of named groups, how many groups and
    # how many placements are behind
    with django_assert_num_queries(12):
        groups = client.get(url(tenant), {"by": "theme", "sort": "-placements"})
    shown = body_rows(groups.text)
    with scopes_disabled():
        assert shown[0].startswith(f"{theme.title} {rows} ")
        assert shown[0].endswith(f"{rows}人")
    assert len(shown) == 2  # two themes: groups, not people
    assert f"?theme={theme.pk}" in groups.text
    # the drill-down: the people behind in that theme, a page at a time: the base seven, the
    # theme's title, the days off, schedules and periods, evaluations, one statement (the page
    # and how many there are) and the page's placements with their people; of 10 rows, page 4
    # is the kept page 1, after the page past the end is asked and counted apart (two statements)
    for page, queries in ((1, 14), (4, 14 if rows == 200 else 15)):
        with django_assert_num_queries(queries):
            people = client.get(url(tenant), {"theme": theme.pk, "page": page})
        expected = 50 if rows == 200 else 10
        assert len(body_rows(people.text)) == expected
    first = body_rows(client.get(url(tenant), {"theme": theme.pk}).text)
    assert all("late" in row for row in first)


def test_drill_down_by_partner_pages_and_htmx(client, tenant, members):
    theme = behind_of(tenant, 60, "late")
    behind_of(tenant, 3, "elsewhere")
    client.force_login(members[Role.STAFF])
    second = client.get(url(tenant), {"partner": theme.partner_id, "page": 2}, headers={"HX-Request": "true"})
    assert second.text.lstrip().startswith('<div id="list-results">')
    rows = body_rows(second.text)
    assert len(rows) == 10 and not any("elsewhere" in row for row in rows)
    everyone = client.get(url(tenant), {"behind": "1"})
    assert "1–50 / 63件" in everyone.text


def test_search_narrows_the_groups_and_other_tenants_never_show(client, tenant, other_tenant, members):
    mine = behind_of(tenant, 2, "mine")
    behind_of(other_tenant, 2, "foreign")
    client.force_login(members[Role.STAFF])
    with scopes_disabled():
        partner_name = mine.partner.name
        foreign = Placement.objects.filter(tenant=other_tenant).first()
    found = body_rows(client.get(url(tenant), {"q": partner_name[-3:]}).text)
    assert [row.split(" ")[0] for row in found] == [partner_name]
    foreign_group = client.get(url(tenant), {"partner": foreign.partner_id})
    assert body_rows(foreign_group.text) == ["遅れている人はいません。"]
    assert "foreign" not in client.get(url(tenant), {"behind": "1"}).text


@at(2026, 11, 30, 12)
def test_the_kept_groups_are_counted_again_once_a_report_is_written(client, tenant, members, django_assert_num_queries):
    """The groups are kept between reads (reports.selectors.compliance_snapshot) only while
    the tenant's placements and reports are unchanged: a report written shows at once."""
    placement = running_placement(tenant)
    client.force_login(members[Role.STAFF])
    page = {"by": "theme"}
    before = body_rows(client.get(url(tenant), page).text)
    # the kept page: session, user, tenant, membership, deadline settings, program and term
    # choices; nothing counted again (the groups are kept with their names)
    with django_assert_num_queries(7):
        assert body_rows(client.get(url(tenant), page).text) == before
    with scopes_disabled():
        for day in range(2, 28):
            if datetime.date(2026, 11, day).weekday() < 5:
                DailyReportFactory(placement=placement, date=datetime.date(2026, 11, day))
    after = body_rows(client.get(url(tenant), page).text)
    assert after != before
    assert " 100%" in after[0] or "100%" in after[0]


@pytest.mark.parametrize(
    "today",
    [
        # November 2026 has two national holidays (the 3rd and the 23rd); a Monday in the morning
        pytest.param(datetime.date(2026, 11, 23), marks=at(2026, 11, 23, 9), id="on-a-holiday"),
        pytest.param(datetime.date(2026, 11, 30), marks=at(2026, 11, 30, 23, 50), id="last-day-at-night"),
        pytest.param(datetime.date(2026, 11, 1), marks=at(2026, 11, 1, 0, 10), id="first-day-a-sunday"),
        pytest.param(datetime.date(2027, 2, 26), marks=at(2027, 2, 26, 12), id="february"),
    ],
)
def test_the_database_counts_what_the_calendar_says(tenant, members, today):
    """ComplianceCounts counts due and missed days in the database from the calendar made in
    Python: for every schedule, period, closure and suspension, the same numbers as
    core.due_days (the reports pages' rule), placement by placement."""
    month = today.replace(day=1)
    last = selectors.month_end(month)
    shapes = [
        ("full_time", "", month - datetime.timedelta(days=30), last + datetime.timedelta(days=30)),
        ("weekly_days", "0,2,4", month + datetime.timedelta(days=3), last + datetime.timedelta(days=60)),
        ("weekly_days", "1", month - datetime.timedelta(days=90), month + datetime.timedelta(days=16)),
        ("weekly_days", "5,6", month, last),
        ("full_time", "", month + datetime.timedelta(days=9), month + datetime.timedelta(days=20)),
        ("full_time", "", today, today + datetime.timedelta(days=90)),
    ]
    placements = [
        running_placement(tenant, schedule=schedule, weekdays=weekdays, starts_on=starts, ends_on=ends)
        for schedule, weekdays, starts, ends in shapes
    ]
    with scopes_disabled():
        ClosurePeriod.objects.create(
            tenant=tenant,
            starts_on=month + datetime.timedelta(days=5),
            ends_on=month + datetime.timedelta(days=6),
            reason="学園祭",
        )
        ClosurePeriod.objects.create(
            tenant=tenant,
            placement=placements[0],
            starts_on=month + datetime.timedelta(days=10),
            ends_on=month + datetime.timedelta(days=13),
            reason="体調不良",
        )
    with scope(tenant=tenant):
        for index, placement in enumerate(placements):  # every other working day reported
            for day in selectors.working_days(placement, month, today)[index % 2 :: 2]:
                DailyReportFactory(placement=placement, date=day)
        data = every_group(
            members[Role.STAFF], Role.STAFF, today, monthly_due_day=40, evaluation_due_days=14, missing_days=1
        )
        expected = {}
        for placement in placements:
            reported = set(
                DailyReport.objects.filter(placement=placement, state="submitted").values_list("date", flat=True)
            )
            due = selectors.due_days(placement, month, last, today, reported)
            missed = [day for day in due if day not in reported]
            expected[placement.theme_id] = (1, len(due), len(missed))
    found = {g.key: (g.placements, g.due, g.missed) for g in data["themes"]}
    assert found == expected
    assert sorted(b.placement.pk for b in data["behind"]) == sorted(
        p.pk for p in placements if expected[p.theme_id][2] >= 1
    )
