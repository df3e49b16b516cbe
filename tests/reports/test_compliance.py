"""Compliance at a glance: per theme and per partner, who is behind, a server-side SVG chart,
and a constant number of queries as rows grow."""

import datetime
import re

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop import charts
from coop.models import DeadlineSettings, Role
from placements.models import Placement
from reports import selectors, services
from reports.models import Evaluation

from ..clock import at
from ..factories import PlacementFactory
from ..html import body_rows
from .factories import DailyReportFactory, MonthlyReportFactory, running_placement

# Placements run relative to today: these tests choose their day (the module's by default).
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


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
        data = selectors.compliance_groups_for_user(
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
    response = client.get(url(tenant))
    assert response.status_code == 200
    assert response.text.count('<div class="bar-chart"><svg xmlns="http://www.w3.org/2000/svg" role="img"') == 2
    assert "<script" not in response.text.split("</head>")[1]


@pytest.mark.parametrize("rows", [1, 3])
@at(2026, 11, 30, 12)
def test_compliance_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    today = datetime.date(2026, 11, 30)
    placements, ended_ones = [], []
    for _ in range(rows):
        placement = running_placement(tenant, faculty=members[Role.FACULTY])
        DailyReportFactory(placement=placement, date=today)
        ended = running_placement(
            tenant,
            state=Placement.State.COMPLETED,
            starts_on=today - datetime.timedelta(days=200),
            ends_on=today - datetime.timedelta(days=30),
        )
        placements += [placement, ended]
        ended_ones.append(ended)
    client.force_login(members[Role.STAFF])
    due_day = DeadlineSettings._meta.get_field("monthly_report_due_day").default
    # session, user, tenant, membership, deadline settings, placements, their submitted reports,
    # their monthly reports, last month's late monthly reports, placements missing evaluations
    assert today.day >= due_day
    with django_assert_num_queries(12):
        response = client.get(url(tenant))
    assert response.text.count('class="group-row"') == 2 * 2 * rows  # themes and partners
    shown = body_rows(response.text)
    by_theme, by_partner, behind = shown[: 2 * rows], shown[2 * rows : 4 * rows], shown[4 * rows :]
    with scopes_disabled():
        assert sorted(row.split(" ")[0] for row in by_partner) == sorted(p.partner.name for p in placements)
        for p in placements:
            assert any(row.startswith(f"{p.theme.title} ") for row in by_theme)
        # An ended placement without its evaluations is behind whatever the day of the month.
        for p in ended_ones:
            assert any(row.startswith(f"{p.student.full_name} {p.partner.name} {p.theme.title} ") for row in behind)
