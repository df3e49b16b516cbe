"""Tokens on the settings page: made by an administrator, shown once, stored as a hash,
revoked at once; the token's page lists its every request."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from api.models import ApiToken
from coop.models import Role
from coop.tokens import hash_token

from ..clock import at
from .conftest import auth

pytestmark = [at(2026, 11, 18, 10), pytest.mark.django_db]


def test_an_administrator_makes_a_token_shown_once_and_stored_as_a_hash(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    url = reverse("api_tokens:tokens", kwargs={"tenant_slug": tenant.slug})
    response = client.post(
        url, {"name": "教務システム連携", "scopes": ["students:read", "students:write"], "expires_on": "2027-03-31"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    raw = re.search(r'<code class="secret" id="new-token">([^<]+)</code>', response.content.decode())[1]
    assert raw.startswith("hokuriku.")
    with scopes_disabled():
        token = ApiToken.objects.get(tenant=tenant)
    assert token.token_hash == hash_token(raw) and raw not in str(token.__dict__)
    assert token.scopes == ["students:read", "students:write"]
    assert raw not in client.get(url).content.decode()  # once

    assert client.get(reverse("api:students"), headers=auth(raw)).status_code == 200
    detail = client.get(reverse("api_tokens:token_detail", kwargs={"tenant_slug": tenant.slug, "pk": token.pk}))
    assert "GET /api/v1/students/" in detail.content.decode()

    revoke = reverse("api_tokens:token_revoke", kwargs={"tenant_slug": tenant.slug, "pk": token.pk})
    assert client.post(revoke).status_code == 302
    assert client.get(reverse("api:students"), headers=auth(raw)).status_code == 401


def test_a_token_needs_a_permission_and_a_near_expiry(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    url = reverse("api_tokens:tokens", kwargs={"tenant_slug": tenant.slug})
    response = client.post(url, {"name": "x", "scopes": ["students:read"], "expires_on": "2028-12-31"})
    assert "トークンの有効期間は最長400日です。" in response.content.decode()
    response = client.post(url, {"name": "x", "scopes": ["students:read"], "expires_on": "2026-11-18"})
    assert "有効期限は未来の日付にしてください。" in response.content.decode()
    with scopes_disabled():
        assert not ApiToken.objects.exists()
