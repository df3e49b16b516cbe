"""Dashboard panels of the placements app, per role (registered in apps.ready)."""

from django.db.models import Count

from coop.access import MANAGERS
from coop.models import Role

from .models import Application, Theme
from .selectors.placements import placement_list_for_user, placement_state_counts
from .selectors.selection import application_list_for_user
from .selectors.themes import theme_list_for_user, theme_state_counts


def panels(request):
    user, role = request.user, request.membership.role
    if role in MANAGERS:
        waiting = Application.objects.filter(
            state__in=(Application.State.SUBMITTED, Application.State.SHORTLISTED)
        ).aggregate(n=Count("id"))["n"]
        return [
            (
                "placements/dashboard/states.html",
                {
                    "title_key": "themes",
                    "counts": theme_state_counts(user, role),
                    "url_name": "placements:theme_list",
                },
            ),
            (
                "placements/dashboard/states.html",
                {
                    "title_key": "placements",
                    "counts": placement_state_counts(user, role),
                    "url_name": "placements:placement_list",
                },
            ),
            ("placements/dashboard/applications.html", {"waiting": waiting}),
        ]
    if role == Role.PARTNER:
        return [
            ("placements/dashboard/partner_themes.html", {"themes": theme_list_for_user(user, role)[:10]}),
            ("placements/dashboard/placements.html", {"placements": placement_list_for_user(user, role)[:10]}),
        ]
    if role == Role.STUDENT:
        open_count = theme_list_for_user(user, role, state=Theme.State.OPEN).count()
        return [
            (
                "placements/dashboard/student_themes.html",
                {
                    "open_count": open_count,
                    "applications": application_list_for_user(user, role)[:10],
                },
            ),
            ("placements/dashboard/placements.html", {"placements": placement_list_for_user(user, role)[:10]}),
        ]
    if role == Role.FACULTY:
        return [("placements/dashboard/placements.html", {"placements": placement_list_for_user(user, role)[:10]})]
    return []
