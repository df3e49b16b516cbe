"""The one place that says what day (and local time) it is for a tenant.

An instant is `timezone.now()` (UTC). A day depends on where you stand: the tenant's own time zone,
else the active one (set per request by the tenant middleware), else settings.TIME_ZONE. Late at
night in Tokyo, UTC is still on the day before: never take `.date()` of an instant.
"""

import zoneinfo

from django.utils import timezone


def tenant_zone(tenant=None):
    """The tenant's time zone; without a tenant, the active time zone."""
    if tenant is not None and tenant.timezone:
        return zoneinfo.ZoneInfo(tenant.timezone)
    return timezone.get_current_timezone()


def tenant_now(tenant=None):
    """The current instant as the tenant's wall clock shows it."""
    return timezone.localtime(timezone.now(), tenant_zone(tenant))


def tenant_today(tenant=None):
    """Today's date for the tenant."""
    return tenant_now(tenant).date()


def tenant_date(value, tenant=None):
    """The tenant's date of an instant (an aware datetime), e.g. the day a document was issued."""
    return timezone.localtime(value, tenant_zone(tenant)).date()
