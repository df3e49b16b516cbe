from django.utils.translation import gettext as _

from coop.workflow import history_for

from ..models import Agreement, Application, Theme
from .agreements import current_version, signed_parties
from .visibility import applications_for_user


def application_list_for_user(user, role, *, state=""):
    qs = applications_for_user(user, role).select_related("student", "theme", "theme__partner")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at")


def pledge_for(application):
    """The application's current student pledge (実施誓約書), if the office has issued one."""
    return (
        Agreement.objects.filter(application=application, kind=Agreement.Kind.STUDENT_PLEDGE)
        .exclude(state=Agreement.State.TERMINATED)
        .order_by("-created_at")
        .first()
    )


def places_taken(theme):
    """How many applications of `theme` hold one of its places (selected, accepted, placed)."""
    return Application.objects.filter(theme=theme, state__in=Application.HOLDING_A_PLACE).count()


def selection_closed_reason(theme):
    """Why no one more can be selected for `theme` (a sentence), or "" while selection is open."""
    if theme.state == Theme.State.FILLED or places_taken(theme) >= theme.capacity:
        return _("All %(capacity)s places of this theme are taken.") % {"capacity": theme.capacity}
    if theme.state not in (Theme.State.OPEN, Theme.State.SELECTING):
        return _("Selection is closed for this theme.")
    return ""


def application_detail_context(application):
    pledge = pledge_for(application)
    return {
        "selection_closed": selection_closed_reason(application.theme),
        "interviews": application.interviews.select_related("interviewer").prefetch_related("participants__user"),
        "pledge": pledge,
        # Signed by the student, the pledge waits for the office: the student is not asked again.
        "student_signed_pledge": pledge is not None and "student" in signed_parties(current_version(pledge)),
        "history": history_for(application)[:50],
        "placement": getattr(application, "placement", None),
    }
