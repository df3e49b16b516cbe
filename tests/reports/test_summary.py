"""The reports sections of the term summary against a hand-computed fixture."""

import datetime

import pytest
from django_scopes import scope, scopes_disabled

from coop.models import Role
from coop.summary import Scope
from placements.models import Placement
from reports.models import DailyReport, Evaluation, MonthlyReport, PlacementResult
from reports.services.evaluations import evaluation_form_current
from reports.summary import sections

from ..factories import PlacementFactory, TermFactory, ThemeFactory, member

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)  # Tuesday


def test_hours_compliance_and_results(tenant):
    term = TermFactory(program__tenant=tenant, academic_year=2026)
    theme = ThemeFactory(tenant=tenant, program=term.program, term=term)
    # Full time from Mon 2 Nov: expected days before Tue 24 Nov = 14 (Nov 2-6, 9-13, 16-20; the
    # 3rd and the 23rd are national holidays). The report written on the 3rd still counts.
    full = PlacementFactory(
        theme=theme,
        student=member(tenant, Role.STUDENT),
        state=Placement.State.ACTIVE,
        starts_on=datetime.date(2026, 11, 2),
        ends_on=datetime.date(2027, 3, 31),
    )
    # Wednesdays only from 1 Oct: Oct 7, 14, 21, 28 and Nov 4, 11, 18 = 7 days; October's report is due.
    dual = PlacementFactory(
        theme=theme,
        student=member(tenant, Role.STUDENT),
        state=Placement.State.ACTIVE,
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2027, 3, 31),
        schedule="weekly_days",
        weekdays="2",
    )
    PlacementFactory(theme=theme, state=Placement.State.PLANNED)  # no reports due
    with scopes_disabled():
        for day in (datetime.date(2026, 11, 2), datetime.date(2026, 11, 3)):
            DailyReport.objects.create(tenant=tenant, placement=full, date=day, hours=8, done="x", state="submitted")
        DailyReport.objects.create(
            tenant=tenant, placement=dual, date=datetime.date(2026, 10, 7), hours="6.5", done="x", state="submitted"
        )
        DailyReport.objects.create(
            tenant=tenant, placement=dual, date=datetime.date(2026, 10, 14), hours=6, done="x", state="draft"
        )
        MonthlyReport.objects.create(tenant=tenant, placement=dual, month=datetime.date(2026, 10, 1), state="submitted")
    with scope(tenant=tenant):
        form = evaluation_form_current(tenant)
        Evaluation.objects.create(tenant=tenant, placement=dual, kind="partner", form=form, state="submitted")
        PlacementResult.objects.create(
            tenant=tenant,
            placement=dual,
            grade="A",
            passed=True,
            agreed_by_faculty=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
            agreed_by_practitioner=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
        )
        PlacementResult.objects.create(
            tenant=tenant,
            placement=full,
            grade="B",
            passed=True,
            agreed_by_faculty=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        )
        found = {s.key: s for s in sections(Scope(tenant=tenant, program=term.program, term=term), today=TODAY)}
    hours = found["hours"].numbers
    assert hours == {
        "placements": 2,
        "hours": 22.5,
        "daily_submitted": 3,
        "due_days": 14 + 7,
        "reported_due": 3,
        "rate": round(100 * 3 / 21, 1),
        "monthly_due": 1,
        "monthly_submitted": 1,
    }
    results = found["results"].numbers
    assert results == {"partner": 1, "faculty": 0, "final": 1, "proposed": 2, "passed": 1}
    assert dict(found["results"].rows)[PlacementResult.Grade.A.label] == 1
