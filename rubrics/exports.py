"""The rubrics app's exportable table: one row per assessment and criterion."""

from django.utils.translation import gettext_lazy as _

from placements.exports import Table

from .models import AssessmentScore, Phase, Rater

TABLES = {
    "assessments": Table(
        "assessments",
        _("Assessments"),
        (
            (_("Rubric"), "assessment__rubric__name"),
            (_("Version"), "assessment__rubric__version"),
            (_("Phase"), "assessment__window__phase"),
            (_("Window opens"), "assessment__window__opens_on"),
            (_("Window closes"), "assessment__window__closes_on"),
            (_("Student"), "assessment__placement__student__full_name"),
            (_("Email address"), "assessment__placement__student__email"),
            (_("Partner"), "assessment__placement__partner__name"),
            (_("Theme"), "assessment__placement__theme__title"),
            (_("Program"), "assessment__placement__theme__program__name"),
            (_("Rater"), "assessment__rater"),
            (_("Rated by"), "assessment__rater_name"),
            (_("Criterion"), "criterion_name"),
            (_("Level chosen"), "value"),
            (_("Points"), "points"),
            (_("Weighted score"), "assessment__score"),
            (_("Submitted"), "assessment__submitted_at"),
        ),
        AssessmentScore,
        {"assessment__window__phase": dict(Phase.choices), "assessment__rater": dict(Rater.choices)},
    ),
}
