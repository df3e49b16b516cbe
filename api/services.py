"""Writes of the API's own rows: tokens (made and revoked by administrators), the log of every
request, and the stored answers of idempotent writes."""

import hashlib
import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.access import ADMINS
from coop.clock import tenant_today, tenant_zone
from coop.tokens import hash_token, new_token

from .models import ApiRequestLog, ApiToken, IdempotentWrite
from .scopes import SCOPES

logger = logging.getLogger(__name__)


def _check_admin(tenant, by):
    if not by.memberships.filter(tenant=tenant, role__in=ADMINS, is_active=True).exists():
        raise ValidationError(_("Only an administrator of the institution manages API tokens."))


def api_token_create(*, tenant, by, name, scopes, expires_on):
    """Makes a token; returns (token, raw). The raw token is shown once and never stored."""
    _check_admin(tenant, by)
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValidationError(_("Choose at least one permission."))
    today = tenant_today(tenant)
    if expires_on <= today:
        raise ValidationError(_("The expiry date must be in the future."))
    if expires_on > today + timedelta(days=settings.API_TOKEN_MAX_DAYS):
        raise ValidationError(_("A token is valid for at most %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS})
    raw = f"{tenant.slug}.{new_token()}"
    # valid through the whole of its last day, in the institution's time zone
    expires_at = datetime.combine(expires_on, time.max).replace(tzinfo=tenant_zone(tenant))
    token = ApiToken.objects.create(
        tenant=tenant,
        name=name,
        token_hash=hash_token(raw),
        scopes=[s for s in SCOPES if s in set(scopes)],
        created_by=by,
        expires_at=expires_at,
    )
    return token, raw


def api_token_revoke(*, token, by):
    _check_admin(token.tenant, by)
    if token.revoked_at:
        raise ValidationError(_("This token is revoked already."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_request_log(*, token, method, path, status):
    return ApiRequestLog.objects.create(
        tenant_id=token.tenant_id, token=token, method=method, path=path[:500], status=status
    )


def request_fingerprint(method, path, body):
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def idempotent_write_find(*, token, key):
    return IdempotentWrite.objects.filter(tenant_id=token.tenant_id, token=token, key=key).first()


def idempotent_write_store(*, token, key, request_hash, status, body):
    """Keeps the answer. False when a concurrent request with the same key stored first."""
    try:
        with transaction.atomic():
            IdempotentWrite.objects.create(
                tenant_id=token.tenant_id, token=token, key=key, request_hash=request_hash, status=status, body=body
            )
    except IntegrityError:
        return False
    return True


def api_rows_expire(tenant, *, batch=5000):
    """Drops request logs older than API_LOG_DAYS and stored idempotent answers older than
    API_IDEMPOTENCY_DAYS, a bounded batch at a time. Returns {what: how many}."""
    now = timezone.now()
    counts = {}
    for label, model, days in (
        ("API request logs expired", ApiRequestLog, settings.API_LOG_DAYS),
        ("API idempotency keys expired", IdempotentWrite, settings.API_IDEMPOTENCY_DAYS),
    ):
        old = model.objects.filter(tenant=tenant, created_at__lt=now - timedelta(days=days))
        ids = list(old.order_by("pk").values_list("pk", flat=True)[:batch])
        counts[label] = model.objects.filter(tenant=tenant, pk__in=ids).delete()[0] if ids else 0
    return counts


def api_rows_sweep(tenant):
    """coop.sweeper (every minute, in the tenant's scope): expires old API rows. Reports nothing
    to the sweeper, whose totals are work re-queued."""
    counts = api_rows_expire(tenant)
    if any(counts.values()):
        logger.info("API rows expired in tenant %s: %s", tenant.pk, counts)
    return {}
