"""API tokens of a tenant, the log of their every use, and the stored answers of idempotent
writes. Only a hash of a token is stored (coop.tokens)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import TenantOwned

from .scopes import scope_choices


class ApiToken(TenantOwned):
    """A named, scoped, expiring, revocable token of one tenant, made by an administrator.

    The raw token is `<tenant slug>.<secret>`, shown once; the slug names the tenant so the
    token is looked up inside it (row-level security needs no bypass)."""

    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("permissions"), default=list)
    # The administrator the token acts for; a deleted account leaves the token stopped (and its log).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "created_at"], name="apitoken_tenant_created")]

    def __str__(self):
        return self.name

    @property
    def status(self):
        if getattr(self, "maker_is_admin", True) is False:
            return "orphaned"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def get_status_display(self):
        return {
            "revoked": _("Revoked"),
            "expired": _("Expired"),
            "active": _("Active"),
            "orphaned": _("Stopped: its maker is no longer an administrator"),
        }[self.status]

    def allows(self, scope):
        return scope in self.scopes

    @property
    def scope_labels(self):
        labels = dict(scope_choices())
        return [labels.get(s, s) for s in self.scopes]


class ApiRequestLog(TenantOwned):
    """One use of a token: who, what, how it ended."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="requests")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")
        indexes = [models.Index(fields=["tenant", "token", "created_at"], name="apilog_tenant_token_created")]


class IdempotentWrite(TenantOwned):
    """The answer to a write sent with an Idempotency-Key: the same key and body get it again;
    the same key with another body is refused (422)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "token", "key"], name="idempotent_write_once_per_key")]
