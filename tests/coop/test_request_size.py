"""Request bodies are capped before they are read: an anonymous 300 MB POST to the login
page was read whole."""

import io

import pytest
from django.urls import reverse

from coop.models import Role

pytestmark = pytest.mark.django_db


class ExplodingBody(io.BytesIO):
    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")


def _post(client, url, length):
    return client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": ExplodingBody()},
    )


def test_an_anonymous_oversized_post_is_refused_unread(client, settings):
    response = _post(client, reverse("account_login"), 300 * 1024 * 1024)
    assert response.status_code == 413
    assert response.text == "送信されたデータが大きすぎます。"


def test_a_member_may_send_up_to_the_largest_upload(client, tenant, members, settings):
    settings.REQUEST_MAX_BYTES = 25 * 1024 * 1024
    client.force_login(members[Role.STAFF])
    url = reverse("coop:invitations", kwargs={"tenant_slug": tenant.slug})
    assert _post(client, url, 25 * 1024 * 1024 + 1).status_code == 413
    small = client.post(url, {"email": "new@hokuriku.example.jp", "role": "student"})
    assert small.status_code == 302
