"""Programs, their terms and the yearly plan of students sent and received (計画と実績)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from coop.models import TenantOwned

USER = settings.AUTH_USER_MODEL


# --- Programs, terms and yearly plans -------------------------------------------------------


class Cadence(models.TextChoices):
    """How often a program holds reflection dialogues (振り返りの対話) with each placement."""

    NONE = "", _("No set cadence")
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every 2 weeks")
    MONTHLY = "monthly", _("Every month")


def _add_months(day, n):
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def cadence_after(cadence, day):
    """The day the next dialogue is due after one held on `day` (None: no cadence)."""
    if cadence == Cadence.WEEKLY:
        return day + datetime.timedelta(days=7)
    if cadence == Cadence.BIWEEKLY:
        return day + datetime.timedelta(days=14)
    if cadence == Cadence.MONTHLY:
        return _add_months(day, 1)
    return None


def cadence_cutoff(cadence, today):
    """The latest day a dialogue may have been held on for the next one to be due by `today`."""
    if cadence == Cadence.WEEKLY:
        return today - datetime.timedelta(days=7)
    if cadence == Cadence.BIWEEKLY:
        return today - datetime.timedelta(days=14)
    if cadence == Cadence.MONTHLY:
        return _add_months(today, -1)
    return None


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
    orientation_required = models.BooleanField(
        _("start orientation required before the placement becomes active"),
        default=False,
        help_text=_("The student, the partner and the coordinator each confirm the start orientation first."),
    )
    reflection_cadence = models.CharField(
        _("reflection dialogues"),
        max_length=20,
        choices=Cadence.choices,
        default=Cadence.NONE,
        blank=True,
        help_text=_("How often the office holds a reflection dialogue with each active placement."),
    )

    @property
    def has_directions(self):
        """Only an exchange both sends and receives students (seed 001): the direction
        (派遣・受入れ) and the inbound plan belong to its pages alone."""
        return self.kind == self.Kind.EXCHANGE

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
