"""Dashboard panel of the rubrics app (registered in apps.ready): for raters, the assessments
waiting for them in open windows; for the office, the open windows."""

from coop.access import MANAGERS
from coop.clock import tenant_today

from .selectors import assessments_to_do, windows_for_tenant

SHOWN = 5


def panels(request):
    user, role, tenant = request.user, request.membership.role, request.tenant
    if role in MANAGERS:
        today = tenant_today(tenant)
        windows = list(windows_for_tenant(tenant).filter(opens_on__lte=today, closes_on__gte=today)[:SHOWN])
        return [("rubrics/dashboard/windows.html", {"windows": windows})]
    waiting = [row for row in assessments_to_do(user, role, tenant) if row["assessment"] is None]
    if not waiting:
        return []
    return [("rubrics/dashboard/todo.html", {"rows": waiting[:SHOWN], "more": len(waiting) > SHOWN})]
