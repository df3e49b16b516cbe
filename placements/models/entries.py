"""Entries (エントリー) from the public project index (seed 002): a visitor without an account
enters a coordinator's project; an emailed, single-use, expiring link confirms the address and
turns the entry into an applicant account of that tenant and an Application."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coop.models import EmailedLink, TenantOwned

from .selection import Application
from .themes import Theme

USER = settings.AUTH_USER_MODEL


class EntrySchool(TenantOwned):
    """A school the tenant lists for entrants to choose from (they may also type another)."""

    name = models.CharField(_("school"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("school for entries")
        verbose_name_plural = _("schools for entries")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="entry_school_once")]

    def __str__(self):
        return self.name


class Entry(EmailedLink):
    """An entry waiting for its email confirmation, then the record of where an applicant came
    from (school, year) beside the Application it became. Only the token's hash is stored."""

    class Year(models.TextChoices):
        Y1 = "1", _("1st year")
        Y2 = "2", _("2nd year")
        Y3 = "3", _("3rd year")
        Y4 = "4", _("4th year")
        Y5 = "5", _("5th year or above")
        GRADUATE = "graduate", _("Graduate school")
        OTHER = "other", _("Other")

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="entries", verbose_name=_("project"))
    full_name = models.CharField(_("full name"), max_length=150)
    school = models.CharField(_("school"), max_length=200)
    year = models.CharField(_("year"), max_length=10, choices=Year.choices)
    motivation = models.TextField(_("motivation"))
    file = models.FileField(_("attachment"), upload_to="entries/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    user = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="entry"
    )

    USED_FIELD = "confirmed_at"
    USED_STATUS = "confirmed"
    STATUS_LABELS = {
        "confirmed": _("Confirmed"),
        "revoked": _("Revoked"),
        "expired": _("Expired"),
        "pending": _("Waiting for the email confirmation"),
    }

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "theme", "email"], name="entry_tenant_theme_email")]

    def __str__(self):
        return f"{self.full_name} → {self.theme_id}"
