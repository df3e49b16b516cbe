"""Themes (コーオプ教育テーマ / プロジェクト): what a partner and the institution set up together."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coop.models import TenantOwned

from .partners import Partner, PractitionerFaculty
from .programs import Program, Term

USER = settings.AUTH_USER_MODEL

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
        State.OPEN: {State.SELECTING, State.FILLED, State.CANCELLED},  # filled: every place taken
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
    # Next round (seed 002): what the last round taught, carried into the copy made from it.
    lessons = models.TextField(
        _("lessons learned"), blank=True, help_text=_("What the previous round taught, for the next one.")
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set together (合意): each side confirms the draft; with both it is agreed. An edit clears
    # the other side's confirmation (they agree to what they saw).
    institution_confirmed_at = models.DateTimeField(_("confirmed by the institution"), null=True, blank=True)
    institution_confirmed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    partner_confirmed_at = models.DateTimeField(_("confirmed by the partner"), null=True, blank=True)
    partner_confirmed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    # The sides that confirm a theme, and the fields that record each one.
    SIDES = {
        "institution": ("institution_confirmed_at", "institution_confirmed_by"),
        "partner": ("partner_confirmed_at", "partner_confirmed_by"),
    }

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "state"], name="theme_tenant_state"),
            models.Index(fields=["tenant", "partner"], name="theme_tenant_partner"),
            models.Index(fields=["tenant", "program", "term"], name="theme_tenant_program_term"),
            models.Index(fields=["tenant", "created_at", "id"], name="theme_tenant_created"),
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


class ThemeComment(TenantOwned):
    """A remark on a theme while the partner and the office set it together."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="comments", verbose_name=_("theme"))
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("theme comment")
        verbose_name_plural = _("theme comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["tenant", "theme"], name="theme_comment_tenant_theme")]

    def __str__(self):
        return self.body[:40]
