"""Agreements (協定書, 実施計画書, 寄附講座実施覚書, 実施誓約書), their frozen versions and signatures."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import TenantOwned

from .partners import Partner
from .themes import Theme

USER = settings.AUTH_USER_MODEL

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
    # The version every party signed last: it stays in force during an amendment (the agreement
    # is a draft or issued again) until the next version is signed by every party.
    in_force_version = models.ForeignKey(
        "AgreementVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version in force"),
    )
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

    @property
    def has_version_in_force(self):
        """Whether a signed version binds the parties now: in force, or being amended."""
        if self.state == self.State.IN_FORCE:
            return True
        return self.state != self.State.TERMINATED and self.in_force_version_id is not None

    @property
    def is_being_amended(self):
        return self.has_version_in_force and self.state in (self.State.DRAFT, self.State.ISSUED)


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
