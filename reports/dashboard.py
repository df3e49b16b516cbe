"""Dashboard panels of the reports app, per role (registered in apps.ready): the student's
"Today's report" button and month so far; for partner supervisors and faculty, the monthly
reports waiting for their feedback or comment. And what waits on each member (`waiting`)."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.access import MANAGERS
from coop.clock import tenant_today
from coop.models import Role
from coop.registry import Waiting
from coop.reminders import deadline_settings_for

from .models import DailyReport
from .selectors import (
    ComplianceCounts,
    access_links_unopened,
    evaluations_to_write,
    monthly_reports_for_user,
    results_to_agree,
    student_month_status,
)

WAITING_SHOWN = 5


def _student_rows(request, today):
    """The student's running placements this month, read once per request (panel and waiting)."""
    if not hasattr(request, "_reports_student_rows"):
        request._reports_student_rows = student_month_status(request.user, today)
    return request._reports_student_rows


def panels(request):
    user, role = request.user, request.membership.role
    if role == Role.STUDENT:
        today = tenant_today(request.tenant)
        return [("reports/dashboard/student.html", {"rows": _student_rows(request, today), "today": today})]
    if role in (Role.PARTNER, Role.FACULTY):
        waiting = list(monthly_reports_for_user(user, role, waiting=True)[: WAITING_SHOWN + 1])
        return [
            (
                "reports/dashboard/waiting.html",
                {
                    "reports": waiting[:WAITING_SHOWN],
                    "more": len(waiting) > WAITING_SHOWN,
                    "asks_feedback": role == Role.PARTNER,
                },
            )
        ]
    return []


def _url(request, name, query=""):
    return reverse(name, kwargs={"tenant_slug": request.tenant.slug}) + query


def _one(request, label, placements, detail_name, *, field="pk"):
    """A Waiting about placements (`field` names their id): one query; the link goes to the
    placement's page `detail_name` when there is one, else to the placements list."""
    found = placements.order_by().aggregate(n=Count(field), first=Min(field))
    if found["n"] == 1:
        url = reverse(detail_name, kwargs={"tenant_slug": request.tenant.slug, "pk": found["first"]})
    else:
        url = _url(request, "placements:placement_list")
    return Waiting(label, found["n"], url)


def waiting(request):
    """What waits on the member in this app (coop.registry.Waiting)."""
    user, role, tenant = request.user, request.membership.role, request.tenant
    today = tenant_today(tenant)
    items = []
    if role in MANAGERS:
        deadlines = deadline_settings_for(tenant)
        behind = ComplianceCounts(
            user,
            role,
            today,
            monthly_due_day=deadlines.monthly_report_due_day,
            evaluation_due_days=deadlines.evaluation_due_days,
            missing_days=deadlines.daily_report_missing_days,
        ).behind_count()
        items += [
            Waiting(
                _("Emailed links not opened yet"),
                access_links_unopened(tenant, timezone.now()).count(),
                _url(request, "reports:link_list", "?unopened=1"),
            ),
            Waiting(_("Placements behind with reports"), behind, _url(request, "reports:compliance", "?behind=1")),
        ]
    elif role == Role.STUDENT:
        rows = _student_rows(request, today)
        todo = [
            row
            for row in rows
            if row["can_report_today"]
            and row["today_due"]
            and (row["today_report"] is None or row["today_report"].state != DailyReport.State.SUBMITTED)
        ]
        items.append(Waiting(_("Today's report to write"), len(todo), _url(request, "reports:today")))
    elif role in (Role.PARTNER, Role.FACULTY):
        asked = (
            _("Monthly reports waiting for your feedback")
            if role == Role.PARTNER
            else _("Monthly reports waiting for your comment")
        )
        items.append(
            Waiting(
                asked,
                monthly_reports_for_user(user, role, waiting=True).count(),
                _url(request, "reports:monthly_list", "?waiting=1"),
            )
        )
        items.append(
            _one(request, _("Evaluations to write"), evaluations_to_write(user, role, today), "reports:evaluations")
        )
        items.append(
            _one(
                request,
                _("Final results waiting for your agreement"),
                results_to_agree(user, role),
                "reports:evaluations",
                field="placement_id",
            )
        )
    return items
