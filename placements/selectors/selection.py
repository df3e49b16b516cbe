from coop.workflow import history_for

from .visibility import applications_for_user


def application_list_for_user(user, role, *, state=""):
    qs = applications_for_user(user, role).select_related("student", "theme", "theme__partner")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at")


def application_detail_context(application):
    from ..services.selection import pledge_for

    return {
        "interviews": application.interviews.select_related("interviewer"),
        "pledge": pledge_for(application),
        "history": history_for(application)[:50],
        "placement": getattr(application, "placement", None),
    }
