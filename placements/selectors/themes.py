from django.db.models import Count, Q

from coop.access import MANAGERS
from coop.models import Role
from coop.workflow import history_for

from ..models import Application, Theme
from .visibility import themes_for_user


def theme_list_rows(queryset):
    """A page of the themes list with what its rows show (counts for these rows only)."""
    return queryset.select_related("partner", "program", "term").annotate(
        applicant_count=Count("applications", distinct=True),
        selected_count=Count(
            "applications", filter=Q(applications__state__in=Application.HOLDING_A_PLACE), distinct=True
        ),
    )


def theme_list_for_user(user, role, *, state="", q=""):
    qs = (
        themes_for_user(user, role)
        .select_related("partner", "program", "term")
        .annotate(
            applicant_count=Count("applications", distinct=True),
            selected_count=Count(
                "applications", filter=Q(applications__state__in=Application.HOLDING_A_PLACE), distinct=True
            ),
        )
    )
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(partner__name__icontains=q) | Q(description__icontains=q))
    return qs.order_by("-created_at")


def theme_state_counts(user, role):
    rows = themes_for_user(user, role).values("state").annotate(n=Count("id"))
    counts = {row["state"]: row["n"] for row in rows}
    return [(value, label, counts.get(value, 0)) for value, label in Theme.State.choices]


def public_themes(tenant):
    return (
        Theme.objects.filter(tenant=tenant, is_public=True, state__in=(Theme.State.OPEN, Theme.State.SELECTING))
        .select_related("partner", "program")
        .order_by("-created_at")
    )


def theme_detail_context(theme, user, role):
    context = {
        "sessions": theme.course_sessions.all(),
        "assignments": theme.pre_assignments.all(),
        "history": history_for(theme)[:50] if role in MANAGERS or role == Role.PARTNER else [],
    }
    if role in MANAGERS or role == Role.PARTNER:
        context["applications"] = theme.applications.select_related("student").order_by("created_at")
        context["agreements"] = theme.agreements.order_by("-created_at")
    if role == Role.STUDENT:
        context["my_application"] = theme.applications.filter(student=user).first()
    context["holding"] = theme.applications.filter(state__in=Application.HOLDING_A_PLACE).count()
    return context


def theme_comments(theme):
    """The remarks of both sides on a theme, oldest first, with their authors."""
    return theme.comments.select_related("author").order_by("created_at", "id")
