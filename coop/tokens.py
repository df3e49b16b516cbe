"""Secrets in emailed links: made here, stored only as a hash, and the status every single-use,
expiring, revocable link shares (invitations, feedback and evaluation links, rater links)."""

import hashlib
import secrets

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class SingleUseLink:
    """Mixin for a model with `expires_at`, `revoked_at` and a used-at field (`USED_FIELD`):
    the columns are `coop.models.EmailedLink`'s (this stays a plain class: migrations name it).

    `status` is one of the USED_STATUS code, "revoked", "expired" or "pending"; `status_q` is
    the same rule as a query filter."""

    USED_FIELD = "used_at"
    USED_STATUS = "used"
    STATUS_LABELS = {"used": _("Used"), "revoked": _("Revoked"), "expired": _("Expired"), "pending": _("Waiting")}

    @property
    def status(self):
        if getattr(self, self.USED_FIELD):
            return self.USED_STATUS
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @classmethod
    def status_q(cls, status="pending", *, now=None):
        """The rows whose `status` is `status`, as a Q object (the clock read once, or `now`)."""
        if status == cls.USED_STATUS:
            return Q(**{f"{cls.USED_FIELD}__isnull": False})
        unused = Q(**{f"{cls.USED_FIELD}__isnull": True})
        if status == "revoked":
            return unused & Q(revoked_at__isnull=False)
        now = now or timezone.now()
        if status == "expired":
            return unused & Q(revoked_at__isnull=True, expires_at__lte=now)
        return unused & Q(revoked_at__isnull=True, expires_at__gt=now)

    def get_status_display(self):
        return self.STATUS_LABELS[self.status]
