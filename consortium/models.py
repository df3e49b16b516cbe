"""A consortium of institutions (seed 004: regional universities running one common career and
settlement program for international students), above the tenants.

What lives here and who owns it:
- the consortium, its member tenants and its own coordinators, its common program's published
  versions and its shared partner records are the consortium's rows (no tenant column: they
  belong to no one institution, and carry no person's data but the coordinators' accounts);
- a member's adoption of the common program, its copies of the templates, its good-practice
  write-ups and the links from its own partners to shared partner records are that member's
  rows (TenantOwned, scoped, under row-level security). What other members see of them is
  what the author shares (a write-up) or an aggregate without personal rows (consortium.selectors).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coop.models import Tenant, TenantOwned
from reports.models import ReportGuide

USER = settings.AUTH_USER_MODEL


class Consortium(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consortium")
        verbose_name_plural = _("consortiums")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("consortium:home", kwargs={"slug": self.slug})


class ConsortiumMember(models.Model):
    """A member institution and the day it joined."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="consortium_memberships", verbose_name=_("institution")
    )
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("member institution")
        verbose_name_plural = _("member institutions")
        ordering = ["member__name"]
        constraints = [models.UniqueConstraint(fields=["consortium", "member"], name="consortium_member_once")]

    def __str__(self):
        return f"{self.member} @ {self.consortium}"


class ConsortiumCoordinator(models.Model):
    """A person who runs the consortium: not necessarily a member of any institution."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="coordinators")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="consortium_roles", verbose_name=_("user"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consortium coordinator")
        verbose_name_plural = _("consortium coordinators")
        constraints = [models.UniqueConstraint(fields=["consortium", "user"], name="consortium_coordinator_once")]

    def __str__(self):
        return f"{self.user} @ {self.consortium}"


class Stage(models.TextChoices):
    """The three phases of the common program (seed 004: 就職・定着を3つのフェーズでサポート)."""

    BEFORE_JOB_HUNTING = "before_job_hunting", _("Before job hunting")
    JOB_HUNTING = "job_hunting", _("Job hunting")
    SETTLEMENT = "settlement", _("Settlement in the region")


class CommonProgramVersion(models.Model):
    """One published version of the consortium's common program. Never changed once published:
    a change is the next version, which each member takes when it accepts it.

    `phases`: {"<Stage>": "what happens in it"}. `rubric`: {"name", "kind", "description",
    "levels", "criteria"} in the rubrics app's structure. `templates`: [{"kind": an
    Agreement.Kind, "title", "text"}]. `evaluation_form` (optional): {"name", "criteria_text",
    "questions_text", "scale_max"} as the reports app's form editor takes them (one item a line).
    `survey_forms`: [{"code", "name", "description", "questions"}], the questions in the surveys
    app's structure; each becomes the member's own survey form (code "<consortium>-<code>").
    `report_guide`: {report field: prompt} as reports.models.ReportGuide holds them ({} for none),
    written to the adopted program's guide.
    """

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("program name"), max_length=200)
    description = models.TextField(_("description"))
    phases = models.JSONField(_("phases"), default=dict)
    rubric = models.JSONField(_("rubric"), default=dict)
    templates = models.JSONField(_("agreement templates"), default=list)
    evaluation_form = models.JSONField(_("evaluation form"), default=dict, blank=True)
    survey_forms = models.JSONField(_("survey forms"), default=list, blank=True)
    report_guide = models.JSONField(_("report guide"), default=dict, blank=True)
    changes = models.TextField(_("what changed"), blank=True)
    published_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("common program version")
        verbose_name_plural = _("common program versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["consortium", "number"], name="common_program_version_once")]

    def __str__(self):
        return f"{self.name} v{self.number}"

    @property
    def phase_list(self):
        return [(label, self.phases.get(value, "")) for value, label in Stage.choices]

    @property
    def report_guide_list(self):
        """(report, field label, prompt) of each prompt the version's report guide writes."""
        daily, monthly = _("Daily report"), _("Monthly report")
        return [
            (
                daily if name in ReportGuide.DAILY_FIELDS else monthly,
                ReportGuide._meta.get_field(name).verbose_name,
                text,
            )
            for name in ReportGuide.FIELDS
            if (text := self.report_guide.get(name))
        ]


class SharedPartner(models.Model):
    """A company that works with several members, recorded once for the consortium. Members
    link their own partner record to it (PartnerLink); their placements stay theirs."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="shared_partners")
    name = models.CharField(_("company name"), max_length=200)
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        validators=[RegexValidator(r"^\d{13}$", _("A corporate number is 13 digits."))],
        help_text=_("The 13 digits of the National Tax Agency's register."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared partner")
        verbose_name_plural = _("shared partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "corporate_number"], name="shared_partner_number_once")
        ]

    def __str__(self):
        return self.name


# --- A member's own rows ---------------------------------------------------------------------


class Adoption(TenantOwned):
    """A member's copy of the common program: its own Program, rubric and templates, following
    `version` until the member accepts a newer one."""

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        CommonProgramVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version followed")
    )
    program = models.ForeignKey("placements.Program", on_delete=models.PROTECT, related_name="+")
    rubric = models.ForeignKey("rubrics.Rubric", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    adopted_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    adopted_at = models.DateTimeField(_("adopted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last accepted"), auto_now=True)

    class Meta:
        verbose_name = _("adoption of the common program")
        verbose_name_plural = _("adoptions of the common program")
        constraints = [models.UniqueConstraint(fields=["tenant", "consortium"], name="adoption_once_per_member")]

    def __str__(self):
        return f"{self.tenant_id}: {self.version}"


class AdoptedTemplate(TenantOwned):
    """A member's copy of one agreement template of the common program."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="templates")
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    version_number = models.PositiveSmallIntegerField(_("from version"))

    class Meta:
        verbose_name = _("adopted template")
        verbose_name_plural = _("adopted templates")
        ordering = ["kind"]
        indexes = [models.Index(fields=["tenant", "adoption"], name="adopted_template_tenant")]

    def __str__(self):
        return self.title


class PracticeCase(TenantOwned):
    """A good-practice write-up by a member, shared with the consortium's library while its
    author's institution keeps it shared (draft -> shared <-> withdrawn)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SHARED = "shared", _("Shared with the consortium")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        State.DRAFT: {State.SHARED},
        State.SHARED: {State.WITHDRAWN},
        State.WITHDRAWN: {State.SHARED},
    }

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    practice = models.TextField(_("the practice"))
    lessons = models.TextField(_("lessons learned"), blank=True)
    file = models.FileField(_("attachment"), upload_to="practices/%Y/%m/", blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "consortium", "state"], name="practice_tenant_state")]

    def __str__(self):
        return self.title


class PartnerLink(TenantOwned):
    """A member's own partner recorded as the consortium's shared partner record."""

    partner = models.ForeignKey("placements.Partner", on_delete=models.CASCADE, related_name="+")
    shared_partner = models.ForeignKey(SharedPartner, on_delete=models.PROTECT, related_name="links")
    linked_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("link to a shared partner")
        verbose_name_plural = _("links to shared partners")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "partner", "shared_partner"], name="partner_link_once")
        ]
        indexes = [models.Index(fields=["tenant", "shared_partner"], name="partner_link_tenant_shared")]

    def __str__(self):
        return f"{self.partner_id} -> {self.shared_partner_id}"
