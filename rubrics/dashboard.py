"""Dashboard panel of the rubrics app (registered in apps.ready): for raters, the assessments
waiting for them in open windows; for the office, the open windows. And what waits on each
rater (`waiting`): the assessments open to them."""

from django.urls import reverse
from django.utils.translation import gettext as _

from coop.access import MANAGERS
from coop.clock import tenant_today
from coop.registry import Waiting

from .selectors import assessments_to_do, windows_for_tenant

SHOWN = 5


def _to_do(request):
    """The assessments still to fill, read once per request (panel and waiting)."""
    if not hasattr(request, "_rubrics_to_do"):
        rows = assessments_to_do(request.user, request.membership.role, request.tenant)
        request._rubrics_to_do = [row for row in rows if row["assessment"] is None]
    return request._rubrics_to_do


def panels(request):
    role, tenant = request.membership.role, request.tenant
    if role in MANAGERS:
        today = tenant_today(tenant)
        windows = list(windows_for_tenant(tenant).filter(opens_on__lte=today, closes_on__gte=today)[:SHOWN])
        return [("rubrics/dashboard/windows.html", {"windows": windows})]
    waiting = _to_do(request)
    if not waiting:
        return []
    return [("rubrics/dashboard/todo.html", {"rows": waiting[:SHOWN], "more": len(waiting) > SHOWN})]


def waiting(request):
    if request.membership.role in MANAGERS:
        return []
    url = reverse("rubrics:my_assessments", kwargs={"tenant_slug": request.tenant.slug})
    return [Waiting(_("Assessments open for you"), len(_to_do(request)), url)]
