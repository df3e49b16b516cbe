from django.db.models import Count

from coop.workflow import history_for

from ..models import Placement, PlacementUserObjectPermission
from .visibility import placements_for_user


def placement_list_rows(queryset):
    """A page of the placements list with what its rows show."""
    return queryset.select_related("student", "theme", "partner", "faculty_supervisor", "career_outcome")


def placement_list_for_user(user, role, *, state=""):
    qs = placements_for_user(user, role).select_related("student", "theme", "partner", "faculty_supervisor")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-starts_on", "-id")


def placement_state_counts(user, role):
    rows = placements_for_user(user, role).values("state").annotate(n=Count("id"))
    counts = {row["state"]: row["n"] for row in rows}
    return [(value, label, counts.get(value, 0)) for value, label in Placement.State.choices]


def placement_detail_context(placement):
    return {
        "supervisors": placement.supervisors.select_related("contact", "contact__user"),
        "grants": PlacementUserObjectPermission.objects.filter(content_object=placement).select_related("user"),
        "history": history_for(placement)[:50],
    }
