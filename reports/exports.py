"""The reports app's exportable tables (registered in apps.ready): daily and monthly reports,
evaluations and final results."""

from django.utils.translation import gettext_lazy as _

from placements.exports import Table

from .models import DailyReport, Evaluation, MonthlyReport, PlacementResult

STUDENT = (
    (_("Student"), "placement__student__full_name"),
    (_("Email address"), "placement__student__email"),
    (_("Partner"), "placement__partner__name"),
    (_("Theme"), "placement__theme__title"),
)

TABLES = {
    "daily_reports": Table(
        "daily_reports",
        _("Daily reports"),
        (
            *STUDENT,
            (_("Date"), "date"),
            (_("Hours worked"), "hours"),
            (_("What I did"), "done"),
            (_("What I learned"), "learned"),
            (_("Problems and questions"), "problems"),
            (_("Next steps"), "next_steps"),
            (_("State"), "state"),
            (_("Submitted"), "submitted_at"),
        ),
        DailyReport,
        {"state": dict(DailyReport.State.choices)},
    ),
    "monthly_reports": Table(
        "monthly_reports",
        _("Monthly reports"),
        (
            *STUDENT,
            (_("Month"), "month"),
            (_("Hours"), "hours_total"),
            (_("Days reported"), "days_reported"),
            (_("Missed days"), "days_missed"),
            (_("Summary of the month"), "summary"),
            (_("Reflection"), "reflection"),
            (_("Feedback from the partner"), "partner_feedback"),
            (_("Comment from the faculty supervisor"), "faculty_comment"),
            (_("State"), "state"),
            (_("Submitted"), "submitted_at"),
        ),
        MonthlyReport,
        {"state": dict(MonthlyReport.State.choices)},
    ),
    "evaluations": Table(
        "evaluations",
        _("Evaluations"),
        (
            *STUDENT,
            (_("Rater"), "kind"),
            (_("Written by"), "rater_name"),
            (_("Email address of the rater"), "rater__email"),
            (_("Scores"), "scores"),
            (_("Answers"), "answers"),
            (_("Comments"), "comments"),
            (_("State"), "state"),
            (_("Submitted"), "submitted_at"),
        ),
        Evaluation,
        {"kind": dict(Evaluation.Kind.choices), "state": dict(Evaluation.State.choices)},
    ),
    "results": Table(
        "results",
        _("Final results"),
        (
            *STUDENT,
            (_("Grade"), "grade"),
            (_("Passed"), "passed"),
            (_("Comments"), "comments"),
            (_("Agreed by the faculty supervisor"), "agreed_by_faculty"),
            (_("Agreed by the practitioner faculty"), "agreed_by_practitioner"),
        ),
        PlacementResult,
        {"grade": dict(PlacementResult.Grade.choices)},
    ),
}
