"""Dashboard panels of the placements app, per role (registered in apps.ready)."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.access import MANAGERS
from coop.clock import tenant_today
from coop.models import Role
from coop.registry import Waiting

from .models import Application, Theme
from .selectors.meetings import (
    dialogues_for_user,
    orientations_for_user,
    orientations_waiting_for,
    reflections_to_schedule,
    reflections_waiting_for_notes,
    upcoming_interviews_for_user,
    upcoming_reflections_for_user,
)
from .selectors.placements import placement_list_for_user, placement_state_counts
from .selectors.selection import application_list_for_user
from .selectors.themes import theme_list_for_user, theme_state_counts
from .selectors.visibility import placements_for_user
from .selectors.waiting import (
    accepted_waiting_counts,
    agreements_waiting_for_party,
    applications_to_review,
    count_and_first,
    draft_themes_to_confirm,
    offers_to_answer,
)


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


def _url(request, name, query="", **kwargs):
    return reverse(name, kwargs={"tenant_slug": request.tenant.slug, **kwargs}) + query


def _one_or_list(request, found, detail, listing, query=""):
    """(count, url): straight to the row when there is one, else to the list."""
    count, first = found
    if count == 1:
        return count, _url(request, detail, pk=first)
    return count, _url(request, listing, query)


def waiting(request):
    """What waits on the member in this app (coop.registry.Waiting), one query per kind."""
    user, role = request.user, request.membership.role
    items = []
    if role in MANAGERS:
        accepted = accepted_waiting_counts()
        bulk = _url(request, "placements:accepted_students")
        items += [
            Waiting(_("Accepted students waiting for their pledge"), accepted["pledge"], bulk),
            Waiting(_("Signed pledges waiting for a placement"), accepted["placement"], bulk),
        ]
        count, url = _one_or_list(
            request,
            count_and_first(agreements_waiting_for_party(user, role, "institution")),
            "placements:agreement_detail",
            "placements:agreement_list",
            "?state=issued",
        )
        items.append(Waiting(_("Agreements waiting for the institution's signature"), count, url))
        count, url = _one_or_list(
            request,
            count_and_first(draft_themes_to_confirm(user, role, "institution")),
            "placements:theme_detail",
            "placements:theme_list",
            "?state=draft",
        )
        items.append(Waiting(_("Themes the partner confirmed, waiting for yours"), count, url))
    elif role == Role.PARTNER:
        count, url = _one_or_list(
            request,
            count_and_first(agreements_waiting_for_party(user, role, "partner")),
            "placements:agreement_detail",
            "placements:agreement_list",
            "?state=issued",
        )
        items.append(Waiting(_("Agreements to sign"), count, url))
        count, url = _one_or_list(
            request,
            count_and_first(applications_to_review(user, role)),
            "placements:application_detail",
            "placements:application_list",
            "?state=submitted",
        )
        items.append(Waiting(_("Applicants to review"), count, url))
        count, url = _one_or_list(
            request,
            count_and_first(draft_themes_to_confirm(user, role, "partner")),
            "placements:theme_detail",
            "placements:theme_list",
            "?state=draft",
        )
        items.append(Waiting(_("Draft themes waiting for your confirmation"), count, url))
    elif role == Role.STUDENT:
        count, url = _one_or_list(
            request,
            count_and_first(offers_to_answer(user, role)),
            "placements:application_detail",
            "placements:application_list",
            "?state=selected",
        )
        items.append(Waiting(_("Offers to accept or decline"), count, url))
        count, url = _one_or_list(
            request,
            count_and_first(agreements_waiting_for_party(user, role, "student")),
            "placements:agreement_detail",
            "placements:agreement_list",
        )
        items.append(Waiting(_("Your student pledge to sign"), count, url))
    return items


def meetings_waiting(request):
    """Meetings that wait on the member (coop.registry.Waiting): the office's reflection
    dialogues due by the program's cadence; each side's start orientations to confirm and
    reflection notes to write. One query per kind."""
    user, role = request.user, request.membership.role
    side = "coordinator" if role in MANAGERS else {Role.PARTNER: "partner", Role.STUDENT: "student"}.get(role)
    if side is None:
        return []
    items = []
    visible = placements_for_user(user, role)
    if side == "coordinator":
        count, url = _one_or_list(
            request,
            count_and_first(reflections_to_schedule(visible, tenant_today(request.tenant))),
            "placements:reflection_schedule",
            "placements:placement_list",
            "?state=active",
        )
        items.append(Waiting(_("Reflection dialogues to schedule"), count, url))
    orientations = orientations_waiting_for(orientations_for_user(user, role), side)
    if side == "student":
        orientations = orientations.filter(placement__student=user)
    found = orientations.aggregate(n=Count("pk"), first=Min("placement_id"))
    count, url = _one_or_list(
        request,
        (found["n"], found["first"]),
        "placements:placement_detail",
        "placements:placement_list",
    )
    items.append(Waiting(_("Start orientations to confirm"), count, url))
    if side != "coordinator":
        count, url = _one_or_list(
            request,
            count_and_first(reflections_waiting_for_notes(dialogues_for_user(user, role), side, timezone.now())),
            "placements:reflection_detail",
            "placements:placement_list",
        )
        items.append(Waiting(_("Reflection notes to write"), count, url))
    return items


def meetings_panel(request):
    """Interviews and reflection dialogues ahead, for the people who take part."""
    user, role = request.user, request.membership.role
    if role == Role.FACULTY:
        return []
    now = timezone.now()
    interviews = list(upcoming_interviews_for_user(user, role, now)[:5])
    reflections = list(upcoming_reflections_for_user(user, role, now)[:5])
    if not interviews and not reflections:
        return []
    return [("placements/dashboard/meetings.html", {"interviews": interviews, "reflections": reflections})]
