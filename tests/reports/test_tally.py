"""ReportTally: each placement's submitted daily reports of a month, counted again on every save
and delete of a daily report (reports.apps), which compliance reads instead of the reports."""

import datetime

import pytest
from django_scopes import scope, scopes_disabled

from placements.models import Placement
from reports import services
from reports.models import DailyReport, ReportTally

from ..clock import at
from .factories import DailyReportFactory, running_placement

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


def tallies(placement):
    with scopes_disabled():
        return {t.month: (t.submitted, t.latest) for t in ReportTally.objects.filter(placement_id=placement.pk)}


def test_a_submitted_report_is_counted_a_draft_is_not(tenant):
    placement = running_placement(tenant)

    def save(day, **values):
        with scope(tenant=tenant):
            services.daily_report_save(
                placement=placement,
                day=datetime.date(2026, 11, day),
                by=placement.student,
                hours=8,
                today=datetime.date(2026, 11, 18),
                **values,
            )

    save(16, done="下書き")
    assert tallies(placement) == {}
    save(16, done="提出", submit=True)
    save(17, done="提出", submit=True)
    assert tallies(placement) == {datetime.date(2026, 11, 1): (2, datetime.date(2026, 11, 17))}


def test_months_are_counted_apart_and_a_deleted_report_is_counted_out(tenant):
    placement = running_placement(tenant)
    with scopes_disabled():
        DailyReportFactory(placement=placement, date=datetime.date(2026, 10, 30))
        last = DailyReportFactory(placement=placement, date=datetime.date(2026, 11, 2))
        DailyReportFactory(placement=placement, date=datetime.date(2026, 11, 3))
    assert tallies(placement) == {
        datetime.date(2026, 10, 1): (1, datetime.date(2026, 10, 30)),
        datetime.date(2026, 11, 1): (2, datetime.date(2026, 11, 3)),
    }
    with scopes_disabled():
        DailyReport.objects.filter(placement=placement, date=datetime.date(2026, 11, 3)).delete()
    assert tallies(placement)[datetime.date(2026, 11, 1)] == (1, datetime.date(2026, 11, 2))
    with scopes_disabled():
        last.delete()
    assert datetime.date(2026, 11, 1) not in tallies(placement)


def test_a_placement_deleted_with_its_reports_leaves_no_tally(tenant):
    placement = running_placement(tenant)
    with scopes_disabled():
        DailyReportFactory(placement=placement, date=datetime.date(2026, 11, 2))
        Placement.objects.filter(pk=placement.pk).delete()
        assert not ReportTally.objects.filter(placement_id=placement.pk).exists()
