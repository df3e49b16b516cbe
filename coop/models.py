"""The shared core: people, tenants (institutions), memberships and invitations.

Every tenant-owned model inherits `TenantOwned`: a non-null tenant foreign key and a
django-scopes manager, so a query with no active tenant scope raises instead of leaking rows.
"""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, get_scope

from .registry import HISTORY_LABELS
from .tokens import SingleUseLink


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an email address; belongs to tenants through memberships."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty means the browser's language."),
    )

    class ReminderChannel(models.TextChoices):
        DIGEST = "digest", _("In the portal and one email a day")
        IN_APP = "in_app", _("In the portal only")

    reminder_channel = models.CharField(
        _("reminders"), max_length=10, choices=ReminderChannel.choices, default=ReminderChannel.DIGEST
    )
    calendar_token = models.CharField(max_length=43, blank=True, editable=False, db_index=True)
    is_staff = models.BooleanField(_("platform operator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Lists in the order of people's names (the month's overview of 10,000 placements)
        # walk this index and stop after a page, instead of sorting every row.
        indexes = [models.Index(fields=["full_name", "id"], name="user_name_order")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name or self.email


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class Tenant(models.Model):
    """An institution: a university, a high school or a regional coordinator organization."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        HIGH_SCHOOL = "high_school", _("High school")
        COORDINATOR = "coordinator", _("Coordinator organization")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("default language"), max_length=8, choices=settings.LANGUAGES, default="ja")
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Tokyo", validators=[validate_timezone])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TenantOwned(models.Model):
    """Base for every row that belongs to one tenant."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, verbose_name=_("institution"))

    objects = ScopedManager(tenant="tenant")

    class Meta:
        abstract = True

    @property
    def tenant_slug(self):
        """The tenant's slug for URLs, from the active scope when it is this row's tenant
        (no query per row in lists), else from the database."""
        active = get_scope().get("tenant")
        if active is not None and getattr(active, "pk", None) == self.tenant_id:
            return active.slug
        return self.tenant.slug


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Placement office staff")
    FACULTY = "faculty", _("Faculty supervisor")
    PARTNER = "partner", _("Partner person")
    STUDENT = "student", _("Student")


class Membership(TenantOwned):
    """A user's role in one tenant. A user may have memberships in several tenants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # How this institution knows the person: the name in kana and the student number (学籍番号),
    # both searched by the members and placements lists.
    name_kana = models.CharField(_("full name (kana)"), max_length=150, blank=True)
    student_number = models.CharField(_("student number"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    # For incremental sync by the API (api/): changes since a time, in (updated_at, id) order.
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_one_per_tenant")]
        indexes = [
            models.Index(fields=["tenant", "role"], name="membership_tenant_role"),
            # a student-record system finds its students by number (api/)
            models.Index(fields=["tenant", "student_number"], name="membership_tenant_number"),
            models.Index(fields=["tenant", "updated_at", "id"], name="membership_tenant_updated"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.tenant_id} ({self.role})"


class EmailDelivery(models.Model):
    """An email owed to somebody, sent exactly once in effect (coop.delivery): a sender claims
    the row for a short lease, sends, and marks it sent. A sender that dies leaves the lease to
    expire and the sweeper sends it again; a sent row is never sent twice."""

    send_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("emailed"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class EmailedLink(SingleUseLink, TenantOwned, EmailDelivery):
    """The columns every emailed, single-use, expiring, revocable link shares (invitations,
    entries, partner feedback/evaluation, rater and survey links); `SingleUseLink` gives the
    status and `coop.links` the services. Only the token's hash is stored: a leaked database
    does not leak working links. A subclass adds its used-at field (`USED_FIELD`)."""

    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        abstract = True


class Invitation(EmailedLink):
    """An emailed, single-use, expiring invitation to join a tenant with a role."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when a student-record system invites a student (api/): copied onto the membership
    # when the invitation is accepted.
    student_number = models.CharField(_("student number"), max_length=40, blank=True)
    name_kana = models.CharField(_("full name (kana)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "email"], name="invitation_tenant_email")]

    def __str__(self):
        return f"{self.email} ({self.role})"

    USED_FIELD = "accepted_at"
    USED_STATUS = "accepted"
    STATUS_LABELS = {
        "accepted": _("Accepted"),
        "revoked": _("Revoked"),
        "expired": _("Expired"),
        "pending": _("Pending"),
    }


class HistoryEntry(TenantOwned):
    """Who changed what and when, for any tenant-owned object: state changes above all.

    Written only by `coop.workflow`; shown on each object's page.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(_("action"), max_length=60)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    # What happened is the action code and these values (a version number, a party code, a
    # date), rendered in the reader's language; `note` is only what a person typed (a reason).
    values = models.JSONField(_("values"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "content_type", "object_id"], name="history_tenant_object")]

    def __str__(self):
        return f"{self.action} {self.from_state}→{self.to_state}"

    def _state_label(self, value):
        # Content types are cached by Django: no query per history row.
        model = self.content_type.model_class()
        try:
            choices = dict(model._meta.get_field("state").choices)
        except Exception:  # a model without a state field
            return value
        return choices.get(value, value)

    @property
    def from_label(self):
        return self._state_label(self.from_state) if self.from_state else ""

    @property
    def to_label(self):
        return self._state_label(self.to_state) if self.to_state else ""

    @property
    def action_label(self):
        from .workflow import action_label  # coop.workflow imports these models

        return action_label(self.action)

    @property
    def named_action(self):
        """The label an app registered for this exact action (shown next to a state change)."""
        return HISTORY_LABELS.get(self.action, "")

    @property
    def text(self):
        """The sentence this entry's values make, in the active language ("" without one)."""
        from .workflow import history_text  # coop.workflow imports these models

        return history_text(self)


class DownloadLog(TenantOwned):
    """Who downloaded which document or export, and how many rows: every download is logged."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    what = models.CharField(_("what"), max_length=200)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "created_at"], name="download_tenant_created")]

    def __str__(self):
        return f"{self.what} ({self.user_id})"


class DeadlineSettings(TenantOwned):
    """When reminders fall due in a tenant. What is due is computed from the data by the
    deadline providers each app registers; this row only holds the tenant's choices."""

    daily_report_missing_days = models.PositiveSmallIntegerField(
        _("remind when daily reports are missing for this many working days"), default=2
    )
    monthly_report_due_day = models.PositiveSmallIntegerField(
        _("monthly report due on this day of the next month"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    evaluation_due_days = models.PositiveSmallIntegerField(
        _("evaluations due this many days after a placement ends"), default=14
    )
    signature_waiting_days = models.PositiveSmallIntegerField(
        _("remind when an agreement waits for a signature this many days"), default=7
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("hour of the daily email digest"), default=8, validators=[MaxValueValidator(23)]
    )

    class Meta:
        verbose_name = _("deadline settings")
        verbose_name_plural = _("deadline settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="deadline_settings_one_per_tenant")]

    def __str__(self):
        return str(self.tenant_id)


class Reminder(TenantOwned):
    """One reminder for one person about one due thing. `key` names the occurrence, so the
    deadline scan can run any number of times and still create it once (unique constraint)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(max_length=500, blank=True)
    due_on = models.DateField(_("due"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    # The digest that carries it (set when the digest is claimed, kept if it must be re-sent).
    digest = models.ForeignKey("DigestDelivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-due_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="reminder_once_per_key")]
        indexes = [models.Index(fields=["tenant", "user", "emailed_at"], name="reminder_tenant_user_emailed")]

    def __str__(self):
        return self.title


class DigestDelivery(TenantOwned, EmailDelivery):
    """One person's digest of a day: written with its reminders before the email is sent,
    marked sent after; one per person and day, sent once (coop.delivery)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reminder_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [models.UniqueConstraint(fields=["tenant", "user", "day"], name="digest_once_per_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class Notification(TenantOwned, EmailDelivery):
    """One notification email owed to one person about a change (coop.notifications): written
    in the transaction of the change, sent after commit, re-sent by the sweeper if its sender
    died or the broker was away; never sent twice (coop.delivery)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=100)  # app_label.ModelName of the tenant-owned row
    object_id = models.BigIntegerField()
    event = models.CharField(max_length=100)  # the email template
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["tenant", "sent_at", "created_at"], name="notification_unsent")]

    def __str__(self):
        return f"{self.event} {self.model}#{self.object_id} -> {self.user_id}"


class ExportJob(TenantOwned):
    """An export run in the background (large tables), with its progress and the finished file."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    table = models.CharField(_("table"), max_length=40)
    fmt = models.CharField(_("format"), max_length=10)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "user", "created_at"], name="exportjob_tenant_user")]

    def __str__(self):
        return f"{self.table}.{self.fmt}"

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


# --- Institution sign-in (SAML) --------------------------------------------------------------
# Attribute names as identity providers of the GakuNin federation (Shibboleth) release them.
EPPN = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"  # eduPersonPrincipalName
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"  # mail
JA_DISPLAY_NAME = "urn:oid:1.3.6.1.4.1.32264.1.1.3"  # jaDisplayName (GakuNin)
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"  # displayName
SCOPED_AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9"  # eduPersonScopedAffiliation
AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"  # eduPersonAffiliation


class SamlIdentityProvider(TenantOwned):
    """A tenant's SAML identity provider (its university's Shibboleth IdP, usually through
    GakuNin): what allauth's SAML provider needs (coop.saml builds the app per tenant, the
    tenant's slug in every SAML address), how its attributes map, who joins with which role,
    and whether members must sign in through it."""

    is_enabled = models.BooleanField(_("sign-in with the institution account is on"), default=False)
    entity_id = models.CharField(_("identity provider entity ID"), max_length=500)
    metadata_url = models.URLField(_("metadata URL"), max_length=500, blank=True)
    metadata_xml = models.TextField(_("metadata (uploaded file)"), blank=True)
    # What the metadata says (sign-in and logout addresses, signing certificate), kept at save.
    idp = models.JSONField(default=dict, editable=False)

    attr_uid = models.CharField(_("unique ID attribute"), max_length=200, default=EPPN)
    attr_email = models.CharField(_("mail attribute"), max_length=200, default=MAIL)
    attr_name_ja = models.CharField(_("display name (Japanese) attribute"), max_length=200, default=JA_DISPLAY_NAME)
    attr_name_en = models.CharField(_("display name (English) attribute"), max_length=200, default=DISPLAY_NAME)
    attr_affiliation = models.CharField(_("affiliation attribute"), max_length=200, default=SCOPED_AFFILIATION)

    # Affiliation rules: the role a new person with this affiliation joins with ("" = waits for
    # staff approval).
    role_for_student = models.CharField(
        _("role for affiliation student"), max_length=20, blank=True, default=Role.STUDENT
    )
    role_for_faculty = models.CharField(
        _("role for affiliation faculty"), max_length=20, blank=True, default=Role.FACULTY
    )
    role_for_staff = models.CharField(_("role for affiliation staff"), max_length=20, blank=True, default="")

    require_saml = models.BooleanField(_("members must sign in with the institution account"), default=False)
    break_glass_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("break-glass administrator (may still sign in with a password)"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SAML identity provider")
        verbose_name_plural = _("SAML identity providers")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="saml_idp_one_per_tenant")]

    def __str__(self):
        return self.entity_id


class SamlAssertionUse(TenantOwned):
    """An assertion ID a tenant has accepted, kept until the assertion expires: the same
    assertion presented twice is refused (replay)."""

    assertion_id = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "assertion_id"], name="saml_assertion_once")]
        indexes = [models.Index(fields=["tenant", "expires_at"], name="saml_assertion_tenant_expires")]

    def __str__(self):
        return self.assertion_id


class MembershipRequest(TenantOwned):
    """A person who signed in through the institution's identity provider with no invitation
    and no affiliation rule: waits for staff to approve (with a role) or decline."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_request_one_per_user")]
        indexes = [models.Index(fields=["tenant", "state"], name="membership_request_state")]

    def __str__(self):
        return f"{self.user_id} ({self.state})"
