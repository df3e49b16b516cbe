"""The reports app's sections of a term summary (registered in apps.ready): hours and daily
report compliance, monthly reports, evaluations and final results."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from coop.charts import bar_chart
from coop.clock import tenant_today
from coop.summary import Section
from placements.summary import placements_in

from .models import DailyReport, Evaluation, MonthlyReport, PlacementResult
from .selectors.core import REPORTING_STATES, add_months, month_start, working_days
from .selectors.days_off import DaysOff


def _months_due(placement, today):
    """Months of the placement that have ended by `today` (their report is due)."""
    months, month = [], month_start(placement.starts_on)
    while month <= placement.ends_on and add_months(month, 1) <= today:
        months.append(month)
        month = add_months(month, 1)
    return months


def sections(scope, today=None):
    today = today or tenant_today()
    placements = list(placements_in(scope).filter(state__in=REPORTING_STATES))
    ids = [p.pk for p in placements]
    submitted = DailyReport.objects.filter(placement_id__in=ids, state=DailyReport.State.SUBMITTED)
    daily = submitted.aggregate(hours=Sum("hours"), days=Count("id"))
    yesterday = today - datetime.timedelta(days=1)
    days_off = (
        DaysOff.load(placements[0].tenant_id, min(p.starts_on for p in placements), yesterday, ids)
        if placements
        else None
    )
    due_days = sum(len(working_days(p, p.starts_on, min(p.ends_on, yesterday), days_off)) for p in placements)
    reported_due = submitted.filter(date__lte=yesterday).count()
    rate = round(100 * reported_due / due_days, 1) if due_days else None

    due_months = {(p.pk, m) for p in placements for m in _months_due(p, today)}
    monthly_done = set(
        MonthlyReport.objects.filter(
            placement_id__in=ids, state__in=(MonthlyReport.State.SUBMITTED, MonthlyReport.State.REVIEWED)
        ).values_list("placement_id", "month")
    )
    monthly_submitted = len(due_months & monthly_done)

    evaluations = Evaluation.objects.filter(placement_id__in=ids, state=Evaluation.State.SUBMITTED).aggregate(
        partner=Count("id", filter=Q(kind=Evaluation.Kind.PARTNER)),
        faculty=Count("id", filter=Q(kind=Evaluation.Kind.FACULTY)),
    )
    results = PlacementResult.objects.filter(placement_id__in=ids)
    final = results.filter(agreed_by_faculty__isnull=False, agreed_by_practitioner__isnull=False)
    grades = dict(final.values_list("grade").annotate(n=Count("id")))
    grade_rows = [[label, grades.get(value, 0)] for value, label in PlacementResult.Grade.choices]

    return [
        Section(
            "hours",
            _("Hours and daily reports"),
            [_("What"), _("Number")],
            [
                [_("Placements with reports due"), len(placements)],
                [_("Hours reported"), daily["hours"] or 0],
                [_("Daily reports submitted"), daily["days"]],
                [_("Working days due so far"), due_days],
                [_("Share of due days reported (%)"), "—" if rate is None else rate],
                [_("Monthly reports due"), len(due_months)],
                [_("Monthly reports submitted"), monthly_submitted],
            ],
            numbers={
                "placements": len(placements),
                "hours": daily["hours"] or 0,
                "daily_submitted": daily["days"],
                "due_days": due_days,
                "reported_due": reported_due,
                "rate": rate,
                "monthly_due": len(due_months),
                "monthly_submitted": monthly_submitted,
            },
        ),
        Section(
            "results",
            _("Evaluations and final results"),
            [_("Grade"), _("Students")],
            grade_rows,
            chart=bar_chart(
                _("Final results by grade"), [r[0] for r in grade_rows], [(_("Students"), [r[1] for r in grade_rows])]
            ),
            note=_(
                "%(partner)s partner evaluations and %(faculty)s faculty evaluations submitted; "
                "%(final)s of %(all)s results agreed by both faculty roles."
            )
            % {
                "partner": evaluations["partner"],
                "faculty": evaluations["faculty"],
                "final": final.count(),
                "all": results.count(),
            },
            numbers={
                **evaluations,
                "final": final.count(),
                "proposed": results.count(),
                "passed": final.filter(passed=True).count(),
            },
        ),
    ]
