"""Rubrics, assessment windows, assessments and the emailed rater links.

ルーブリック / 事前事後アンケート (seeds 001 and 003): a tenant defines rubrics (criteria × levels
with descriptors and weights, or Likert items), opens assessment windows (pre, mid, post) for a
program, a term or one placement, and the student, the partner supervisor and the faculty
supervisor rate each placement's student in the window.

A rubric version is frozen once an assessment uses it; a change then makes the next version
with the same `code`, so old scores keep the meaning they were given under. Criteria keep
their `key` across versions, which is what growth is computed on.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.clock import tenant_today
from coop.models import TenantOwned
from placements.models import ContactLink

USER = settings.AUTH_USER_MODEL


class Rubric(TenantOwned):
    """One version of a rubric.

    `levels`: [{"value": 1, "label": "..."}] ascending. `criteria`: [{"key", "name", "weight",
    "group", "reverse", "descriptors": {"<level value>": "..."}}]. A reverse-scored Likert item
    counts `min + max - value`.
    """

    class Kind(models.TextChoices):
        RUBRIC = "rubric", _("Rubric (levels with descriptors)")
        LIKERT = "likert", _("Questionnaire (Likert items)")

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RUBRIC)
    description = models.TextField(_("description"), blank=True)
    levels = models.JSONField(_("levels"), default=list)
    criteria = models.JSONField(_("criteria"), default=list)
    template = models.CharField(_("built from template"), max_length=40, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code", "version"], name="rubric_one_per_version")]
        indexes = [models.Index(fields=["tenant", "is_current"], name="rubric_tenant_current")]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("rubrics:rubric_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})

    @property
    def level_values(self):
        return [level["value"] for level in self.levels]

    @property
    def scale_min(self):
        return min(self.level_values) if self.levels else 0

    @property
    def scale_max(self):
        return max(self.level_values) if self.levels else 0


class Phase(models.TextChoices):
    PRE = "pre", _("Before (pre)")
    MID = "mid", _("Midway (mid)")
    POST = "post", _("After (post)")


class Rater(models.TextChoices):
    SELF = "self", _("Self-assessment")
    PARTNER = "partner", _("Partner supervisor")
    FACULTY = "faculty", _("Faculty supervisor")


class AssessmentWindow(TenantOwned):
    """When and by whom the placements of a program (optionally one term), or one placement,
    are assessed with one rubric version."""

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="windows", verbose_name=_("rubric"))
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    program = models.ForeignKey(
        "placements.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
    )
    term = models.ForeignKey(
        "placements.Term", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("term")
    )
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placement"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    rate_self = models.BooleanField(_("the student (self-assessment)"), default=True)
    rate_partner = models.BooleanField(_("the partner supervisor"), default=True)
    rate_faculty = models.BooleanField(_("the faculty supervisor"), default=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment window")
        verbose_name_plural = _("assessment windows")
        ordering = ["-opens_on", "-id"]
        indexes = [
            models.Index(fields=["tenant", "closes_on"], name="window_tenant_closes"),
            models.Index(fields=["tenant", "program", "term"], name="window_tenant_program"),
        ]

    def __str__(self):
        return f"{self.rubric.name} {self.get_phase_display()}"

    def get_absolute_url(self):
        return reverse("rubrics:window_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})

    @property
    def raters(self):
        asked = {Rater.SELF: self.rate_self, Rater.PARTNER: self.rate_partner, Rater.FACULTY: self.rate_faculty}
        return [rater for rater, on in asked.items() if on]

    def is_open(self, today=None):
        today = today or tenant_today()
        return self.opens_on <= today <= self.closes_on

    @property
    def scope_label(self):
        if self.placement_id:
            return str(self.placement)
        if self.term_id:
            return str(self.term)
        return str(self.program) if self.program_id else ""


class Assessment(TenantOwned):
    """One rater's scores for one placement's student in one window, on the window's rubric version."""

    window = models.ForeignKey(
        AssessmentWindow, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("window")
    )
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="+", verbose_name=_("placement")
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("rubric"))
    rater = models.CharField(_("rater"), max_length=10, choices=Rater.choices)
    rated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    rater_name = models.CharField(_("rated by"), max_length=150, blank=True)
    via_link = models.ForeignKey("RaterLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    score = models.DecimalField(_("weighted score"), max_digits=6, decimal_places=3, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["window_id", "placement_id", "rater"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "window", "placement", "rater"], name="assessment_one_per_rater")
        ]
        indexes = [models.Index(fields=["tenant", "placement"], name="assessment_tenant_placement")]

    def __str__(self):
        return f"{self.placement_id} {self.rater} {self.window_id}"

    def get_absolute_url(self):
        return reverse(
            "rubrics:assessment_fill",
            kwargs={
                "tenant_slug": self.tenant_slug,
                "pk": self.window_id,
                "placement_pk": self.placement_id,
                "rater": self.rater,
            },
        )


class AssessmentScore(TenantOwned):
    """One criterion of one assessment: the level chosen and the points it counts for."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("criterion key"), max_length=40)
    criterion_name = models.CharField(_("criterion"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    value = models.SmallIntegerField(_("level chosen"))
    points = models.SmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        ordering = ["assessment_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "assessment", "criterion"], name="score_one_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}={self.value}"


class RaterLink(ContactLink):
    """An emailed link that lets one partner person fill one assessment (one window, one
    placement) without an account. Only a hash of the token is stored; it expires, can be
    revoked, and is used up on submission. Opening it never signs anybody in."""

    VALID_DAYS = 14

    window = models.ForeignKey(AssessmentWindow, on_delete=models.CASCADE, related_name="links")
    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("rater link")
        verbose_name_plural = _("rater links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "window", "placement"], name="raterlink_tenant_window")]

    def __str__(self):
        return f"{self.email} {self.window_id}/{self.placement_id}"
