"""Compliance at a glance for the office: who is behind on daily and monthly reports and on
evaluations, groups first (per partner or per theme, paged, searchable, with a server-side SVG
chart of the page), then a drill-down to the people behind in one group (paged). Never one page
with every placement."""

from functools import partial
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from coop import charts
from coop.access import MANAGERS, require_role
from coop.clock import tenant_today
from coop.lists import PER_PAGE, page_number, sequence_page, sort_columns
from coop.reminders import deadline_settings_for
from placements.models import Partner, Theme
from placements.selectors import lists
from placements.selectors.visibility import placements_for_user

from .. import selectors

GROUPINGS = {"partner": gettext_lazy("By partner"), "theme": gettext_lazy("By theme")}
GROUP_SORTS = {
    "name": pgettext_lazy("of a thing", "Name"),
    "placements": gettext_lazy("Placements"),
    "rate": gettext_lazy("Reported"),
    "behind": gettext_lazy("Behind"),
}
# The program and term filters of the placements lists apply here too.
FILTERS = (lists.program_filter("theme__program"), lists.term_filter("theme__term"))


def _rate_chart(chart_id, title, groups):
    return charts.rate_bars(chart_id=chart_id, title=title, rows=[(g.label, g.rate) for g in groups]) if groups else ""


def _id(request, name):
    value = request.GET.get(name, "")
    return value if value.isdigit() and len(value) < 19 else ""


@require_role(MANAGERS)
def compliance(request, tenant_slug):
    today = tenant_today(request.tenant)
    deadlines = deadline_settings_for(request.tenant)
    by = request.GET.get("by", "") if request.GET.get("by", "") in GROUPINGS else "partner"
    partner, theme = _id(request, "partner"), _id(request, "theme")
    behind_only = request.GET.get("behind") == "1" or bool(partner or theme)
    q = request.GET.get("q", "").strip()[:100]
    placements = placements_for_user(request.user, request.membership.role)
    filters = []
    for item in FILTERS:
        options = item.options(request)
        value = item.value(request, options)
        if value:
            placements = item.apply(placements, value)
        filters.append((item, options, value))
    if partner:
        placements = placements.filter(partner_id=partner)
    if theme:
        placements = placements.filter(theme_id=theme)
    query = {"by": by if by != "partner" else "", "q": q, **{f.name: v for f, _o, v in filters}}
    context = {
        "today": today,
        "by": by,
        "groupings": [
            (key, label, "?" + _query({**query, "by": key if key != "partner" else ""}))
            for key, label in GROUPINGS.items()
        ],
        "filters": filters,
        "q": q,
    }
    snapshot = partial(
        selectors.compliance_snapshot,
        request.user,
        request.membership.role,
        today,
        monthly_due_day=deadlines.monthly_report_due_day,
        evaluation_due_days=deadlines.evaluation_due_days,
        missing_days=deadlines.daily_report_missing_days,
        placements=placements,
        offset=(page_number(request) - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    if behind_only:
        summary, behind = snapshot(part="behind")
        group = lists.partner_name(partner) if partner else lists.theme_title(theme) if theme else ""
        query.update(partner=partner, theme=theme, behind="1" if not (partner or theme) else "")
        page = sequence_page(request, behind, query=query)
        page.rows = selectors.behind_page_placements(page.rows)
        context.update(
            drill=True,
            list=page,
            group=group or "—",
            back="?" + _query({**query, "partner": "", "theme": "", "behind": ""}),
        )
    else:
        model, field = (Partner, "name") if by == "partner" else (Theme, "title")
        sort = request.GET.get("sort", "")
        if sort.removeprefix("-") not in GROUP_SORTS:
            sort = "rate"

        matching = selectors.group_keys_matching(model, field, q) if q else None
        summary, groups = snapshot(part=f"{by}s", sort=sort, matching=matching, arranged_by=(q, sort))
        query["sort"] = sort if sort != "rate" else ""
        page = sequence_page(request, groups, query=query, columns=sort_columns(query, GROUP_SORTS, sort))
        title = (
            _("Share of working days reported, by partner")
            if by == "partner"
            else _("Share of working days reported, by theme")
        )
        context.update(drill=False, list=page, chart=_rate_chart(f"{by}-chart", title, page.rows))
    context.update(month=summary["month"], last_month=selectors.add_months(summary["month"], -1))
    context["behind_total"] = summary["behind_total"]
    return render(request, "reports/compliance.html#results" if _htmx(request) else "reports/compliance.html", context)


def _query(params):
    return urlencode({k: v for k, v in params.items() if v})


def _htmx(request):
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted
