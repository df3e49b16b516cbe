from coop.workflow import history_for

from ..models import Agreement
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


def application_detail_context(application):
    pledge = pledge_for(application)
    return {
        "interviews": application.interviews.select_related("interviewer"),
        "pledge": pledge,
        # Signed by the student, the pledge waits for the office: the student is not asked again.
        "student_signed_pledge": pledge is not None and "student" in signed_parties(current_version(pledge)),
        "history": history_for(application)[:50],
        "placement": getattr(application, "placement", None),
    }
