"""Compliance at a glance for the office, per theme and per partner, built on
core.compliance_for_user, and the geometry of its server-side SVG bar chart."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef

from placements.models import Placement
from placements.selectors.visibility import placements_for_user

from ..models import DailyReport, Evaluation, MonthlyReport
from .core import REPORTING_STATES, add_months, month_end, month_start, working_days

# --- Compliance at a glance, per theme and per partner --------------------------------------------

# Placements that ended this long ago or less still show missing evaluations.
EVALUATION_LOOKBACK_DAYS = 180


@dataclass
class ComplianceGroup:
    key: object
    label: str
    placements: int = 0
    due: int = 0
    missed: int = 0
    monthly_late: int = 0
    evaluations_late: int = 0
    behind: int = 0

    @property
    def rate(self):
        return 100 if not self.due else round(100 * (self.due - self.missed) / self.due)


@dataclass
class Behind:
    placement: Placement
    missed: int = 0
    monthly_late: bool = False
    evaluations_missing: list = field(default_factory=list)


def evaluations_missing_for_user(user, role, today, due_days):
    """Placements that ended (within the lookback) and lack a submitted partner or faculty
    evaluation once it is due: one query with two EXISTS subqueries."""

    submitted = Evaluation.objects.filter(placement=OuterRef("pk"), state=Evaluation.State.SUBMITTED)
    due_before = today - datetime.timedelta(days=due_days)
    return (
        placements_for_user(user, role)
        .filter(
            state__in=(Placement.State.ACTIVE, Placement.State.COMPLETED),
            ends_on__lte=due_before,
            ends_on__gte=today - datetime.timedelta(days=EVALUATION_LOOKBACK_DAYS),
        )
        .annotate(
            has_partner=Exists(submitted.filter(kind=Evaluation.Kind.PARTNER)),
            has_faculty=Exists(submitted.filter(kind=Evaluation.Kind.FACULTY)),
        )
        .exclude(has_partner=True, has_faculty=True)
        .select_related("student", "partner", "theme")
        .order_by("ends_on", "id")
    )


def compliance_groups_for_user(
    user, role, today, *, monthly_due_day, evaluation_due_days, missing_days, placements=None
):
    """This month's daily reports, last month's monthly reports (late after the due day) and
    evaluations (late after the due days), per theme and per partner, and the placements that
    are behind: over every placement the person may see (or `placements`, a narrower queryset),
    read as light rows and counts (four queries whatever the number of rows), so the groups hold
    at 10,000 placements. `behind` holds light placements (ids and dates); a page loads its own."""
    month = month_start(today)
    last = month_end(month)
    visible = placements if placements is not None else placements_for_user(user, role)
    running = (
        visible.filter(state__in=REPORTING_STATES, starts_on__lte=last, ends_on__gte=month)
        .select_related(None)
        .only("id", "state", "starts_on", "ends_on", "schedule", "weekdays", "theme_id", "partner_id")
        .annotate(theme_label=F("theme__title"), partner_label=F("partner__name"))
        .order_by()
    )
    # Submitted daily reports of the month so far, counted per placement (not read one by one).
    reported = dict(
        DailyReport.objects.filter(
            placement__in=running.values("pk"),
            state=DailyReport.State.SUBMITTED,
            date__gte=month,
            date__lte=min(last, today),
        )
        .values("placement_id")
        .annotate(n=Count("pk"))
        .values_list("placement_id", "n")
    )
    last_month = add_months(month, -1)
    monthly_late_ids = set()
    if today.day >= monthly_due_day:
        done = MonthlyReport.objects.filter(
            placement__in=visible,
            month=last_month,
            state__in=(MonthlyReport.State.SUBMITTED, MonthlyReport.State.REVIEWED),
        ).values("placement_id")
        monthly_late_ids = set(
            visible.filter(state__in=REPORTING_STATES, starts_on__lte=month_end(last_month), ends_on__gte=last_month)
            .exclude(pk__in=done)
            .values_list("pk", flat=True)
        )
    late_evaluations = (
        evaluations_missing_for_user(user, role, today, evaluation_due_days)
        .filter(pk__in=visible.values("pk"))
        .select_related(None)
        .only("id", "state", "starts_on", "ends_on", "schedule", "weekdays", "theme_id", "partner_id")
        .annotate(theme_label=F("theme__title"), partner_label=F("partner__name"))
    )
    by_theme, by_partner, behind = {}, {}, {}

    def groups_of(placement):
        theme = by_theme.setdefault(placement.theme_id, ComplianceGroup(placement.theme_id, placement.theme_label))
        partner = by_partner.setdefault(
            placement.partner_id, ComplianceGroup(placement.partner_id, placement.partner_label)
        )
        return theme, partner

    for placement in running:
        due = len(working_days(placement, month, min(last, today)))
        missed = max(due - reported.get(placement.pk, 0), 0)
        late = placement.pk in monthly_late_ids
        for group in groups_of(placement):
            group.placements += 1
            group.due += due
            group.missed += missed
            group.monthly_late += late
        if missed >= max(missing_days, 1) or late:
            behind[placement.pk] = Behind(placement, missed=missed, monthly_late=late)
    for placement in late_evaluations:
        missing = [
            kind
            for kind, has in (
                (Evaluation.Kind.PARTNER, placement.has_partner),
                (Evaluation.Kind.FACULTY, placement.has_faculty),
            )
            if not has
        ]
        for group in groups_of(placement):
            group.evaluations_late += len(missing)
        entry = behind.setdefault(placement.pk, Behind(placement))
        entry.evaluations_missing = [Evaluation.Kind(kind).label for kind in missing]
    for entry in behind.values():
        for group in groups_of(entry.placement):
            group.behind += 1
    order = lambda g: (g.rate, g.label)  # noqa: E731
    return {
        "month": month,
        "themes": sorted(by_theme.values(), key=order),
        "partners": sorted(by_partner.values(), key=order),
        "behind": sorted(behind.values(), key=lambda b: (-b.missed, -len(b.evaluations_missing), b.placement.pk)),
    }


def behind_page_placements(entries):
    """The placements of a page of `Behind` entries, with what the page shows (one query)."""
    loaded = Placement.objects.filter(pk__in=[entry.placement.pk for entry in entries]).select_related(
        "student", "partner", "theme"
    )
    by_pk = {placement.pk: placement for placement in loaded}
    return [Behind(by_pk[e.placement.pk], e.missed, e.monthly_late, e.evaluations_missing) for e in entries]
