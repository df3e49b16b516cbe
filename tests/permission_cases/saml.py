"""Institution sign-in (SAML): the administrator's settings and the approval of requests.
allauth's own SAML addresses (/accounts/saml/<tenant>/...) are outside the tenant URLs and are
tested in tests/coop/test_saml.py; the waiting page is tenant-public (same file)."""

from django_scopes import scopes_disabled

from coop.access import ADMINS, MANAGERS
from coop.models import MembershipRequest

from ..factories import UserFactory
from . import Case


def pending_request(tenant, members):
    with scopes_disabled():
        found = MembershipRequest.objects.create(tenant=tenant, user=UserFactory(), affiliation="staff")
    return {"pk": found.pk}


TENANT_URLS = {
    "coop:saml_settings": Case("GET", ADMINS),
    "coop:membership_request_decide": Case("POST", MANAGERS, pending_request),
}
