"""Placements (就業 / 派遣), their partner supervisors, per-object grants and career outcomes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from guardian.managers import UserObjectPermissionManager
from guardian.models import UserObjectPermissionBase

from coop.models import TenantOwned

from .partners import Partner, PartnerContact, PractitionerFaculty
from .selection import Application
from .themes import Theme

USER = settings.AUTH_USER_MODEL

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
    # For incremental sync by the API (api/): changes since a time, in (updated_at, id) order.
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["tenant", "state"], name="placement_tenant_state"),
            models.Index(fields=["tenant", "partner"], name="placement_tenant_partner"),
            models.Index(fields=["tenant", "student"], name="placement_tenant_student"),
            models.Index(fields=["tenant", "faculty_supervisor"], name="placement_tenant_faculty"),
            # the placements list's default order (newest start first), read backwards
            models.Index(fields=["tenant", "starts_on", "id"], name="placement_tenant_starts"),
            models.Index(fields=["tenant", "updated_at", "id"], name="placement_tenant_updated"),
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
