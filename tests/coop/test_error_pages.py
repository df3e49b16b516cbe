"""403, 404 and 500 are the portal's own pages: its layout, the reader's language, a way back,
and nothing about a tenant the reader does not belong to."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from coop.models import Role

pytestmark = pytest.mark.django_db


def test_404_in_japanese_with_the_layout_and_a_way_home(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<header class="topbar">' in response.text
    assert "<h1>ページが見つかりません</h1>" in response.text
    assert f'href="{reverse("coop:home")}">最初のページへ戻る</a>' in response.text


def test_404_follows_the_readers_language(client, members):
    user = members[Role.STAFF]
    user.language = "en"
    user.save()
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert "<h1>Page not found</h1>" in response.text and '<html lang="en">' in response.text


def test_404_for_another_tenant_does_not_name_it(client, tenant, outsider):
    client.force_login(outsider)
    response = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}))
    assert response.status_code == 404
    assert "<h1>ページが見つかりません</h1>" in response.text
    assert tenant.name not in response.text


def test_403_says_why_and_leads_back_to_the_tenants_dashboard(client, tenant, members):
    client.force_login(members[Role.STUDENT])
    response = client.get(reverse("coop:members", kwargs={"tenant_slug": tenant.slug}))
    assert response.status_code == 403
    assert "<h1>この操作はできません</h1>" in response.text
    assert reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}) in response.text


def test_csrf_failure_is_explained(members, tenant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(members[Role.STAFF])
    response = client.post(reverse("coop:invitations", kwargs={"tenant_slug": tenant.slug}), {"email": "a@b.jp"})
    assert response.status_code == 403
    assert "<h1>フォームの有効期限が切れました</h1>" in response.text


def test_500_renders_without_a_request_context():
    request = RequestFactory().get("/")
    with translation.override("ja"):
        response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>エラーが発生しました</h1>" in body and 'href="/">最初のページへ戻る</a>' in body
