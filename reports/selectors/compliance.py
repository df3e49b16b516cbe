"""Compliance at a glance for the office, per theme and per partner, built on
core.compliance_for_user, and the geometry of its server-side SVG bar chart."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from coop.models import Role
from placements.models import Placement, PlacementSupervisor
from placements.selectors.visibility import placements_for_user

from ..models import Evaluation, MonthlyReport
from .core import REPORTING_STATES, add_months, compliance_for_user, month_end, month_start

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


def evaluations_to_write(user, role, today):
    """Placements that ended and wait for this person's evaluation: a partner supervisor's
    (the partner evaluation) or the faculty supervisor's (the faculty evaluation)."""
    missing = evaluations_missing_for_user(user, role, today, 0)
    if role == Role.PARTNER:
        supervised = PlacementSupervisor.objects.filter(contact__user=user).values("placement_id")
        return missing.filter(has_partner=False, pk__in=supervised)
    if role == Role.FACULTY:
        return missing.filter(has_faculty=False)
    return missing.none()


def compliance_groups_for_user(user, role, today, *, monthly_due_day, evaluation_due_days, missing_days, limit=300):
    """This month's daily reports, last month's monthly reports (late after the due day) and
    evaluations (late after the due days), per theme and per partner, and the placements that
    are behind. Five queries whatever the number of rows."""
    month = month_start(today)
    rows = compliance_for_user(user, role, month, today, limit=limit)
    last_month = add_months(month, -1)
    monthly_late_ids = set()
    if today.day >= monthly_due_day:
        done = MonthlyReport.objects.filter(
            placement__in=placements_for_user(user, role),
            month=last_month,
            state__in=(MonthlyReport.State.SUBMITTED, MonthlyReport.State.REVIEWED),
        ).values("placement_id")
        monthly_late_ids = set(
            placements_for_user(user, role)
            .filter(state__in=REPORTING_STATES, starts_on__lte=month_end(last_month), ends_on__gte=last_month)
            .exclude(pk__in=done)
            .values_list("pk", flat=True)
        )
    late_evaluations = list(evaluations_missing_for_user(user, role, today, evaluation_due_days)[:limit])
    by_theme, by_partner, behind = {}, {}, {}

    def groups_of(placement):
        theme = by_theme.setdefault(placement.theme_id, ComplianceGroup(placement.theme_id, placement.theme.title))
        partner = by_partner.setdefault(
            placement.partner_id, ComplianceGroup(placement.partner_id, placement.partner.name)
        )
        return theme, partner

    for row in rows:
        late = row.placement.pk in monthly_late_ids
        for group in groups_of(row.placement):
            group.placements += 1
            group.due += row.due
            group.missed += row.missed
            group.monthly_late += late
        if row.missed >= max(missing_days, 1) or late:
            behind[row.placement.pk] = Behind(row.placement, missed=row.missed, monthly_late=late)
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
    order = lambda g: (g.rate, g.label)  # noqa: E731
    return {
        "month": month,
        "themes": sorted(by_theme.values(), key=order),
        "partners": sorted(by_partner.values(), key=order),
        "behind": sorted(behind.values(), key=lambda b: (-b.missed, str(b.placement.student))),
    }
