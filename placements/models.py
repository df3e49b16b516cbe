"""Partners, programs and terms, themes, agreements, pre-education, applications, placements.

The KIT co-op flow (seed 000) generalised: coordinator-run practical internships (002), exchange
programs with outbound/inbound students (001) and high-school dual-system placements (003) run
on the same rows. Every model is tenant-owned; states change only through services.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from guardian.managers import UserObjectPermissionManager
from guardian.models import UserObjectPermissionBase

from coop.models import TenantOwned

USER = settings.AUTH_USER_MODEL


# --- Partners and their people ------------------------------------------------------------


class Partner(TenantOwned):
    """An organization the tenant works with: a company, a university abroad, a municipality, an NPO."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        UNIVERSITY = "university", _("University or school")
        MUNICIPALITY = "municipality", _("Municipality")
        NPO = "npo", _("NPO")

    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True, default="日本")
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        indexes = [models.Index(fields=["tenant", "name"], name="partner_tenant_name")]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="partner_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("placements:partner_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})


class PartnerDepartment(TenantOwned):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("department"), max_length=200)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        indexes = [models.Index(fields=["tenant", "partner"], name="department_tenant_partner")]

    def __str__(self):
        return self.name


class PartnerContact(TenantOwned):
    """A person at a partner. With `user` set, a partner person who signs in (role `partner`)
    and sees this partner's themes, applicants and placements, and nothing of other partners."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partner"))
    department = models.ForeignKey(
        PartnerDepartment, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("department")
    )
    user = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_contacts",
        verbose_name=_("portal account"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["-is_primary", "full_name"]
        indexes = [
            models.Index(fields=["tenant", "partner"], name="contact_tenant_partner"),
            models.Index(fields=["tenant", "user"], name="contact_tenant_user"),
        ]

    def __str__(self):
        return self.full_name


class PractitionerFaculty(TenantOwned):
    """実務家教員: a partner person appointed as educator. The seed asks for 5+ years as a manager;
    below that the appointment needs a recorded reason."""

    MIN_MANAGERIAL_YEARS = 5

    contact = models.OneToOneField(
        PartnerContact, on_delete=models.CASCADE, related_name="practitioner", verbose_name=_("partner person")
    )
    title = models.CharField(_("title as educator"), max_length=150)
    managerial_years = models.PositiveSmallIntegerField(
        _("years of managerial experience"), validators=[MaxValueValidator(60)]
    )
    exception_reason = models.TextField(_("reason for appointing with less experience"), blank=True)
    appointed_from = models.DateField(_("appointed from"))
    appointed_until = models.DateField(_("appointed until"), null=True, blank=True)

    class Meta:
        verbose_name = _("practitioner faculty")
        verbose_name_plural = _("practitioner faculty")
        indexes = [models.Index(fields=["tenant", "appointed_from"], name="practitioner_tenant_from")]

    def __str__(self):
        return f"{self.contact.full_name} ({self.title})"

    def clean(self):
        too_little = self.managerial_years is not None and self.managerial_years < self.MIN_MANAGERIAL_YEARS
        if too_little and not self.exception_reason.strip():
            raise ValidationError(
                {"exception_reason": _("Fewer than 5 years of managerial experience: record the reason.")}
            )
        if self.appointed_until and self.appointed_from and self.appointed_until < self.appointed_from:
            raise ValidationError({"appointed_until": _("The appointment cannot end before it starts.")})


# --- Programs, terms and yearly plans -------------------------------------------------------


class Program(TenantOwned):
    class Kind(models.TextChoices):
        COOP = "coop", _("Co-op education")
        PRACTICAL_INTERNSHIP = "practical_internship", _("Practical internship")
        EXCHANGE = "exchange", _("Exchange program")
        DUAL_SYSTEM = "dual_system", _("Dual system")

    # Default duration bounds in months per kind: co-op 4-12 (seed 000), practical internships
    # 1-12 (seed 002), exchange 1-12, dual system a school year (seed 003).
    DEFAULT_MONTHS = {
        Kind.COOP: (4, 12),
        Kind.PRACTICAL_INTERNSHIP: (1, 12),
        Kind.EXCHANGE: (1, 12),
        Kind.DUAL_SYSTEM: (1, 12),
    }

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    min_months = models.PositiveSmallIntegerField(_("shortest placement (months)"), default=1)
    max_months = models.PositiveSmallIntegerField(_("longest placement (months)"), default=12)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        indexes = [models.Index(fields=["tenant", "kind"], name="program_tenant_kind")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.min_months and self.max_months and self.min_months > self.max_months:
            raise ValidationError({"max_months": _("The longest placement cannot be shorter than the shortest.")})


class Term(TenantOwned):
    """A term or academic year of a program, with its dates."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="terms", verbose_name=_("program"))
    name = models.CharField(_("name"), max_length=100)
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["tenant", "program", "academic_year"], name="term_tenant_program_year")]

    def __str__(self):
        return f"{self.program} {self.name}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term cannot end before it starts.")})


class YearPlan(TenantOwned):
    """Planned numbers of students sent and received by a program in an academic year (seed 001)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="year_plans")
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    planned_outbound = models.PositiveIntegerField(_("students to send"), default=0)
    planned_inbound = models.PositiveIntegerField(_("students to receive"), default=0)

    class Meta:
        verbose_name = _("yearly plan")
        verbose_name_plural = _("yearly plans")
        ordering = ["-academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "program", "academic_year"], name="yearplan_one_per_year")
        ]

    def __str__(self):
        return f"{self.program} {self.academic_year}"


# --- Themes ---------------------------------------------------------------------------------


class Theme(TenantOwned):
    """コーオプ教育テーマ / プロジェクト: set jointly by the tenant and a partner."""

    class Track(models.TextChoices):
        DONATED_COURSE = "donated_course", _("Donated course")
        PROJECT_THEME = "project_theme", _("Project theme")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AGREED = "agreed", _("Agreed")
        OPEN = "open", _("Open for applications")
        SELECTING = "selecting", _("Selecting")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        State.DRAFT: {State.AGREED, State.CANCELLED},
        State.AGREED: {State.OPEN, State.DRAFT, State.CANCELLED},
        State.OPEN: {State.SELECTING, State.CANCELLED},
        State.SELECTING: {State.FILLED, State.OPEN, State.CANCELLED},
        State.FILLED: {State.CLOSED, State.SELECTING},
        State.CLOSED: set(),
        State.CANCELLED: set(),
    }

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="themes", verbose_name=_("program"))
    term = models.ForeignKey(
        Term, on_delete=models.SET_NULL, null=True, blank=True, related_name="themes", verbose_name=_("term")
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="themes", verbose_name=_("partner"))
    practitioner = models.ForeignKey(
        PractitionerFaculty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="themes",
        verbose_name=_("practitioner faculty"),
    )
    title = models.CharField(_("title"), max_length=200)
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, default=Track.PROJECT_THEME)
    description = models.TextField(_("description"))
    required_skills = models.TextField(_("required skills"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("students"), default=2, validators=[MinValueValidator(1)])
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), default=4)
    pay = models.CharField(_("pay"), max_length=100, blank=True, help_text=_("For example: 時給 1,200円"))
    place = models.CharField(_("place of work"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    is_public = models.BooleanField(_("shown on the public project index"), default=False)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "state"], name="theme_tenant_state"),
            models.Index(fields=["tenant", "partner"], name="theme_tenant_partner"),
            models.Index(fields=["tenant", "program", "term"], name="theme_tenant_program_term"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("placements:theme_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})

    def clean(self):
        program = self.program if self.program_id else None
        if program and self.duration_months and not (program.min_months <= self.duration_months <= program.max_months):
            raise ValidationError(
                {
                    "duration_months": _("This program's placements last %(min)s to %(max)s months.")
                    % {"min": program.min_months, "max": program.max_months}
                }
            )


# --- Agreements -----------------------------------------------------------------------------


class Agreement(TenantOwned):
    """協定書 / 実施計画書 / 寄附講座実施覚書 / 実施誓約書. The text lives in versions; an amendment
    is a new version that keeps the old ones and needs signing again."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Co-op agreement")
        IMPLEMENTATION_PLAN = "implementation_plan", _("Implementation plan")
        COURSE_MEMORANDUM = "course_memorandum", _("Donated-course memorandum")
        STUDENT_PLEDGE = "student_pledge", _("Student pledge")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued for signature")
        IN_FORCE = "in_force", _("In force")
        TERMINATED = "terminated", _("Terminated")

    TRANSITIONS = {
        State.DRAFT: {State.ISSUED, State.TERMINATED},
        State.ISSUED: {State.IN_FORCE, State.DRAFT, State.TERMINATED},
        State.IN_FORCE: {State.DRAFT, State.TERMINATED},  # back to draft = an amendment
        State.TERMINATED: set(),
    }

    # Who signs each kind, in order. "institution" is the tenant, "partner" the partner, "student" the student.
    PARTIES = {
        Kind.AGREEMENT: ("institution", "partner"),
        Kind.IMPLEMENTATION_PLAN: ("institution", "partner"),
        Kind.COURSE_MEMORANDUM: ("institution", "partner"),
        Kind.STUDENT_PLEDGE: ("student", "institution"),
    }

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partner"))
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements", verbose_name=_("theme")
    )
    application = models.ForeignKey(
        "Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("application"),
    )
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    terms = models.TextField(_("particular terms"), blank=True, help_text=_("Clauses added to the template."))
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "state"], name="agreement_tenant_state"),
            models.Index(fields=["tenant", "partner"], name="agreement_tenant_partner"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("placements:agreement_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})

    @property
    def parties(self):
        return self.PARTIES[self.kind]


class AgreementVersion(TenantOwned):
    """One text of an agreement, rendered to a stored PDF by a Celery task."""

    class PdfState(models.TextChoices):
        PENDING = "pending", _("Waiting to be rendered")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Rendering failed")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    context = models.JSONField(_("content"), default=dict, help_text=_("What the PDF says, frozen at issue."))
    reason = models.TextField(_("reason for the amendment"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="agreements/%Y/%m/", blank=True)
    pdf_state = models.CharField(max_length=10, choices=PdfState.choices, default=PdfState.PENDING)
    pdf_error = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "agreement", "number"], name="agreement_version_unique")
        ]

    def __str__(self):
        return f"{self.agreement} v{self.number}"


class Signature(TenantOwned):
    """A party's signature on one version: typed in the portal, or marked by staff with a scan."""

    class Method(models.TextChoices):
        PORTAL = "portal", _("Signed in the portal")
        OUTSIDE = "outside", _("Signed outside the portal")

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(_("party"), max_length=20)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    signed_name = models.CharField(_("typed name"), max_length=150)
    signer = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("signer"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    scan = models.FileField(_("signed scan"), upload_to="signatures/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [models.UniqueConstraint(fields=["tenant", "version", "party"], name="signature_one_per_party")]

    def __str__(self):
        return f"{self.party}: {self.signed_name}"


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


# --- Applications and selection -------------------------------------------------------------


class Application(TenantOwned):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        SELECTED = "selected", _("Selected")
        ACCEPTED = "accepted", _("Accepted by the student")
        PLACED = "placed", _("Placed")
        REJECTED = "rejected", _("Not selected")
        DECLINED = "declined", _("Declined by the student")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        State.SUBMITTED: {State.SHORTLISTED, State.SELECTED, State.REJECTED, State.WITHDRAWN},
        State.SHORTLISTED: {State.SELECTED, State.REJECTED, State.WITHDRAWN},
        State.SELECTED: {State.ACCEPTED, State.DECLINED, State.WITHDRAWN},
        State.ACCEPTED: {State.PLACED, State.WITHDRAWN},
        State.PLACED: set(),
        State.REJECTED: set(),
        State.DECLINED: set(),
        State.WITHDRAWN: set(),
    }
    # Applications that hold one of the theme's places.
    HOLDING_A_PLACE = (State.SELECTED, State.ACCEPTED, State.PLACED)

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("theme"))
    student = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="applications", verbose_name=_("student"))
    motivation = models.TextField(_("motivation"))
    file = models.FileField(_("attachment"), upload_to="applications/%Y/%m/", blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "theme", "student"], name="application_once_per_theme")
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="application_tenant_state")]

    def __str__(self):
        return f"{self.student} → {self.theme}"

    def get_absolute_url(self):
        return reverse("placements:application_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})


class Interview(TenantOwned):
    """A pre-interview (事前面談) or selection interview, with notes."""

    class Kind(models.TextChoices):
        PRE_INTERVIEW = "pre_interview", _("Pre-interview")
        SELECTION = "selection", _("Selection interview")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SELECTION)
    held_at = models.DateTimeField(_("date and time"))
    interviewer = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["held_at"]
        indexes = [models.Index(fields=["tenant", "application"], name="interview_tenant_application")]


# --- Placements -----------------------------------------------------------------------------


class Placement(TenantOwned):
    """就業 / 派遣: a student working at a partner on a theme for a period."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("In progress")
        SUSPENDED = "suspended", _("Suspended")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    class Schedule(models.TextChoices):
        FULL_TIME = "full_time", _("Full time (weekdays)")
        WEEKLY_DAYS = "weekly_days", _("Set days of the week")

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Sent (outbound)")
        INBOUND = "inbound", _("Received (inbound)")

    TRANSITIONS = {
        State.PLANNED: {State.ACTIVE, State.TERMINATED},
        State.ACTIVE: {State.SUSPENDED, State.COMPLETED, State.TERMINATED},
        State.SUSPENDED: {State.ACTIVE, State.TERMINATED},
        State.COMPLETED: set(),
        State.TERMINATED: set(),
    }
    NEEDS_REASON = {State.SUSPENDED, State.TERMINATED}
    WEEKDAYS = [(0, _("Mon")), (1, _("Tue")), (2, _("Wed")), (3, _("Thu")), (4, _("Fri")), (5, _("Sat")), (6, _("Sun"))]

    student = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="placements", verbose_name=_("student"))
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="placements", verbose_name=_("theme"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="placements", verbose_name=_("partner"))
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="placement"
    )
    faculty_supervisor = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_placements",
        verbose_name=_("faculty supervisor"),
    )
    practitioner = models.ForeignKey(
        PractitionerFaculty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("practitioner faculty"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    schedule = models.CharField(_("schedule"), max_length=20, choices=Schedule.choices, default=Schedule.FULL_TIME)
    weekdays = models.CharField(
        _("working days"), max_length=20, blank=True, help_text=_("Days of the week, e.g. 2 for Wednesdays only.")
    )
    pay = models.CharField(_("pay"), max_length=100, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PLANNED)
    state_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["tenant", "state"], name="placement_tenant_state"),
            models.Index(fields=["tenant", "partner"], name="placement_tenant_partner"),
            models.Index(fields=["tenant", "student"], name="placement_tenant_student"),
            models.Index(fields=["tenant", "faculty_supervisor"], name="placement_tenant_faculty"),
        ]
        permissions = [("view_placement_granted", "Can view one placement by explicit grant")]

    def __str__(self):
        return f"{self.student} @ {self.partner}"

    def get_absolute_url(self):
        return reverse("placements:placement_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})

    @property
    def weekday_numbers(self):
        if self.schedule == self.Schedule.FULL_TIME:
            return [0, 1, 2, 3, 4]
        return sorted({int(d) for d in self.weekdays.split(",") if d.strip().isdigit()})

    def period_errors(self, governing):
        """{field: message} where the dates leave the work period that `governing` (the theme's
        implementation plan or co-op agreement, or None) sets."""
        if governing is None:
            return {}
        start, end, errors = governing.valid_from, governing.valid_until, {}
        if start and self.starts_on and self.starts_on < start:
            errors["starts_on"] = _("The placement cannot start before %(date)s, the start of “%(title)s”.") % {
                "date": date_format(start),
                "title": governing.title,
            }
        if end and self.ends_on and self.ends_on > end:
            errors["ends_on"] = _("The placement cannot end after %(date)s, the end of “%(title)s”.") % {
                "date": date_format(end),
                "title": governing.title,
            }
        return errors

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The placement cannot end before it starts.")})
        if self.schedule == self.Schedule.WEEKLY_DAYS and not self.weekday_numbers:
            raise ValidationError({"weekdays": _("Choose at least one working day.")})
        if self.schedule == self.Schedule.FULL_TIME:
            self.weekdays = ""  # days ticked before switching to full time do not apply


class PlacementSupervisor(TenantOwned):
    """A partner person supervising a placement (企業担当者). A placement may have several."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="supervisors")
    contact = models.ForeignKey(PartnerContact, on_delete=models.CASCADE, related_name="supervised")

    class Meta:
        verbose_name = _("partner supervisor")
        verbose_name_plural = _("partner supervisors")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "placement", "contact"], name="supervisor_once_per_placement")
        ]


class PlacementUserObjectPermission(TenantOwned, UserObjectPermissionBase):
    """django-guardian grants on one placement (e.g. a second faculty reviewer), tenant-owned
    so that they stay inside the tenant scope like every other row."""

    content_object = models.ForeignKey(Placement, on_delete=models.CASCADE)

    objects = ScopedManager(_manager_class=UserObjectPermissionManager, tenant="tenant")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("placement access grant")
        verbose_name_plural = _("placement access grants")
        indexes = [models.Index(fields=["tenant", "user"], name="placement_grant_tenant_user")]


class CareerOutcome(TenantOwned):
    """What became of the student, recorded at the end of a placement (seed 004)."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="career_outcome")
    offer_received = models.BooleanField(_("received a job offer from the partner"), default=False)
    hired_by_partner = models.BooleanField(_("hired by the partner"), default=False)
    hired_in_japan = models.BooleanField(_("hired by a company in Japan"), default=False)
    stayed_in_region = models.BooleanField(_("stayed in the region"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("career outcome")
        verbose_name_plural = _("career outcomes")

    def __str__(self):
        return str(self.placement_id)
