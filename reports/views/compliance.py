"""Compliance at a glance for the office: who is behind on daily and monthly reports and on
evaluations, per theme and per partner, with a server-side SVG chart (no script)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from coop import charts
from coop.access import MANAGERS, require_role
from coop.clock import tenant_today
from coop.reminders import deadline_settings_for

from .. import selectors


def _rate_chart(chart_id, title, groups):
    return charts.rate_bars(chart_id=chart_id, title=title, rows=[(g.label, g.rate) for g in groups]) if groups else ""


@require_role(MANAGERS)
def compliance(request, tenant_slug):
    today = tenant_today(request.tenant)
    deadlines = deadline_settings_for(request.tenant)
    data = selectors.compliance_groups_for_user(
        request.user,
        request.membership.role,
        today,
        monthly_due_day=deadlines.monthly_report_due_day,
        evaluation_due_days=deadlines.evaluation_due_days,
        missing_days=deadlines.daily_report_missing_days,
    )
    context = {
        **data,
        "today": today,
        "theme_chart": _rate_chart("theme-chart", _("Share of working days reported, by theme"), data["themes"]),
        "partner_chart": _rate_chart(
            "partner-chart", _("Share of working days reported, by partner"), data["partners"]
        ),
        "last_month": selectors.add_months(data["month"], -1),
    }
    return render(request, "reports/compliance.html", context)
