"""Which rows a person may see, by role. Each returns a queryset (one query, subqueries
instead of Python lists of ids), relying on the request's active tenant scope.

- admin, staff: everything in the tenant;
- partner people: rows of the partners they are a contact of (PartnerContact.user);
- faculty: placements they supervise or were granted (django-guardian), and themes that are
  open to students;
- students: open themes, their own applications, placements, pledges and submissions.
"""

from django.db.models import Exists, OuterRef, Q

from coop.access import MANAGERS
from coop.models import Role

from ..models import (
    Agreement,
    AgreementVersion,
    Application,
    Partner,
    PartnerContact,
    Placement,
    PlacementUserObjectPermission,
    Submission,
    Theme,
)

# Themes a student can see and apply to, or is involved with.
STUDENT_VISIBLE_THEME_STATES = (Theme.State.OPEN, Theme.State.SELECTING)


def partner_ids_for_user(user):
    """The partners a partner person belongs to, as a subquery."""
    return PartnerContact.objects.filter(user=user).values("partner_id")


def granted_placement_ids(user):
    return PlacementUserObjectPermission.objects.filter(user=user).values("content_object_id")


def partners_for_user(user, role):
    if role in MANAGERS:
        return Partner.objects.all()
    if role == Role.PARTNER:
        return Partner.objects.filter(pk__in=partner_ids_for_user(user))
    return Partner.objects.none()


def themes_for_user(user, role):
    if role in MANAGERS:
        return Theme.objects.all()
    if role == Role.PARTNER:
        return Theme.objects.filter(partner_id__in=partner_ids_for_user(user))
    if role == Role.STUDENT:
        return Theme.objects.filter(
            Q(state__in=STUDENT_VISIBLE_THEME_STATES) | Q(applications__student=user) | Q(placements__student=user)
        ).distinct()
    if role == Role.FACULTY:
        return Theme.objects.filter(
            Q(state__in=STUDENT_VISIBLE_THEME_STATES) | Q(placements__in=placements_for_user(user, role))
        ).distinct()
    return Theme.objects.none()


def applications_for_user(user, role):
    if role in MANAGERS:
        return Application.objects.all()
    if role == Role.PARTNER:
        return Application.objects.filter(theme__partner_id__in=partner_ids_for_user(user))
    if role == Role.STUDENT:
        return Application.objects.filter(student=user)
    return Application.objects.none()


def placements_for_user(user, role):
    if role in MANAGERS:
        return Placement.objects.all()
    if role == Role.PARTNER:
        return Placement.objects.filter(partner_id__in=partner_ids_for_user(user))
    if role == Role.FACULTY:
        return Placement.objects.filter(Q(faculty_supervisor=user) | Q(pk__in=granted_placement_ids(user)))
    if role == Role.STUDENT:
        return Placement.objects.filter(student=user)
    return Placement.objects.none()


def agreements_for_user(user, role):
    if role in MANAGERS:
        return Agreement.objects.all()
    # A draft is the office's until it is issued, except an amendment's draft: the version
    # issued before it (in force, or superseded) stays the parties' to read.
    never_issued = Q(state=Agreement.State.DRAFT) & ~Exists(AgreementVersion.objects.filter(agreement=OuterRef("pk")))
    if role == Role.PARTNER:
        return Agreement.objects.filter(partner_id__in=partner_ids_for_user(user)).exclude(never_issued)
    if role == Role.STUDENT:
        return Agreement.objects.filter(kind=Agreement.Kind.STUDENT_PLEDGE, application__student=user).exclude(
            never_issued
        )
    return Agreement.objects.none()


def submissions_for_user(user, role):
    """Pre-assignment submissions: the office's, the partner people's of their themes (they
    read the answers to select students), and each student's own."""
    if role in MANAGERS:
        return Submission.objects.all()
    if role == Role.PARTNER:
        return Submission.objects.filter(assignment__theme__partner_id__in=partner_ids_for_user(user))
    if role == Role.STUDENT:
        return Submission.objects.filter(student=user)
    return Submission.objects.none()
