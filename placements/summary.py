"""The placements app's sections of a term summary (registered in apps.ready)."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from coop.charts import bar_chart
from coop.summary import Section

from .models import CareerOutcome, Placement, Theme
from .selectors.programs import plan_vs_actual


def themes_in(scope):
    qs = Theme.objects.filter(tenant=scope.tenant, program=scope.program)
    if scope.term is not None:
        return qs.filter(term=scope.term)
    return qs.filter(term__academic_year=scope.academic_year)


def placements_in(scope):
    qs = Placement.objects.filter(tenant=scope.tenant, theme__program=scope.program)
    if scope.term is not None:
        return qs.filter(theme__term=scope.term)
    year = scope.academic_year
    april, march = datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
    return qs.filter(Q(theme__term__academic_year=year) | Q(theme__term__isnull=True, starts_on__range=(april, march)))


def _by_state(qs, choices):
    counts = dict(qs.values_list("state").annotate(n=Count("id")))
    return [(label, counts.get(value, 0)) for value, label in choices]


def sections(scope):
    themes = themes_in(scope)
    placements = placements_in(scope)
    theme_rows = _by_state(themes, Theme.State.choices)
    placement_rows = _by_state(placements, Placement.State.choices)
    running = placements.exclude(state=Placement.State.TERMINATED)
    people = running.aggregate(students=Count("student", distinct=True), partners=Count("partner", distinct=True))
    partners_with_themes = themes.aggregate(n=Count("partner", distinct=True))["n"]
    year = scope.term.academic_year if scope.term is not None else scope.academic_year
    plan = next((row for row in plan_vs_actual(scope.program) if row["year"] == year), None) or {
        "planned_outbound": 0,
        "planned_inbound": 0,
        "actual_outbound": 0,
        "actual_inbound": 0,
    }
    ended = placements.filter(state__in=(Placement.State.COMPLETED, Placement.State.TERMINATED))
    outcomes = CareerOutcome.objects.filter(placement__in=ended).aggregate(
        recorded=Count("id"),
        offers=Count("id", filter=Q(offer_received=True)),
        hired_partner=Count("id", filter=Q(hired_by_partner=True)),
        hired_japan=Count("id", filter=Q(hired_in_japan=True)),
        stayed=Count("id", filter=Q(stayed_in_region=True)),
    )
    return [
        Section(
            "themes",
            _("Themes by state"),
            [_("State"), _("Themes")],
            [list(r) for r in theme_rows],
            chart=bar_chart(
                _("Themes by state"), [r[0] for r in theme_rows], [(_("Themes"), [r[1] for r in theme_rows])]
            ),
            numbers={"total": sum(n for _label, n in theme_rows)},
        ),
        Section(
            "placements",
            _("Placements by state"),
            [_("State"), _("Placements")],
            [list(r) for r in placement_rows],
            chart=bar_chart(
                _("Placements by state"),
                [r[0] for r in placement_rows],
                [(_("Placements"), [r[1] for r in placement_rows])],
            ),
            numbers={"total": sum(n for _label, n in placement_rows)},
        ),
        Section(
            "people",
            _("Students and partners"),
            [_("What"), _("Number")],
            [
                [_("Students placed (not counting terminated placements)"), people["students"]],
                [_("Partners hosting students"), people["partners"]],
                [_("Partners with themes"), partners_with_themes],
            ],
            numbers={**people, "partners_with_themes": partners_with_themes},
        ),
        _plan_section(scope, year, plan),
        Section(
            "outcomes",
            _("Career outcomes"),
            [_("Outcome"), _("Students")],
            [
                [_("Placements ended"), ended.count()],
                [_("Outcomes recorded"), outcomes["recorded"]],
                [_("Received a job offer from the partner"), outcomes["offers"]],
                [_("Hired by the partner"), outcomes["hired_partner"]],
                [_("Hired by a company in Japan"), outcomes["hired_japan"]],
                [_("Stayed in the region"), outcomes["stayed"]],
            ],
            numbers=outcomes,
        ),
    ]


def _plan_section(scope, year, plan):
    """Plan and actual of the year: sent and received for an exchange (seed 001), students
    placed for the other programs, which do not receive students."""
    if scope.program is not None and not scope.program.has_directions:
        return Section(
            "plan",
            _("Students placed: plan and actual (academic year %(year)s)") % {"year": year},
            [_("What"), _("Planned"), _("Actual")],
            [[_("Students placed"), plan["planned_outbound"], plan["actual_outbound"]]],
            chart=bar_chart(
                _("Plan and actual"),
                [_("Students placed")],
                [(_("Planned"), [plan["planned_outbound"]]), (_("Actual"), [plan["actual_outbound"]])],
            ),
            note=_("Actual numbers count the program's placements of the whole academic year."),
            numbers=plan,
        )
    return Section(
        "plan",
        _("Students sent and received: plan and actual (academic year %(year)s)") % {"year": year},
        [_("Direction"), _("Planned"), _("Actual")],
        [
            [_("Sent (outbound)"), plan["planned_outbound"], plan["actual_outbound"]],
            [_("Received (inbound)"), plan["planned_inbound"], plan["actual_inbound"]],
        ],
        chart=bar_chart(
            _("Plan and actual"),
            [_("Sent (outbound)"), _("Received (inbound)")],
            [
                (_("Planned"), [plan["planned_outbound"], plan["planned_inbound"]]),
                (_("Actual"), [plan["actual_outbound"], plan["actual_inbound"]]),
            ],
        ),
        note=_("Actual numbers count the program's placements of the whole academic year."),
        numbers=plan,
    )
