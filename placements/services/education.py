"""Pre-education: donated-course sessions with attendance, pre-assignments with submissions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.models import Membership, Role
from coop.workflow import record

from ..models import Attendance, CourseSession, PreAssignment, Submission, Theme


@transaction.atomic
def course_session_create(*, theme, by, title, starts_at, place="", description=""):
    if theme.track != Theme.Track.DONATED_COURSE:
        raise ValidationError(_("Course sessions belong to donated-course themes."))
    session = CourseSession(
        tenant=theme.tenant, theme=theme, title=title, starts_at=starts_at, place=place, description=description
    )
    session.full_clean()
    session.save()
    record(theme, action="theme.session_added", by=by, note=title)
    return session


@transaction.atomic
def attendance_record(*, session, by, statuses):
    """`statuses`: {student user id: status}. Overwrites earlier marks for the same students."""
    students = set(
        Membership.objects.filter(tenant=session.tenant, role=Role.STUDENT, user_id__in=list(statuses)).values_list(
            "user_id", flat=True
        )
    )
    for student_id, status in statuses.items():
        if student_id not in students or status not in Attendance.Status.values:
            raise ValidationError(_("Attendance can only be recorded for students of this institution."))
        Attendance.objects.update_or_create(
            tenant=session.tenant, session=session, student_id=student_id, defaults={"status": status}
        )
    return len(statuses)


@transaction.atomic
def pre_assignment_create(*, theme, by, title, instructions, due_at):
    if theme.track != Theme.Track.PROJECT_THEME:
        raise ValidationError(_("Pre-assignments belong to project themes."))
    assignment = PreAssignment(tenant=theme.tenant, theme=theme, title=title, instructions=instructions, due_at=due_at)
    assignment.full_clean()
    assignment.save()
    record(theme, action="theme.pre_assignment_added", by=by, note=title)
    return assignment


@transaction.atomic
def submission_submit(*, assignment, student, text="", file=None):
    if timezone.now() > assignment.due_at:
        raise ValidationError(_("The deadline for this pre-assignment has passed."))
    if not text.strip() and not file:
        raise ValidationError(_("Write an answer or attach a file."))
    if not Membership.objects.filter(tenant=assignment.tenant, user=student, role=Role.STUDENT).exists():
        raise ValidationError(_("Only students of this institution can submit."))
    submission, _created = Submission.objects.get_or_create(
        tenant=assignment.tenant, assignment=assignment, student=student
    )
    submission.text = text
    if file:
        submission.file = file
    submission.submitted_at = timezone.now()
    submission.save()
    return submission
