"""Dashboard panels of the reports app, per role (registered in apps.ready): the student's
"Today's report" button and month so far; for partner supervisors and faculty, the monthly
reports waiting for their feedback or comment."""

from coop.clock import tenant_today
from coop.models import Role

from .selectors import monthly_reports_for_user, student_month_status

WAITING_SHOWN = 5


def panels(request):
    user, role = request.user, request.membership.role
    if role == Role.STUDENT:
        today = tenant_today(request.tenant)
        return [("reports/dashboard/student.html", {"rows": student_month_status(user, today), "today": today})]
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
