"""Reads of the rubrics app: rubrics, windows, what a person has to rate, growth per student
and per cohort. Lists stay a fixed number of queries whatever their length."""

from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from coop import links
from coop.clock import tenant_today
from coop.models import Role
from placements.models import Placement
from placements.selectors.visibility import placements_for_user

from .models import Assessment, AssessmentScore, AssessmentWindow, Phase, Rater, RaterLink, Rubric

# Placements a window asks about: not the ones cut short.
ASSESSED_STATES = (
    Placement.State.PLANNED,
    Placement.State.ACTIVE,
    Placement.State.SUSPENDED,
    Placement.State.COMPLETED,
)
# The rater a person is, by their role in the tenant.
RATER_FOR_ROLE = {Role.STUDENT: Rater.SELF, Role.PARTNER: Rater.PARTNER, Role.FACULTY: Rater.FACULTY}
PHASE_ORDER = [Phase.PRE, Phase.MID, Phase.POST]
RATER_ORDER = [Rater.SELF, Rater.PARTNER, Rater.FACULTY]


# --- Rubrics and windows ------------------------------------------------------------------------


def rubrics_current(tenant):
    return (
        Rubric.objects.filter(tenant=tenant, is_current=True)
        .annotate(window_count=Count("windows", distinct=True))
        .order_by("name")
    )


def rubric_versions(rubric):
    return Rubric.objects.filter(tenant_id=rubric.tenant_id, code=rubric.code).order_by("-version")


def _window_q(window):
    if window.placement_id:
        return Q(pk=window.placement_id)
    q = Q(theme__program_id=window.program_id, state__in=ASSESSED_STATES)
    if window.term_id:
        q &= Q(theme__term_id=window.term_id)
    return q


def window_placements(window):
    return Placement.objects.filter(_window_q(window))


def window_list_rows(queryset):
    """A page of the assessment windows list with its rubric, scope and assessment count."""
    return queryset.select_related(
        "rubric", "program", "term__program", "placement__student", "placement__partner"
    ).annotate(assessment_count=Count("assessments"))


def windows_for_tenant(tenant):
    return (
        AssessmentWindow.objects.filter(tenant=tenant)
        .select_related("rubric", "program", "term__program", "placement__student", "placement__partner")
        .annotate(assessment_count=Count("assessments"))
        .order_by("-opens_on", "-id")
    )


def window_rows(window):
    """The window's placements, each with its assessments by rater and its rater links."""
    placements = list(
        window_placements(window)
        .select_related("student", "partner", "theme", "faculty_supervisor")
        .prefetch_related("supervisors__contact")
        .order_by("student__full_name", "pk")
    )
    done = {
        (a.placement_id, a.rater): a
        for a in Assessment.objects.filter(window=window, placement__in=[p.pk for p in placements])
    }
    links = defaultdict(list)
    for link in RaterLink.objects.filter(window=window).order_by("-created_at"):
        links[link.placement_id].append(link)
    rows = []
    for placement in placements:
        cells = [
            {"rater": rater, "label": Rater(rater).label, "assessment": done.get((placement.pk, rater))}
            for rater in window.raters
        ]
        contacts = [s.contact for s in placement.supervisors.all() if s.contact.email]
        partner_done = (placement.pk, Rater.PARTNER) in done
        rows.append(
            {
                "placement": placement,
                "cells": cells,
                "links": links[placement.pk],
                "contacts": [] if partner_done else contacts,
            }
        )
    return rows


def windows_open(tenant, today=None):
    today = today or tenant_today(tenant)
    return AssessmentWindow.objects.filter(tenant=tenant, opens_on__lte=today, closes_on__gte=today)


def assessments_to_do(user, role, tenant, today=None):
    """What this person is asked to rate in the open windows: [{window, placement, rater,
    assessment}], three queries whatever the number of windows and placements."""
    rater = RATER_FOR_ROLE.get(role)
    if rater is None:
        return []
    windows = [
        w for w in windows_open(tenant, today).select_related("rubric").order_by("closes_on", "pk") if rater in w.raters
    ]
    if not windows:
        return []
    placements = list(
        placements_for_user(user, role)
        .filter(reduce(or_, (_window_q(w) for w in windows)))
        .select_related("student", "partner", "theme")
        .order_by("student__full_name", "pk")
    )
    done = {
        (a.window_id, a.placement_id): a
        for a in Assessment.objects.filter(
            window__in=[w.pk for w in windows], placement__in=[p.pk for p in placements], rater=rater
        )
    }
    rows = []
    for window in windows:
        for placement in placements:
            if _in_window(window, placement):
                rows.append(
                    {
                        "window": window,
                        "placement": placement,
                        "rater": rater,
                        "assessment": done.get((window.pk, placement.pk)),
                    }
                )
    return rows


def _in_window(window, placement):
    """The same test as `_window_q`, on a placement loaded with its theme."""
    if window.placement_id:
        return placement.pk == window.placement_id
    if placement.state not in ASSESSED_STATES or placement.theme.program_id != window.program_id:
        return False
    return not window.term_id or placement.theme.term_id == window.term_id


def assessment_detail(window, placement, rater):
    return (
        Assessment.objects.filter(window=window, placement=placement, rater=rater)
        .prefetch_related("scores")
        .select_related("rated_by")
        .first()
    )


def link_for_staff(pk):
    return RaterLink.objects.select_related("window", "placement").filter(pk=pk).first()


# --- Growth -------------------------------------------------------------------------------------


def _mean(values):
    return round(sum(values) / len(values), 2) if values else None


def _latest_points(scores):
    """{(placement, phase, rater, criterion): points}, the latest assessment winning when a
    placement was assessed twice in the same phase (a program window and its own window)."""
    found = {}
    for row in scores.order_by("assessment__submitted_at", "assessment_id").values_list(
        "assessment__placement_id", "assessment__window__phase", "assessment__rater", "criterion", "points"
    ):
        found[row[:4]] = row[4]
    return found


def _rubric_heads(codes, tenant_id):
    """The current version of each rubric code: names, order of criteria and the scale."""
    heads = {}
    for rubric in Rubric.objects.filter(tenant_id=tenant_id, code__in=codes).order_by("code", "version"):
        heads[rubric.code] = rubric  # the last (highest) version wins
    return heads


def placement_growth(placement, *, raters=RATER_ORDER):
    """Per rubric used for this placement: per criterion, the points of each rater in each
    phase, the phases and raters that have data, and the change from the first to the last phase."""
    scores = AssessmentScore.objects.filter(assessment__placement=placement, assessment__rater__in=list(raters))
    codes = set(scores.values_list("assessment__rubric__code", flat=True).distinct())
    if not codes:
        return []
    heads = _rubric_heads(codes, placement.tenant_id)
    result = []
    for code in sorted(codes, key=lambda c: heads[c].name):
        rubric = heads[code]
        points = _latest_points(scores.filter(assessment__rubric__code=code))
        phases = [p for p in PHASE_ORDER if any(k[1] == p for k in points)]
        present = [r for r in RATER_ORDER if any(k[2] == r for k in points)]
        criteria = []
        for criterion in rubric.criteria:
            cells = {
                (phase, rater): points.get((placement.pk, phase, rater, criterion["key"]))
                for phase in phases
                for rater in present
            }
            changes = {}
            for rater in present:
                rated = [cells[(p, rater)] for p in phases if cells[(p, rater)] is not None]
                changes[rater] = rated[-1] - rated[0] if len(rated) > 1 else None
            criteria.append({"key": criterion["key"], "name": criterion["name"], "cells": cells, "changes": changes})
        result.append({"rubric": rubric, "phases": phases, "raters": present, "criteria": criteria})
    return result


def cohort_placements(user, role, *, program=None, term=None, theme=None):
    placements = placements_for_user(user, role)
    if program is not None:
        placements = placements.filter(theme__program=program)
    if term is not None:
        placements = placements.filter(theme__term=term)
    if theme is not None:
        placements = placements.filter(theme=theme)
    return placements


def cohort_growth(rubric, placements, *, rater=Rater.SELF, before=Phase.PRE, after=Phase.POST):
    """Per criterion of the rubric (by code, across its versions): the distribution of points
    before and after, their means, and the mean change over the students rated both times."""
    scores = AssessmentScore.objects.filter(
        assessment__rubric__code=rubric.code,
        assessment__rater=rater,
        assessment__window__phase__in=[before, after],
        assessment__placement__in=placements.values("pk"),
    )
    points = _latest_points(scores)
    levels = list(range(rubric.scale_min, rubric.scale_max + 1))
    rows = []
    for criterion in rubric.criteria:
        key = criterion["key"]
        pre = {p: v for (p, phase, _r, k), v in points.items() if k == key and phase == before}
        post = {p: v for (p, phase, _r, k), v in points.items() if k == key and phase == after}
        paired = [post[p] - pre[p] for p in pre if p in post]
        rows.append(
            {
                "key": key,
                "name": criterion["name"],
                "before": {"n": len(pre), "mean": _mean(list(pre.values())), "counts": _counts(pre.values(), levels)},
                "after": {"n": len(post), "mean": _mean(list(post.values())), "counts": _counts(post.values(), levels)},
                "pairs": len(paired),
                "change": _mean(paired),
            }
        )
    students = {p for (p, _phase, _r, _k) in points}
    return {"levels": levels, "criteria": rows, "students": len(students)}


def _counts(values, levels):
    counts = dict.fromkeys(levels, 0)
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return [counts[level] for level in levels]


def rubric_codes_in_use(tenant):
    return rubrics_current(tenant)


def rater_link_for_token(tenant, token):
    """The link of this tenant with this token, or None (unknown, tampered, another tenant's)."""
    return links.link_for_token(
        RaterLink.objects.filter(tenant=tenant).select_related(
            "window__rubric", "placement__student", "placement__partner", "placement__theme", "contact"
        ),
        token,
    )


def rubric_is_used(rubric):
    """A rubric is frozen once an assessment used it (a change then makes a new version)."""
    return Assessment.objects.filter(rubric=rubric).exists()
