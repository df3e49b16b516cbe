"""Compliance at a glance for the office, per theme and per partner, built on
core.compliance_for_user, and the geometry of its server-side SVG bar chart."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django_scopes import get_scope

from coop.cache import KeptPages, cached_while_unchanged
from coop.models import Role
from placements.models import Placement, PlacementSupervisor
from placements.selectors.visibility import placements_for_user

from ..models import DailyReport, Evaluation, MonthlyReport
from .core import REPORTING_STATES, add_months, month_end, month_start, working_days
from .days_off import DaysOff

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


@dataclass(frozen=True)
class PlacementKey:
    """A placement as the compliance groups read it: its id and groups, not a model instance."""

    pk: int
    theme_id: int
    partner_id: int


LIGHT_FIELDS = ("pk", "theme_id", "partner_id")
SCHEDULE_FIELDS = ("state", "starts_on", "ends_on", "schedule", "weekdays")


def _due_counter(month, days_off):
    """Counts a placement's expected report days of the month up to a day (core.working_days,
    less the days off), memoized on what they depend on: 10,000 placements share a few dozen
    schedules. A placement with suspensions of its own is counted on its own."""
    cache = {}
    own_periods = days_off.placements_with_periods

    def due(pk, until, state, starts_on, ends_on, schedule, weekdays):
        own = pk if pk in own_periods else None
        key = (own, until, state, max(starts_on, month), min(ends_on, until), schedule, weekdays)
        if key not in cache:
            shape = Placement(
                pk=own, state=state, starts_on=starts_on, ends_on=ends_on, schedule=schedule, weekdays=weekdays
            )
            cache[key] = len(working_days(shape, month, until, days_off)) if until >= month else 0
        return cache[key]

    return due


def compliance_groups_for_user(
    user, role, today, *, monthly_due_day, evaluation_due_days, missing_days, placements=None
):
    """This month's daily reports, last month's monthly reports (late after the due day) and
    evaluations (late after the due days), per theme and per partner, and the placements that
    are behind: over every placement the person may see (or `placements`, a narrower queryset),
    read as value rows and counts (four queries whatever the number of rows), so the groups
    hold at 10,000 placements. Groups come without labels (`group_labels` names a page of
    them); `behind` holds PlacementKeys (`behind_page_placements` loads a page of them)."""
    month = month_start(today)
    last = month_end(month)
    until = min(last, today)
    visible = placements if placements is not None else placements_for_user(user, role)
    running = visible.filter(state__in=REPORTING_STATES, starts_on__lte=last, ends_on__gte=month).order_by()
    # Submitted daily reports of the month so far, counted per placement (not read one by one),
    # today's apart: today is due once reported, and not missing before the day is over.
    reported = {
        placement_id: (n, n_today)
        for placement_id, n, n_today in DailyReport.objects.filter(
            placement__in=running.values("pk"),
            state=DailyReport.State.SUBMITTED,
            date__gte=month,
            date__lte=until,
        )
        .values("placement_id")
        .annotate(n=Count("pk"), n_today=Count("pk", filter=Q(date=today)))
        .values_list("placement_id", "n", "n_today")
    }
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
        .values_list(*LIGHT_FIELDS, "has_partner", "has_faculty")
    )
    # Per group: [label, placements, due, missed, monthly late, evaluations late, behind], in
    # lists (not objects) while the rows stream: this loop runs once per placement.
    themes, partners, behind = {}, {}, {}
    tenant = get_scope().get("tenant")
    due_of = _due_counter(month, DaysOff.load(tenant.pk, month, until))
    yesterday = until - datetime.timedelta(days=1)
    threshold = max(missing_days, 1)
    for pk, theme_id, partner_id, *schedule in running.values_list(*LIGHT_FIELDS, *SCHEDULE_FIELDS).iterator(
        chunk_size=2000
    ):
        before_today = due_of(pk, yesterday, *schedule)
        n, n_today = reported.get(pk, (0, 0))
        works_today = until == today and due_of(pk, until, *schedule) > before_today
        due = before_today + (1 if works_today and n_today else 0)
        missed = before_today - (n - n_today)
        missed = missed if missed > 0 else 0
        late = pk in monthly_late_ids
        is_behind = missed >= threshold or late
        for groups, key in ((themes, theme_id), (partners, partner_id)):
            group = groups.get(key)
            if group is None:
                group = groups[key] = ["", 0, 0, 0, 0, 0, 0]
            group[1] += 1
            group[2] += due
            group[3] += missed
            group[4] += late
            group[6] += is_behind
        if is_behind:
            behind[pk] = Behind(PlacementKey(pk, theme_id, partner_id), missed, late)
    for *light, has_partner, has_faculty in late_evaluations:
        key = PlacementKey(*light)
        missing = [
            kind
            for kind, has in ((Evaluation.Kind.PARTNER, has_partner), (Evaluation.Kind.FACULTY, has_faculty))
            if not has
        ]
        new = key.pk not in behind
        for groups, group_key in ((themes, key.theme_id), (partners, key.partner_id)):
            group = groups.setdefault(group_key, ["", 0, 0, 0, 0, 0, 0])
            group[5] += len(missing)
            group[6] += new
        entry = behind.setdefault(key.pk, Behind(key))
        entry.evaluations_missing = [Evaluation.Kind(kind).label for kind in missing]

    def groups(found):
        made = [ComplianceGroup(key, *values) for key, values in found.items()]
        return sorted(made, key=lambda g: (g.rate, g.key))

    return {
        "month": month,
        "themes": groups(themes),
        "partners": groups(partners),
        "behind": sorted(behind.values(), key=lambda b: (-b.missed, -len(b.evaluations_missing), b.placement.pk)),
    }


def compliance_snapshot(user, role, today, *, part, placements, arrange=None, arranged_by=(), **settings):
    """`part` ("themes", "partners" or "behind") of compliance_groups_for_user, kept while the
    tenant's placement and report records are unchanged (coop.cache): at 10,000 placements the
    groups take a tenth of a second to count, and the page is read again for every sort, page
    and drill. Returns ({"month", "behind_total"}, the part's items as coop.cache.KeptPages,
    after `arrange(items)`, a filter and sort that `arranged_by` names in the cache key)."""
    tenant_id = get_scope()["tenant"].pk
    parts = (user.pk, role, today, part, sorted(settings.items()), placements.query.sql_with_params())

    def counted():
        data = compliance_groups_for_user(user, role, today, placements=placements, **settings)
        return {"month": data["month"], "behind_total": len(data["behind"]), part: data[part]}

    read = {}

    def whole():  # read (or counted) once a request, though the summary and a page may both miss
        if not read:
            read.update(cached_while_unchanged("records", tenant_id, ("compliance", *parts), counted))
        return read

    summary = cached_while_unchanged(
        "records", tenant_id, ("compliance-summary", *parts), lambda: {k: whole()[k] for k in ("month", "behind_total")}
    )
    items = KeptPages(
        "records",
        tenant_id,
        ("compliance-pages", *parts, *arranged_by),
        lambda: arrange(whole()[part]) if arrange else whole()[part],
    )
    return summary, items


def group_labels(groups, model, field):
    """Names the groups (themes by title, partners by name) in one query."""
    names = dict(model.objects.filter(pk__in=[g.key for g in groups]).values_list("pk", field))
    for group in groups:
        group.label = names.get(group.key, "")
    return groups


def group_keys_matching(model, field, q):
    """The groups whose name contains `q` (a subquery the trigram index answers)."""
    return set(model.objects.filter(**{f"{field}__icontains": q}).values_list("pk", flat=True))


def behind_page_placements(entries):
    """The placements of a page of `Behind` entries, with what the page shows (one query)."""
    loaded = Placement.objects.filter(pk__in=[entry.placement.pk for entry in entries]).select_related(
        "student", "partner", "theme"
    )
    by_pk = {placement.pk: placement for placement in loaded}
    return [Behind(by_pk[e.placement.pk], e.missed, e.monthly_late, e.evaluations_missing) for e in entries]
