"""Meetings around a placement (seed 002): the start orientation (スタートオリエンテーション)
that the partner, the student and the coordinator confirm, and the periodic reflection
dialogues (振り返りの対話) with each side's notes and the next actions followed up next time.
Interviews (面談) before selection stay in selection.py (Interview, InterviewParticipant)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coop.models import TenantOwned

from .placements import Placement

USER = settings.AUTH_USER_MODEL

# The three sides of a meeting about a placement, in the order pages show them.
SIDES = ("student", "partner", "coordinator")
SIDE_LABELS = {
    "student": _("Student"),
    "partner": _("Partner"),
    "coordinator": _("Coordinator (office)"),
}


class StartOrientation(TenantOwned):
    """What the partner, the student and the coordinator agreed at the start: the purpose, the
    goals and how they will work. Each side confirms it in the portal; a change to what was
    agreed withdraws the confirmations given before (services.meetings)."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="orientation")
    held_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    place = models.CharField(_("place or online meeting address"), max_length=300, blank=True)
    purpose = models.TextField(_("agreed purpose"))
    goals = models.TextField(_("goals"))
    working_style = models.TextField(
        _("how we will work"), blank=True, help_text=_("Days and hours, on site or remote, living on site.")
    )
    contact = models.TextField(_("contact and reporting"), blank=True)
    rules = models.TextField(_("rules"), blank=True)
    student_confirmed_at = models.DateTimeField(null=True, blank=True)
    student_confirmed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    partner_confirmed_at = models.DateTimeField(null=True, blank=True)
    partner_confirmed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    coordinator_confirmed_at = models.DateTimeField(null=True, blank=True)
    coordinator_confirmed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("start orientation")
        verbose_name_plural = _("start orientations")

    def __str__(self):
        return str(_("Start orientation: %(placement)s") % {"placement": self.placement})

    def get_absolute_url(self):
        return self.placement.get_absolute_url() + "#orientation"

    def confirmed_at(self, side):
        return getattr(self, f"{side}_confirmed_at")

    @property
    def confirmations(self):
        """[(side, label, when confirmed or None, by whom)] in the order of SIDES."""
        return [
            (side, SIDE_LABELS[side], self.confirmed_at(side), getattr(self, f"{side}_confirmed_by")) for side in SIDES
        ]

    @property
    def is_confirmed(self):
        return all(self.confirmed_at(side) for side in SIDES)


class ReflectionDialogue(TenantOwned):
    """One reflection dialogue (振り返りの対話) of a placement: scheduled by the office, with
    notes from each side and the next actions; the next dialogue follows those actions up."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reflections")
    number = models.PositiveSmallIntegerField(_("number"))
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place or online meeting address"), max_length=300, blank=True)
    student_notes = models.TextField(_("student's notes"), blank=True)
    partner_notes = models.TextField(_("partner's notes"), blank=True)
    coordinator_notes = models.TextField(_("coordinator's notes"), blank=True)
    scheduled_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reflection dialogue")
        verbose_name_plural = _("reflection dialogues")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["tenant", "placement", "number"], name="reflection_number_once")]
        indexes = [models.Index(fields=["tenant", "placement", "scheduled_at"], name="reflection_tenant_placement")]

    def __str__(self):
        return str(_("Reflection dialogue %(number)s") % {"number": self.number})

    def get_absolute_url(self):
        return reverse("placements:reflection_detail", kwargs={"tenant_slug": self.tenant_slug, "pk": self.pk})

    def notes_of(self, side):
        return getattr(self, f"{side}_notes")


class ReflectionAction(TenantOwned):
    """A next action agreed at a dialogue; the next dialogue marks it done or carries it over
    (a carried-over action is copied onto that dialogue, `carried_from` naming the first)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        CARRIED_OVER = "carried_over", _("Carried over")

    dialogue = models.ForeignKey(ReflectionDialogue, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    owner = models.CharField(
        _("who"), max_length=20, choices=[(side, SIDE_LABELS[side]) for side in SIDES], default="student"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    carried_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("next action")
        verbose_name_plural = _("next actions")
        ordering = ["id"]
        indexes = [models.Index(fields=["tenant", "dialogue"], name="reflection_action_dialogue")]

    def __str__(self):
        return self.text
