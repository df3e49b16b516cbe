"""Access helpers, one per object type: the object if this request may see it, else 404.

A 404 (never 403) for an object the person may not see: it does not confirm that it exists.
"""

from django.shortcuts import get_object_or_404

from coop.access import MANAGERS, has_role

from .selectors import visibility


def _role(request):
    return request.membership.role


def can_manage(request):
    return has_role(request, MANAGERS)


def get_partner_for_user(request, pk):
    return get_object_or_404(visibility.partners_for_user(request.user, _role(request)), pk=pk)


def get_theme_for_user(request, pk):
    return get_object_or_404(
        visibility.themes_for_user(request.user, _role(request)).select_related("partner", "program", "term"), pk=pk
    )


def get_application_for_user(request, pk):
    return get_object_or_404(
        visibility.applications_for_user(request.user, _role(request)).select_related("theme", "student"), pk=pk
    )


def get_placement_for_user(request, pk):
    return get_object_or_404(
        visibility.placements_for_user(request.user, _role(request)).select_related(
            "student", "theme", "partner", "faculty_supervisor"
        ),
        pk=pk,
    )


def get_agreement_for_user(request, pk):
    return get_object_or_404(
        visibility.agreements_for_user(request.user, _role(request)).select_related("partner", "theme"), pk=pk
    )
