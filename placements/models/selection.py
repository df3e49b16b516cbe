"""Applications and selection (選考), with pre-interviews and selection interviews."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coop.models import TenantOwned

from .themes import Theme

USER = settings.AUTH_USER_MODEL

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
        indexes = [
            models.Index(fields=["tenant", "state"], name="application_tenant_state"),
            models.Index(fields=["tenant", "created_at", "id"], name="application_tenant_created"),
        ]

    def __str__(self):
        return f"{self.student} → {self.theme}"

    def get_absolute_url(self):
        return reverse("placements:application_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})


class Interview(TenantOwned):
    """A pre-interview (事前面談) or selection interview (面談): scheduled with the partner's
    people and the coordinator (participants), then its outcome and notes."""

    class Kind(models.TextChoices):
        PRE_INTERVIEW = "pre_interview", _("Pre-interview")
        SELECTION = "selection", _("Selection interview")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not decided yet")
        GO_AHEAD = "go_ahead", _("Go ahead")
        NOT_NOW = "not_now", _("Not now")
        DECLINED = "declined", _("Declined")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SELECTION)
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting address"), max_length=500, blank=True)
    interviewer = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["held_at"]
        indexes = [models.Index(fields=["tenant", "application"], name="interview_tenant_application")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.application}"

    def get_absolute_url(self):
        return self.application.get_absolute_url() + "#interviews"


class InterviewParticipant(TenantOwned):
    """A person taking part in an interview: the coordinator's staff or a partner person."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("interview participant")
        verbose_name_plural = _("interview participants")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "interview", "user"], name="interview_participant_once")
        ]
        indexes = [models.Index(fields=["tenant", "user"], name="interview_participant_user")]
