import datetime

from django_scopes import scopes_disabled

from api.services import api_token_create
from coop.access import ADMINS
from coop.models import Role

from ..factories import member
from . import Case


def admin_token(tenant, members):
    with scopes_disabled():
        token, _raw = api_token_create(
            tenant=tenant,
            by=members.get(Role.ADMIN) or member(tenant, Role.ADMIN),
            name="教務システム",
            scopes=["students:read"],
            expires_on=datetime.date(2026, 12, 31),
        )
    return {"pk": token.pk}


# The API tokens of an institution, on its settings (the API itself: tests/api/test_permissions.py).
TENANT_URLS = {
    "api_tokens:tokens": Case("GET", ADMINS),
    "api_tokens:token_detail": Case("GET", ADMINS, admin_token),
    "api_tokens:token_revoke": Case("POST", ADMINS, admin_token),
}
