"""Reads of the consortium app.

Shared figures, not shared people: `figures` is the only read of a consortium's members' rows
that crosses tenants for figures, inside the named bypass "consortium-aggregates" (coop.rls). Its
queries GROUP BY member tenant and return counts and averages only: no row, id or name of a
person leaves a tenant. Small cells are suppressed afterwards (`figures_table`). The library
reads the write-ups the members chose to share ("consortium-library"), nothing else of theirs.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from coop import rls
from coop.clock import tenant_today
from coop.registry import CONSORTIUM_FIGURE_PROVIDERS
from coop.selectors import memberships_for_user
from placements.models import Partner, Placement
from rubrics.models import Assessment, Phase, Rater

from .models import (
    AdoptedTemplate,
    Adoption,
    CommonProgramVersion,
    Consortium,
    ConsortiumCoordinator,
    ConsortiumMember,
    PartnerLink,
    PracticeCase,
    SharedPartner,
)

# --- The consortium and who stands where in it ---------------------------------------------------


def consortium_by_slug(slug):
    return Consortium.objects.filter(slug=slug).first()


def is_coordinator(user, consortium):
    return ConsortiumCoordinator.objects.filter(consortium=consortium, user=user).exists()


def member_ids(consortium):
    """A subquery: the ids of the consortium's member tenants."""
    return ConsortiumMember.objects.filter(consortium=consortium).values("member_id")


def members(consortium):
    return list(ConsortiumMember.objects.filter(consortium=consortium).select_related("member"))


def member_roles(user, consortium):
    """{tenant id: role} of the person's own active memberships in the consortium's member
    tenants (their own memberships only: the tenant picker's read)."""
    ids = set(member_ids(consortium).values_list("member_id", flat=True))
    return {m.tenant_id: m.role for m in memberships_for_user(user) if m.tenant_id in ids}


def consortiums_coordinated_by(user):
    return list(Consortium.objects.filter(coordinators__user=user).order_by("name"))


def consortiums_of_tenant(tenant):
    return list(
        ConsortiumMember.objects.filter(member=tenant).select_related("consortium").order_by("consortium__name")
    )


def latest_version(consortium):
    return CommonProgramVersion.objects.filter(consortium=consortium).order_by("-number").first()


def versions(consortium):
    return list(
        CommonProgramVersion.objects.filter(consortium=consortium).select_related("published_by").order_by("-number")
    )


# --- A member's own rows (inside its scope) ------------------------------------------------------


def adoptions_of_tenant(tenant):
    """{consortium id: Adoption} of the tenant, with the followed version and program."""
    return {
        a.consortium_id: a
        for a in Adoption.objects.filter(tenant=tenant).select_related("version", "program", "rubric")
    }


def adopted_templates(adoption):
    return list(AdoptedTemplate.objects.filter(tenant_id=adoption.tenant_id, adoption=adoption).order_by("kind"))


def practices_of_tenant(tenant):
    return PracticeCase.objects.filter(tenant=tenant)


def partner_links_of_tenant(tenant):
    return list(
        PartnerLink.objects.filter(tenant=tenant)
        .select_related("partner", "shared_partner__consortium")
        .order_by("shared_partner__name", "partner__name")
    )


def partners_to_link(tenant):
    return Partner.objects.filter(tenant=tenant, is_active=True).order_by("name")


def shared_partners(consortium):
    return SharedPartner.objects.filter(consortium=consortium).order_by("name")


# --- The good-practice library (what members chose to share) --------------------------------------


def library(consortium):
    """The shared write-ups of the consortium's current members, newest first, with the author
    institution's name (never the author's)."""
    with scopes_disabled(), rls.bypass("consortium-library"):
        return list(
            PracticeCase.objects.filter(
                consortium=consortium, state=PracticeCase.State.SHARED, tenant_id__in=member_ids(consortium)
            )
            .select_related("tenant")
            .defer("created_by")
            .order_by("-shared_at", "-id")
        )


def library_case(consortium, pk):
    """One shared write-up of a current member, or None (not shared, withdrawn, unknown)."""
    with scopes_disabled(), rls.bypass("consortium-library"):
        return (
            PracticeCase.objects.filter(
                pk=pk, consortium=consortium, state=PracticeCase.State.SHARED, tenant_id__in=member_ids(consortium)
            )
            .select_related("tenant")
            .first()
        )


# --- Shared figures ---------------------------------------------------------------------------------

# What figures_by_member returns for each member: counts of people or rows, averages and the
# number of people behind them. Nothing else (tests/consortium/test_figures.py holds it to this).
COUNT_KEYS = (
    "students",
    "placements",
    "partners",
    "offer_received",
    "hired_in_japan",
    "hired_by_partner",
    "stayed_in_region",
)
FIGURE_LABELS = {
    "students": _("Students"),
    "placements": _("Placements"),
    "partners": _("Partners"),
    "offer_received": _("Job offers"),
    "hired_in_japan": _("Hired in Japan"),
    "hired_by_partner": _("Hired by the partner"),
    "stayed_in_region": _("Stayed in the region"),
    "rubric_change": _("Rubric change (pre → post)"),
}
AGGREGATE_KEYS = frozenset({"tenant_id", "version", *COUNT_KEYS, "rubric_pre", "rubric_post", "rubric_n"})
OUTCOMES = ("offer_received", "hired_in_japan", "hired_by_partner", "stayed_in_region")


def academic_year_of(day):
    """Japanese academic years start on 1 April."""
    return day.year if day.month >= 4 else day.year - 1


def academic_year_bounds(year):
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def current_academic_year():
    return academic_year_of(tenant_today())


def _adopted_programs(consortium):
    return Adoption.objects.filter(consortium=consortium, tenant_id__in=member_ids(consortium)).values("program_id")


def figures_by_member(consortium, *, year):
    """{tenant id: {aggregate key: number}} for the placements of the adopted common program
    starting in the academic year, and the list of figures other apps contribute.

    Three GROUP BY queries plus one per contributing app, whatever the number of members."""
    starts_on, ends_on = academic_year_bounds(year)
    with scopes_disabled(), rls.bypass("consortium-aggregates"):
        programs = _adopted_programs(consortium)
        placements = (
            Placement.objects.filter(
                tenant_id__in=member_ids(consortium),
                theme__program_id__in=programs,
                starts_on__gte=starts_on,
                starts_on__lte=ends_on,
            )
            .order_by()
            .values("tenant_id")
            .annotate(
                students=Count("student_id", distinct=True),
                placements=Count("id"),
                partners=Count("partner_id", distinct=True),
                **{
                    key: Count("student_id", distinct=True, filter=Q(**{f"career_outcome__{key}": True}))
                    for key in OUTCOMES
                },
            )
        )
        result = {row["tenant_id"]: dict(row) for row in placements}
        # The self-assessment on the adopted rubric (any of its versions: they share a code).
        same_rubric = Adoption.objects.filter(
            consortium=consortium, tenant_id=OuterRef("tenant_id"), rubric__code=OuterRef("rubric__code")
        )
        rubric_rows = (
            Assessment.objects.filter(
                Exists(same_rubric),
                tenant_id__in=member_ids(consortium),
                rater=Rater.SELF,
                window__phase__in=[Phase.PRE, Phase.POST],
                placement__theme__program_id__in=programs,
                placement__starts_on__gte=starts_on,
                placement__starts_on__lte=ends_on,
                score__isnull=False,
            )
            .order_by()
            .values("tenant_id", "window__phase")
            .annotate(mean=Avg("score"), n=Count("placement__student_id", distinct=True), rated=Count("id"))
        )
        for row in rubric_rows:
            cell = result.setdefault(row["tenant_id"], {"tenant_id": row["tenant_id"]})
            cell[f"rubric_{row['window__phase']}"] = (float(row["mean"]), row["rated"])
            cell["rubric_n"] = min(cell.get("rubric_n", row["n"]), row["n"])
        for row in (
            Adoption.objects.filter(consortium=consortium, tenant_id__in=member_ids(consortium))
            .order_by()
            .values("tenant_id")
            .annotate(version=Max("version__number"))
        ):
            result.setdefault(row["tenant_id"], {"tenant_id": row["tenant_id"]})["version"] = row["version"]
        contributed = [
            figure
            for provider in CONSORTIUM_FIGURE_PROVIDERS
            for figure in provider(program_ids=programs, starts_on=starts_on, ends_on=ends_on)
        ]
    return result, contributed


@dataclass
class FigureCell:
    value: object = None  # a number, or None when suppressed
    suppressed: bool = False
    average: bool = False

    @property
    def text(self):
        if self.suppressed:
            return _("fewer than %(n)s") % {"n": settings.CONSORTIUM_MIN_COUNT}
        if self.value is None:
            return "–"
        if self.average:
            return f"{self.value:+.2f}"
        return str(self.value)


@dataclass
class FigureRow:
    label: str
    tenant_id: int = None
    version: int = None
    cells: list = field(default_factory=list)


# Counts of people (or of placements, one per person mostly) are suppressed under the minimum;
# the number of partner organizations names no person and is shown as it is.
UNSUPPRESSED_KEYS = frozenset({"partners"})


def _count_cell(value, minimum):
    value = value or 0
    return FigureCell(value=None, suppressed=True) if value < minimum else FigureCell(value=value)


def _rubric_change(pre, post):
    """(change of the mean, assessments behind it) from [(mean, rated)] pre and post lists."""

    def weighted(pairs):
        rated = sum(n for _m, n in pairs)
        return (sum(m * n for m, n in pairs) / rated) if rated else None

    before, after = weighted(pre), weighted(post)
    return None if before is None or after is None else after - before


def figures_table(consortium, *, year, rows_for):
    """The aggregate page's table: a header, one row per member in `rows_for` (tenant ids the
    viewer may see by name; None: all) and the consortium's total, every cell under the minimum
    count suppressed. A total is suppressed too where it minus what the viewer sees would tell
    a count under the minimum: a member's staff see their own row beside the total, so the rest
    of the consortium must count at least the minimum; a coordinator sees every row, so the
    suppressed cells of a column must add up to at least the minimum (or to nothing)."""
    minimum = settings.CONSORTIUM_MIN_COUNT
    by_member, contributed = figures_by_member(consortium, year=year)
    member_rows = members(consortium)
    keys = [*COUNT_KEYS, "rubric_change"]
    header = [FIGURE_LABELS[key] for key in keys] + [figure.label for figure in contributed]

    def cells_of(ids):
        cells = []
        for key in COUNT_KEYS:
            value = sum(by_member.get(t, {}).get(key, 0) for t in ids)
            cells.append(FigureCell(value=value) if key in UNSUPPRESSED_KEYS else _count_cell(value, minimum))
        people = sum(by_member.get(t, {}).get("rubric_n", 0) for t in ids)
        change = _rubric_change(
            [by_member[t]["rubric_pre"] for t in ids if "rubric_pre" in by_member.get(t, {})],
            [by_member[t]["rubric_post"] for t in ids if "rubric_post" in by_member.get(t, {})],
        )
        cells.append(
            FigureCell(value=None, suppressed=True, average=True)
            if change is not None and people < minimum
            else FigureCell(value=change, average=True)
        )
        for figure in contributed:
            values = [figure.by_tenant[t] for t in ids if t in figure.by_tenant]
            n = sum(count for _value, count in values)
            if not values:  # nothing of the kind among these members (no survey asked): not a count of 0
                cells.append(FigureCell(value=None))
            elif figure.kind == "count":
                cells.append(_count_cell(sum(value for value, _n in values), minimum))
            elif n < minimum:
                cells.append(FigureCell(value=None, suppressed=bool(values)))
            else:
                cells.append(FigureCell(value=round(sum(v * c for v, c in values) / n, 2)))
        return cells

    all_ids = [m.member_id for m in member_rows]
    if rows_for is None:  # every member's row (the consortium's coordinators)
        rows_for = frozenset(all_ids)
    rows = [
        FigureRow(
            label=m.member.name,
            tenant_id=m.member_id,
            version=by_member.get(m.member_id, {}).get("version"),
            cells=cells_of([m.member_id]),
        )
        for m in member_rows
        if m.member_id in rows_for
    ]
    total = FigureRow(label=str(_("Consortium total")), cells=cells_of(all_ids))

    def raw(ids, index):
        """The count behind column `index` over `ids` (None for an average or an unsuppressed count)."""
        if index < len(COUNT_KEYS):
            key = COUNT_KEYS[index]
            return None if key in UNSUPPRESSED_KEYS else sum(by_member.get(t, {}).get(key, 0) for t in ids)
        index -= len(COUNT_KEYS) + 1
        if index >= 0 and contributed[index].kind == "count":
            return sum(contributed[index].by_tenant.get(t, (0, 0))[0] for t in ids)
        return None

    # The total minus what the viewer sees must not tell a small count either: the rows not
    # shown (another member's, for a member) and the suppressed cells of the rows shown.
    hidden = [t for t in all_ids if t not in rows_for]
    rest = cells_of(hidden) if hidden else []
    for index, cell in enumerate(total.cells):
        if cell.suppressed or (index < len(COUNT_KEYS) and COUNT_KEYS[index] in UNSUPPRESSED_KEYS):
            continue
        others = raw(hidden, index)
        if others is None:  # an average: suppressed with the rest's, when the rest is too few
            tells = bool(rest) and rest[index].suppressed
        else:
            unseen = sum(raw([row.tenant_id], index) for row in rows if row.cells[index].suppressed)
            tells = 0 < others < minimum or 0 < others + unseen < minimum
        if tells:
            total.cells[index] = FigureCell(value=None, suppressed=True, average=cell.average)
    return {"header": header, "rows": rows, "total": total, "year": year, "minimum": minimum}


def shared_partner_figures(consortium, *, own=None):
    """Per shared partner: how many members link a partner of theirs to it and how many
    placements those partners have in all (counts grouped in SQL by shared partner and member).
    `own`: the member tenants the viewer belongs to (None for a coordinator); their total is
    suppressed too where it minus their own would tell the other members' small count."""
    with scopes_disabled(), rls.bypass("consortium-aggregates"):
        rows = list(
            PartnerLink.objects.filter(shared_partner__consortium=consortium, tenant_id__in=member_ids(consortium))
            .order_by()
            .values("shared_partner_id", "tenant_id")
            .annotate(placements=Count("partner__placements", distinct=True))
        )
    minimum = settings.CONSORTIUM_MIN_COUNT
    per_partner = {}
    for row in rows:
        per_partner.setdefault(row["shared_partner_id"], {})[row["tenant_id"]] = row["placements"]
    result = []
    for shared in shared_partners(consortium):
        counts = per_partner.get(shared.pk, {})
        total = sum(counts.values())
        others = sum(n for tenant_id, n in counts.items() if own is None or tenant_id not in own)
        cell = _count_cell(total, minimum)
        if own is not None and 0 < others < minimum:
            cell = FigureCell(value=None, suppressed=True)
        result.append({"partner": shared, "members": len(counts), "placements": cell})
    return result
