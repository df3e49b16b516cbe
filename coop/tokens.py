"""Secrets in emailed links: made here, stored only as a hash, and the status every single-use,
expiring, revocable link shares (invitations, feedback and evaluation links, rater links)."""

import hashlib
import secrets

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class SingleUseLink:
    """Mixin for a model with `expires_at`, `revoked_at` and a used-at field (`USED_FIELD`).

    `status` is one of the USED_STATUS code, "revoked", "expired" or "pending"."""

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

    def get_status_display(self):
        return self.STATUS_LABELS[self.status]
