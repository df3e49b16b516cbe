"""Daily reports rolled up into monthly reports, final reports and final presentation meetings.

月報（毎日）: the student writes a short report every working day of the placement (the
placement's weekly schedule between its start and end); the month's reports are the monthly
report, which the partner supervisor answers with feedback (企業フィードバック) and the faculty
supervisor with a comment. Every model is tenant-owned; states change only through services.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coop.models import TenantOwned

USER = settings.AUTH_USER_MODEL


class ReportSettings(TenantOwned):
    """Per-tenant rules for reports. A tenant without a row uses the defaults."""

    DEFAULT_EDIT_DAYS_AFTER = 3

    edit_days_after = models.PositiveSmallIntegerField(
        _("days a daily report stays editable"),
        default=DEFAULT_EDIT_DAYS_AFTER,
        validators=[MaxValueValidator(60)],
        help_text=_("After this many days the report is locked; the faculty supervisor can unlock it."),
    )

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="report_settings_one_per_tenant")]

    def __str__(self):
        return str(_("Report settings"))


class DailyReport(TenantOwned):
    """One working day of a placement, written by the student (often on a phone)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    TRANSITIONS = {State.DRAFT: {State.SUBMITTED}, State.SUBMITTED: set()}
    # The fields the student writes; a change after submission is kept in the history.
    CONTENT_FIELDS = ("hours", "done", "learned", "problems", "next_steps")

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="daily_reports", verbose_name=_("placement")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours worked"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
    )
    done = models.TextField(_("what I did"), blank=True)
    learned = models.TextField(_("what I learned"), blank=True)
    problems = models.TextField(_("problems and questions"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    unlocked_until = models.DateField(_("unlocked until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["tenant", "placement", "date"], name="daily_report_one_per_day")]

    def __str__(self):
        return f"{self.placement_id} {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse(
            "reports:daily_edit", kwargs={"tenant_slug": self.tenant_slug, "pk": self.placement_id, "day": self.date}
        )


class MonthlyReport(TenantOwned):
    """The month's daily reports with the student's summary and reflection, answered by the
    partner supervisor (feedback) and the faculty supervisor (comment)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")

    TRANSITIONS = {
        State.DRAFT: {State.SUBMITTED},
        State.SUBMITTED: {State.DRAFT, State.REVIEWED},
        State.REVIEWED: set(),
    }

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="monthly_reports", verbose_name=_("placement")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    summary = models.TextField(_("summary of the month"), blank=True)
    reflection = models.TextField(_("reflection"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The roll-up as it was when the student submitted (lists show it without recounting).
    hours_total = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, default=Decimal(0))
    days_reported = models.PositiveSmallIntegerField(_("days reported"), default=0)
    days_missed = models.PositiveSmallIntegerField(_("days missed"), default=0)
    partner_feedback = models.TextField(_("feedback from the partner"), blank=True)
    partner_feedback_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("feedback by")
    )
    partner_feedback_at = models.DateTimeField(_("feedback written"), null=True, blank=True)
    faculty_comment = models.TextField(_("comment from the faculty supervisor"), blank=True)
    faculty_comment_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("comment by")
    )
    faculty_comment_at = models.DateTimeField(_("comment written"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "placement", "month"], name="monthly_report_one_per_month")
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="monthly_report_tenant_state")]

    def __str__(self):
        return f"{self.placement_id} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse(
            "reports:monthly_detail",
            kwargs={"tenant_slug": self.tenant_slug, "pk": self.placement_id, "month": self.month},
        )


class FinalReport(TenantOwned):
    """最終報告書: one per placement, with attached files."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    TRANSITIONS = {State.DRAFT: {State.SUBMITTED}, State.SUBMITTED: {State.DRAFT}}

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="final_reports", verbose_name=_("placement")
    )
    text = models.TextField(_("report"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        constraints = [models.UniqueConstraint(fields=["tenant", "placement"], name="final_report_one_per_placement")]

    def __str__(self):
        return f"{self.placement_id}"

    def get_absolute_url(self):
        return reverse("reports:final_report", kwargs={"tenant_slug": self.tenant_slug, "pk": self.placement_id})


class FinalReportFile(TenantOwned):
    report = models.ForeignKey(FinalReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="final_reports/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("final report file")
        verbose_name_plural = _("final report files")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["tenant", "report"], name="final_file_tenant_report")]

    def __str__(self):
        return self.name


class FinalPresentation(TenantOwned):
    """最終報告会: a meeting where several placements present their results."""

    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("Who comes: companies, faculty, guests."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("final presentation")
        verbose_name_plural = _("final presentations")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["tenant", "starts_at"], name="presentation_tenant_starts")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:presentation_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})


class PresentationSlot(TenantOwned):
    """A placement presenting at a final presentation meeting, in order."""

    presentation = models.ForeignKey(FinalPresentation, on_delete=models.CASCADE, related_name="slots")
    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="presentation_slots")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("presenting placement")
        verbose_name_plural = _("presenting placements")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "presentation", "placement"], name="presentation_slot_once_per_placement"
            )
        ]
