"""Survey forms, survey rounds, the responses owed and given, and the emailed survey links.

アンケート (seed 002): after a program, the students, the partner people and the office
(coordinators) answer a survey on a form the tenant edits. A form version is frozen once a
response answered it; a change then makes the next version with the same `code` (as rubrics
do), so the answers given keep pointing at the questions they answered.

A round asks the placements of one program (and term) on one form version; opening it makes a
response owed by each person asked: the student of each placement, each partner supervisor of
each placement, and the office once per placement. A response is answered once.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.clock import tenant_today
from coop.models import TenantOwned
from placements.models import ContactLink

USER = settings.AUTH_USER_MODEL


class QuestionType(models.TextChoices):
    RATING = "rating", _("Rating 1 to 5")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Free text")


RATING_SCALE = [1, 2, 3, 4, 5]


class Audience(models.TextChoices):
    STUDENT = "student", pgettext_lazy("survey audience", "Students")
    PARTNER = "partner", _("Partner people")
    STAFF = "staff", _("Coordinators (office)")


class SurveyForm(TenantOwned):
    """One version of a survey form.

    `questions`: [{"key", "text", "type", "required", "choices": [str]}] in order; choices
    only for single and multiple choice questions.
    """

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    questions = models.JSONField(_("questions"), default=list)
    is_current = models.BooleanField(_("current"), default=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey form")
        verbose_name_plural = _("survey forms")
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code", "version"], name="surveyform_one_per_version")]
        indexes = [models.Index(fields=["tenant", "is_current"], name="surveyform_tenant_current")]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("surveys:form_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})


class SurveyRound(TenantOwned):
    """A survey of the placements of a program (optionally one term) on one form version,
    open between two dates, asking some of the audiences."""

    form = models.ForeignKey(SurveyForm, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("form"))
    program = models.ForeignKey(
        "placements.Program", on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    term = models.ForeignKey(
        "placements.Term", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("term")
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    ask_students = models.BooleanField(_("the students"), default=True)
    ask_partners = models.BooleanField(_("the partner people"), default=True)
    ask_staff = models.BooleanField(_("the coordinators (office)"), default=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "-id"]
        indexes = [
            models.Index(fields=["tenant", "closes_on"], name="surveyround_tenant_closes"),
            models.Index(fields=["tenant", "program", "term"], name="surveyround_tenant_program"),
        ]

    def __str__(self):
        return f"{self.form.name} {self.scope_label}"

    def get_absolute_url(self):
        return reverse("surveys:round_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})

    @property
    def audiences(self):
        asked = {
            Audience.STUDENT: self.ask_students,
            Audience.PARTNER: self.ask_partners,
            Audience.STAFF: self.ask_staff,
        }
        return [audience for audience, on in asked.items() if on]

    def is_open(self, today=None):
        today = today or tenant_today()
        return self.opens_on <= today <= self.closes_on

    @property
    def scope_label(self):
        return str(self.term) if self.term_id else str(self.program)


class SurveyResponse(TenantOwned):
    """A response owed by one person (a placement's student, one of its partner supervisors, or
    the office for the placement), and once answered, the answers on the form version answered.

    `answers`: {question key: int (rating) | str (one choice, text) | [str] (several choices)}."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="+", verbose_name=_("placement")
    )
    audience = models.CharField(_("asked"), max_length=10, choices=Audience.choices)
    # SET_NULL: an answer outlives the partner contact it came from (its name stays in
    # `respondent_name`).
    contact = models.ForeignKey(
        "placements.PartnerContact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner person"),
    )
    form = models.ForeignKey(
        SurveyForm, on_delete=models.PROTECT, null=True, blank=True, related_name="responses", verbose_name=_("form")
    )
    answers = models.JSONField(_("answers"), default=dict)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("answered by")
    )
    respondent_name = models.CharField(_("answered by"), max_length=150, blank=True)
    via_link = models.ForeignKey("SurveyLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["round_id", "placement_id", "audience", "contact_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "round", "placement", "audience"],
                condition=models.Q(contact__isnull=True) & ~models.Q(audience="partner"),
                name="surveyresponse_one_per_side",
            ),
            models.UniqueConstraint(
                fields=["tenant", "round", "placement", "contact"],
                condition=models.Q(contact__isnull=False),
                name="surveyresponse_one_per_contact",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "round", "audience"], name="surveyresponse_tenant_round"),
            models.Index(fields=["tenant", "placement"], name="surveyresponse_tenant_place"),
        ]

    def __str__(self):
        return f"{self.round_id}/{self.placement_id} {self.audience}"

    def get_absolute_url(self):
        return reverse("surveys:response_fill", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})

    @property
    def is_answered(self):
        return self.submitted_at is not None


class SurveyLink(ContactLink):
    """An emailed link that lets one partner person answer their one owed response without an
    account. Only a hash of the token is stored; it expires (at the latest when the round
    closes), can be revoked, and is used up by the answer."""

    VALID_DAYS = 21

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="links")

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "response"], name="surveylink_tenant_response")]

    def __str__(self):
        return f"{self.email} {self.response_id}"

    @property
    def placement(self):
        """The placement the link is about (coop.delivery's email context)."""
        return self.response.placement
