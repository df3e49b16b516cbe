"""Who may do what in the reports app: every rule of the kind "may this person write, comment,
unlock, rate or decide", and the object getters that turn "may not see" into a 404. Views,
services and templates ask here; the pages' roles themselves are on the views (@require_role).
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from coop.access import MANAGERS
from coop.models import Role
from placements.access import get_placement_for_user
from placements.models import PlacementSupervisor, PlacementUserObjectPermission

from .models import Evaluation, FinalReportFile
from .selectors import can_report_on, is_locked


def student_may_edit(user, placement, day, report, settings, today=None):
    return (
        placement.student_id == user.pk
        and can_report_on(placement, day, today)
        and not is_locked(day, report, settings, today)
    )


def may_unlock(user, role, placement):
    """The faculty supervisor (or a granted faculty reviewer) and the office may unlock reports."""
    return role in MANAGERS or role == Role.FACULTY


def is_partner_supervisor(user, placement):
    return PlacementSupervisor.objects.filter(placement=placement, contact__user=user).exists()


def may_write_feedback(user, role, placement):
    return role == Role.PARTNER and is_partner_supervisor(user, placement)


def may_comment(user, role, placement):
    return role == Role.FACULTY


def is_placement_faculty(user, placement):
    """The faculty supervisor of the placement, or a faculty member granted access to it."""
    if user is None or not user.is_authenticated:
        return False
    if placement.faculty_supervisor_id == user.pk:
        return True
    return PlacementUserObjectPermission.objects.filter(user=user, content_object=placement).exists()


def is_practitioner(user, placement):
    if user is None or not user.is_authenticated or placement.practitioner_id is None:
        return False
    return placement.practitioner.contact.user_id == user.pk


def result_side(user, placement):
    """For which side `user` decides the final result: "faculty", "practitioner" or None."""
    if is_placement_faculty(user, placement):
        return "faculty"
    if is_practitioner(user, placement):
        return "practitioner"
    return None


def check_rater(placement, kind, by):
    """Refuses (ValidationError) anyone but the rater of this kind of evaluation."""
    if kind == Evaluation.Kind.PARTNER:
        if not is_partner_supervisor(by, placement):
            raise ValidationError(_("Only a partner supervisor of this placement writes the partner evaluation."))
    elif not is_placement_faculty(by, placement):
        raise ValidationError(_("Only the faculty supervisor of this placement writes the faculty evaluation."))


def may_rate(user, kind, placement):
    try:
        check_rater(placement, kind, user)
    except ValidationError:
        return False
    return True


def get_final_file_for_user(request, pk):
    file = get_object_or_404(FinalReportFile.objects.select_related("report"), pk=pk)
    # Visible when its placement is (404 otherwise, like the placement).
    get_placement_for_user(request, file.report.placement_id)
    return file
