"""The rubrics app's section of a term summary (registered in apps.ready): for each rubric the
program's placements were assessed with, the mean before and after and the mean change per
criterion, as the students rated themselves and as the partner and faculty rated them.
No assessment in the scope: no section."""

from django.utils.translation import gettext as _

from coop import charts
from coop.summary import Section
from placements.summary import placements_in

from .models import AssessmentScore, Rater, Rubric
from .selectors import cohort_growth


def _number(value):
    return "" if value is None else value


def sections(scope):
    placements = placements_in(scope)
    codes = list(
        AssessmentScore.objects.filter(assessment__placement__in=placements.values("pk"))
        .values_list("assessment__rubric__code", flat=True)
        .distinct()
    )
    found = []
    for rubric in Rubric.objects.filter(tenant=scope.tenant, code__in=codes, is_current=True).order_by("name"):
        by_rater = {rater: cohort_growth(rubric, placements, rater=rater) for rater in Rater.values}
        self_rows = by_rater[Rater.SELF]["criteria"]
        rows = []
        for n, row in enumerate(self_rows):
            rows.append(
                [
                    row["name"],
                    _number(row["before"]["mean"]),
                    _number(row["after"]["mean"]),
                    _number(row["change"]),
                    row["pairs"],
                    _number(by_rater[Rater.PARTNER]["criteria"][n]["change"]),
                    _number(by_rater[Rater.FACULTY]["criteria"][n]["change"]),
                ]
            )
        title = _("Rubric change: %(rubric)s") % {"rubric": rubric.name}
        chart = charts.grouped_bars(
            chart_id=f"summary-{rubric.code}",
            title=title,
            desc=_("Mean points per criterion before and after, as the students rated themselves."),
            categories=[row["name"] for row in self_rows],
            series=[
                (_("Pre"), charts.PHASE_COLORS["pre"], [row["before"]["mean"] for row in self_rows]),
                (_("Post"), charts.PHASE_COLORS["post"], [row["after"]["mean"] for row in self_rows]),
            ],
            scale_max=rubric.scale_max,
        )
        found.append(
            Section(
                f"rubric-{rubric.code}",
                title,
                [
                    _("Criterion"),
                    _("Self: mean before"),
                    _("Self: mean after"),
                    _("Self: mean change"),
                    _("Students rated before and after"),
                    _("Partner: mean change"),
                    _("Faculty: mean change"),
                ],
                rows,
                note=_("Means of the points (1 to %(max)s); a change is over the students assessed both times.")
                % {"max": rubric.scale_max},
                chart=str(chart),
                numbers={row["key"]: row["change"] for row in self_rows},
            )
        )
    return found
