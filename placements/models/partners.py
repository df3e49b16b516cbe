"""Partners (企業・受入先・連携機関), their departments and people, and practitioner faculty (実務家教員)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coop.models import EmailedLink, TenantOwned

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
    # For incremental sync by the API (api/).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

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


class ContactLink(EmailedLink):
    """An emailed link that lets one partner contact do one thing without an account (reports'
    feedback and evaluation links, rubrics' rater links, surveys' links): who sent it, when it
    was first opened, and when it was used up (the link's `used_at`)."""

    contact = models.ForeignKey(PartnerContact, on_delete=models.CASCADE, related_name="+", verbose_name=_("sent to"))
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        abstract = True


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
