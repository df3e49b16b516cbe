"""Dashboard of the surveys app (registered in apps.ready): what waits on each person (the
surveys they still owe an answer in open rounds) and, for the office, the open rounds."""

from django.urls import reverse
from django.utils.translation import gettext as _

from coop.access import MANAGERS
from coop.registry import Waiting

from .selectors import responses_for_user, rounds_open_counted

SHOWN = 5


def _owed(request):
    """The unanswered responses of this person, read once per request (panel and waiting)."""
    if not hasattr(request, "_surveys_owed"):
        rows = responses_for_user(request.user, request.membership.role, request.tenant)
        request._surveys_owed = list(rows.filter(submitted_at__isnull=True))
    return request._surveys_owed


def panels(request):
    if request.membership.role in MANAGERS:
        rounds = list(rounds_open_counted(request.tenant)[:SHOWN])
        if not rounds:
            return []
        return [("surveys/dashboard/rounds.html", {"rounds": rounds})]
    owed = _owed(request)
    if not owed:
        return []
    return [("surveys/dashboard/todo.html", {"rows": owed[:SHOWN], "more": len(owed) > SHOWN})]


def waiting(request):
    owed = _owed(request)
    url = reverse("surveys:my_surveys", kwargs={"tenant_slug": request.tenant.slug})
    return [Waiting(_("Surveys to answer"), len(owed), url)]
