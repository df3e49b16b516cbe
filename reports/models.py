"""Daily reports rolled up into monthly reports, final reports and final presentation meetings.

月報（毎日）: the student writes a short report every working day of the placement (the
placement's weekly schedule between its start and end); the month's reports are the monthly
report, which the partner supervisor answers with feedback (企業フィードバック) and the faculty
supervisor with a comment. Every model is tenant-owned; states change only through services.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from coop.models import TenantOwned
from placements.models import ContactLink

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
    national_holidays_off = models.BooleanField(
        _("no reports on national holidays"),
        default=True,
        help_text=_("Japanese national holidays are not expected report days (a student may still write one)."),
    )

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="report_settings_one_per_tenant")]

    def __str__(self):
        return str(_("Report settings"))


class ClosurePeriod(TenantOwned):
    """Days no daily report is expected: a closure of the whole institution (no placement,
    e.g. the New Year break) or a suspension of one placement (e.g. illness, exams)."""

    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closure_periods",
        verbose_name=_("placement"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="closure_period_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["tenant", "ends_on"], name="closure_tenant_ends")]

    def __str__(self):
        return f"{self.starts_on}–{self.ends_on} {self.reason}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day is before the first day.")})


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
        # The missing-report reminders read the last days' submitted reports across the tenant
        # (reports.deadlines): this index answers them without visiting the rows.
        indexes = [
            models.Index(
                fields=["tenant", "date", "placement"],
                condition=models.Q(state="submitted"),
                name="daily_report_submitted_date",
            )
        ]

    def __str__(self):
        return f"{self.placement_id} {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse(
            "reports:daily_edit", kwargs={"tenant_slug": self.tenant_slug, "pk": self.placement_id, "day": self.date}
        )


class ReportTally(TenantOwned):
    """How many daily reports a placement has submitted in a month, and the latest day: kept by
    reports.services.report_tally_refresh whenever a daily report is saved or deleted, so that
    compliance counts 10,000 placements' months without reading their 200,000 reports."""

    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    submitted = models.PositiveIntegerField(_("reports submitted"), default=0)
    latest = models.DateField(_("latest day reported"), null=True)

    class Meta:
        verbose_name = _("reports submitted in a month")
        verbose_name_plural = _("reports submitted in a month")
        constraints = [models.UniqueConstraint(fields=["tenant", "placement", "month"], name="report_tally_once")]
        indexes = [models.Index(fields=["tenant", "month"], name="report_tally_tenant_month")]

    def __str__(self):
        return f"{self.placement_id} {self.month:%Y-%m}: {self.submitted}"


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
    # Who wrote the feedback through an emailed link, when they have no portal account.
    partner_feedback_name = models.CharField(_("feedback by"), max_length=150, blank=True)
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


class ReportGuide(TenantOwned):
    """What a program asks its students to write: a prompt shown under each field of the daily
    report and of the monthly report (on the phone too). A blank prompt leaves the field's own
    label alone; a program without a guide asks nothing more. One per program; the office
    edits it on the program's page, and a consortium's common program brings its own."""

    # The report fields a prompt can be written for, in the order the forms show them.
    DAILY_FIELDS = ("hours", "done", "learned", "problems", "next_steps")
    MONTHLY_FIELDS = ("summary", "reflection")
    FIELDS = DAILY_FIELDS + MONTHLY_FIELDS
    MAX_PROMPT = 300

    program = models.ForeignKey(
        "placements.Program", on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    hours = models.CharField(_("hours worked"), max_length=MAX_PROMPT, blank=True)
    done = models.CharField(_("what I did"), max_length=MAX_PROMPT, blank=True)
    learned = models.CharField(_("what I learned"), max_length=MAX_PROMPT, blank=True)
    problems = models.CharField(_("problems and questions"), max_length=MAX_PROMPT, blank=True)
    next_steps = models.CharField(_("next steps"), max_length=MAX_PROMPT, blank=True)
    summary = models.CharField(_("summary of the month"), max_length=MAX_PROMPT, blank=True)
    reflection = models.CharField(_("reflection"), max_length=MAX_PROMPT, blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("report guide")
        verbose_name_plural = _("report guides")
        constraints = [models.UniqueConstraint(fields=["tenant", "program"], name="report_guide_one_per_program")]

    def __str__(self):
        return str(_("Report guide"))

    @property
    def prompts(self):
        return {name: getattr(self, name) for name in self.FIELDS}


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


# --- Evaluations (評価報告書) and the final result -------------------------------------------


# The default form (seed 000's abilities). English msgids, translated when shown.
DEFAULT_FORM_NAME = gettext_noop("Evaluation of the placement")
DEFAULT_CRITERIA = [
    (
        gettext_noop("Finding problems"),
        gettext_noop("Finds the problems that matter in the work and sets them as tasks."),
    ),
    (
        gettext_noop("Putting it into practice"),
        gettext_noop("Plans the work and carries it through with what was learned."),
    ),
    (
        gettext_noop("Working with others"),
        gettext_noop("Works with the people of the partner towards a shared goal."),
    ),
    (
        gettext_noop("Reporting, informing and consulting"),
        gettext_noop("Reports progress, shares information and asks for advice in time."),
    ),
    (
        gettext_noop("Initiative"),
        gettext_noop("Acts on their own, without waiting to be told."),
    ),
]
DEFAULT_QUESTIONS = [
    gettext_noop("Strengths shown during the placement"),
    gettext_noop("What the student should work on next"),
]


def _form_items(pairs, prefix):
    return [{"key": f"{prefix}{n}", "label": label, "description": text} for n, (label, text) in enumerate(pairs, 1)]


class EvaluationForm(TenantOwned):
    """The scored form a tenant evaluates placements with: criteria on a score scale and
    free-text questions. Once an evaluation uses a version it is frozen (`is_used`); a change
    then makes the next version, so old scores keep the meaning they were given under.

    `criteria` and `questions` are lists of {"key", "label", "description"}. Labels of the
    default form are English msgids, translated when shown; a tenant's own labels show as typed.
    """

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    criteria = models.JSONField(_("criteria"), default=list)
    questions = models.JSONField(_("free-text questions"), default=list)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )
    is_current = models.BooleanField(_("current"), default=True)
    is_used = models.BooleanField(_("used"), default=False)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["tenant", "version"], name="evaluation_form_one_per_version")]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @classmethod
    def default_for(cls, tenant):
        """The default form (seed 000's abilities), not saved: shown until a tenant has its own."""
        return cls(
            tenant=tenant,
            name=DEFAULT_FORM_NAME,
            version=1,
            criteria=_form_items(DEFAULT_CRITERIA, "c"),
            questions=_form_items([(q, "") for q in DEFAULT_QUESTIONS], "q"),
        )

    @property
    def scale(self):
        return list(range(self.scale_min, self.scale_max + 1))


class Evaluation(TenantOwned):
    """評価報告書 (by the partner) or the faculty's evaluation of one placement: one of each."""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("Evaluation by the partner")
        FACULTY = "faculty", _("Evaluation by the faculty supervisor")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    TRANSITIONS = {State.DRAFT: {State.SUBMITTED}, State.SUBMITTED: {State.DRAFT}}

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("placement")
    )
    kind = models.CharField(_("rater"), max_length=10, choices=Kind.choices)
    form = models.ForeignKey(EvaluationForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("form"))
    rater = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("written by")
    )
    rater_name = models.CharField(_("written by"), max_length=150, blank=True)
    scores = models.JSONField(_("scores"), default=dict)
    answers = models.JSONField(_("answers"), default=dict)
    comments = models.TextField(_("comments"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    via_link = models.ForeignKey(
        "AccessLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["placement_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "placement", "kind"], name="evaluation_one_per_rater_kind")
        ]
        indexes = [models.Index(fields=["tenant", "updated_at", "id"], name="evaluation_tenant_saved")]

    def __str__(self):
        return f"{self.placement_id} {self.kind}"

    def get_absolute_url(self):
        return reverse(
            "reports:evaluation_edit",
            kwargs={"tenant_slug": self.tenant_slug, "pk": self.placement_id, "kind": self.kind},
        )

    @property
    def written_by(self):
        return self.rater_name or (str(self.rater) if self.rater_id else "")


class PlacementResult(TenantOwned):
    """The final result, agreed by the supervising faculty and the practitioner faculty.
    A change clears the other side's agreement; with both agreements it is final."""

    class Grade(models.TextChoices):
        S = "S", _("S (excellent)")
        A = "A", _("A (very good)")
        B = "B", _("B (good)")
        C = "C", _("C (pass)")
        F = "F", _("F (fail)")

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="results", verbose_name=_("placement")
    )
    grade = models.CharField(_("grade"), max_length=2, choices=Grade.choices)
    passed = models.BooleanField(_("passed"), default=True)
    comments = models.TextField(_("comments"), blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    agreed_by_faculty = models.DateTimeField(_("agreed by the faculty supervisor"), null=True, blank=True)
    faculty_user = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    agreed_by_practitioner = models.DateTimeField(_("agreed by the practitioner faculty"), null=True, blank=True)
    practitioner_user = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("final result")
        verbose_name_plural = _("final results")
        constraints = [models.UniqueConstraint(fields=["tenant", "placement"], name="result_one_per_placement")]

    def __str__(self):
        return f"{self.placement_id} {self.grade}"

    def get_absolute_url(self):
        return reverse("reports:evaluations", kwargs={"tenant_slug": self.tenant_slug, "pk": self.placement_id})

    @property
    def is_final(self):
        return bool(self.agreed_by_faculty and self.agreed_by_practitioner)


# --- Emailed links for partner people without an account ---------------------------------------


class AccessLink(ContactLink):
    """An emailed link that lets one partner supervisor do one thing for one placement (the
    feedback on one month's report, or the partner evaluation) without signing in. Only a
    hash of its token is stored; it expires, can be revoked, and is used up on submission."""

    VALID_DAYS = 14

    class Purpose(models.TextChoices):
        FEEDBACK = "feedback", _("Feedback on a monthly report")
        EVALUATION = "evaluation", _("Partner evaluation")

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="access_links", verbose_name=_("placement")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    month = models.DateField(_("month"), null=True, blank=True)

    class Meta:
        verbose_name = _("emailed link")
        verbose_name_plural = _("emailed links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "placement"], name="access_link_tenant_placement")]

    def __str__(self):
        return f"{self.email} {self.purpose}"


class AccessLinkOpen(TenantOwned):
    """Each time an emailed link was opened: when, from where."""

    link = models.ForeignKey(AccessLink, on_delete=models.CASCADE, related_name="opens")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("link opened")
        verbose_name_plural = _("links opened")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["tenant", "link"], name="access_link_open_tenant_link")]
