"""Tokens on the settings page: made by an administrator, shown once, stored as a hash,
revoked at once; the token's page lists its every request."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from api.models import ApiRequestLog, ApiToken
from api.services import api_rows_expire
from coop.models import Membership, Role
from coop.tokens import hash_token

from ..clock import at, jst
from ..factories import member
from .conftest import auth, make_token

# session, user, tenant, membership, the capped count, the page with its use
QUERIES = 6

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


def test_old_request_logs_and_idempotency_keys_expire(api, tenant, travel):
    api.get(reverse("api:ping"))
    api.put(
        reverse("api:student", kwargs={"student_number": "E1"}), {"email": "e1@example.jp"}, {"Idempotency-Key": "k"}
    )
    travel(jst(2026, 11, 26, 10))  # 8 days later: the key is gone, the log stays
    with scopes_disabled():
        assert api_rows_expire(tenant) == {"API request logs expired": 0, "API idempotency keys expired": 1}
    travel(jst(2027, 2, 17, 10))  # 91 days later
    with scopes_disabled():
        assert api_rows_expire(tenant) == {"API request logs expired": 2, "API idempotency keys expired": 0}
        assert not ApiRequestLog.objects.filter(tenant=tenant).exists()


@pytest.mark.parametrize("tokens", [2, 20])
def test_the_tokens_list_reads_its_page_in_a_fixed_number_of_queries(
    client, tenant, members, tokens, django_assert_num_queries
):
    for i in range(tokens):
        make_token(tenant, by=members[Role.ADMIN], name=f"連携 {i:02}")
    client.force_login(members[Role.ADMIN])
    url = reverse("api_tokens:tokens", kwargs={"tenant_slug": tenant.slug})
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.content.decode().count("連携 ") == tokens


def test_a_token_stops_when_its_maker_is_no_longer_an_administrator(client, tenant, members):
    raw = make_token(tenant, by=members[Role.ADMIN])
    assert client.get(reverse("api:ping"), headers=auth(raw)).status_code == 200
    with scopes_disabled():
        Membership.objects.filter(tenant=tenant, user=members[Role.ADMIN]).update(role=Role.STAFF)
    response = client.get(reverse("api:ping"), headers=auth(raw))
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
    other_admin = member(tenant, Role.ADMIN)
    client.force_login(other_admin)
    page = client.get(reverse("api_tokens:tokens", kwargs={"tenant_slug": tenant.slug}))
    assert "停止中：作成者が管理者ではなくなりました" in page.content.decode()
