import datetime

import pytest
from django_scopes import scopes_disabled

from api.scopes import SCOPES
from api.services import api_token_create
from coop.models import Role

from ..factories import member


def make_token(tenant, scopes=tuple(SCOPES), *, by=None, expires_on=datetime.date(2026, 12, 31), name="教務システム"):
    """A raw token of `tenant` (made by an administrator, as on the settings page)."""
    with scopes_disabled():
        by = by or member(tenant, Role.ADMIN)
        token, raw = api_token_create(
            tenant=tenant,
            by=by,
            name=name,
            scopes=list(scopes),
            expires_on=expires_on,
        )
    return raw


def auth(raw):
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def token(tenant):
    return make_token(tenant)


@pytest.fixture
def api(client, token):
    """The Django test client with the tenant's all-permission token."""

    class Api:
        def get(self, path, headers=None, **params):
            return client.get(path, params, headers={**auth(token), **(headers or {})})

        def put(self, path, data, headers=None):
            return client.put(path, data, content_type="application/json", headers={**auth(token), **(headers or {})})

        def post(self, path, data, headers=None):
            return client.post(path, data, content_type="application/json", headers={**auth(token), **(headers or {})})

    return Api()
