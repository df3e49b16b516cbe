"""Who may do what in the placements app: the object getters (the object if this request may
see it, else 404: never 403, which would confirm that it exists) and the rules of who signs.
What each role sees in lists is in selectors/visibility.py; a page's roles are on its view.
"""

from django.shortcuts import get_object_or_404

from coop.access import MANAGERS, has_role
from coop.models import Membership, Role

from .models import Agreement, PartnerContact
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
        visibility.applications_for_user(request.user, _role(request)).select_related("theme", "student", "entry"),
        pk=pk,
    )


def get_placement_for_user(request, pk):
    return get_object_or_404(
        visibility.placements_for_user(request.user, _role(request)).select_related(
            "student", "theme__program", "partner", "faculty_supervisor"
        ),
        pk=pk,
    )


def get_agreement_for_user(request, pk):
    return get_object_or_404(
        visibility.agreements_for_user(request.user, _role(request)).select_related("partner", "theme"), pk=pk
    )


def get_submission_for_user(request, pk):
    return get_object_or_404(visibility.submissions_for_user(request.user, _role(request)), pk=pk)


def public_theme_next_step(request, theme):
    """What the public page of `theme` offers its reader, so that no link leads to a 404: a
    visitor signs in (and comes back here); a student applies from the theme's page while it is
    open; others are told that only students apply, with a link when they may open the theme."""
    if not request.user.is_authenticated:
        return {"sign_in": True}
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"not_member": True}
    role = membership.role
    return {
        "is_student": role == Role.STUDENT,
        "may_apply": role == Role.STUDENT and theme.state == theme.State.OPEN,
        "opens": visibility.themes_for_user(request.user, role).filter(pk=theme.pk).exists(),
    }


def may_sign_as(agreement, party, user):
    """Whether `user` is the person who signs for `party` of `agreement` in the portal.

    institution: a staff member or administrator of the tenant; partner: a partner person
    (PartnerContact.user) of the agreement's partner with an active partner membership;
    student: the student of the agreement's application.
    """
    if user is None or not user.is_authenticated or party not in agreement.parties:
        return False
    memberships = Membership.objects.filter(tenant_id=agreement.tenant_id, user=user, is_active=True)
    if party == "institution":
        return memberships.filter(role__in=MANAGERS).exists()
    if party == "partner":
        return (
            memberships.filter(role=Role.PARTNER).exists()
            and PartnerContact.objects.filter(partner_id=agreement.partner_id, user=user).exists()
        )
    if party == "student":
        return (
            agreement.application_id is not None
            and agreement.application.student_id == user.pk
            and memberships.filter(role=Role.STUDENT).exists()
        )
    return False


def signable_parties_for_user(agreement, version, user):
    """Parties of the current version that `user` may still sign for, in the agreement's order."""
    if agreement.state != Agreement.State.ISSUED or version is None:
        return []
    done = {s.party for s in version.signatures.all()}
    return [party for party in agreement.parties if party not in done and may_sign_as(agreement, party, user)]


def theme_side(theme, user):
    """For which side `user` confirms `theme`: "institution" (staff, administrators),
    "partner" (a partner person of the theme's partner) or None."""
    if user is None or not user.is_authenticated:
        return None
    roles = set(
        Membership.objects.filter(tenant_id=theme.tenant_id, user=user, is_active=True).values_list("role", flat=True)
    )
    if roles & MANAGERS:
        return "institution"
    if Role.PARTNER in roles and PartnerContact.objects.filter(partner_id=theme.partner_id, user=user).exists():
        return "partner"
    return None


def placement_side(placement, user):
    """For which side `user` takes part in the meetings of `placement` (the start orientation,
    reflection dialogues): "coordinator" (staff, administrators), "partner" (a partner person
    of the placement's partner), "student" (the placement's student) or None (faculty, others)."""
    if user is None or not user.is_authenticated:
        return None
    roles = set(
        Membership.objects.filter(tenant_id=placement.tenant_id, user=user, is_active=True).values_list(
            "role", flat=True
        )
    )
    if roles & MANAGERS:
        return "coordinator"
    if Role.PARTNER in roles and PartnerContact.objects.filter(partner_id=placement.partner_id, user=user).exists():
        return "partner"
    if Role.STUDENT in roles and placement.student_id == user.pk:
        return "student"
    return None
