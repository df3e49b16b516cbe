"""Pre-education (事前教育): donated-course sessions with attendance, pre-assignments and submissions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import TenantOwned

from .themes import Theme

USER = settings.AUTH_USER_MODEL

# --- Pre-education --------------------------------------------------------------------------


class CourseSession(TenantOwned):
    """A session of a donated course (寄附講座)."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="course_sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["tenant", "theme", "starts_at"], name="session_tenant_theme")]

    def __str__(self):
        return self.title


class Attendance(TenantOwned):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    student = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "session", "student"], name="attendance_once_per_session")
        ]


class PreAssignment(TenantOwned):
    """The pre-assignment (事前課題) of a project theme."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="pre_assignments")
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"))
    due_at = models.DateTimeField(_("due"))

    class Meta:
        verbose_name = _("pre-assignment")
        verbose_name_plural = _("pre-assignments")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["tenant", "theme"], name="preassignment_tenant_theme")]

    def __str__(self):
        return self.title


class Submission(TenantOwned):
    assignment = models.ForeignKey(PreAssignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("answer"), blank=True)
    file = models.FileField(_("file"), upload_to="submissions/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "assignment", "student"], name="submission_once_per_student")
        ]
