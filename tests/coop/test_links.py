"""Single-use links are one capability (coop.links): every kind is issued, used once, revoked
and refused the same way, on the same page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop import links
from coop.models import Invitation, Role
from coop.services import invitation_create

pytestmark = pytest.mark.django_db


def _invite(tenant, by, email="new@hokuriku.example.jp"):
    with scopes_disabled():
        return invitation_create(tenant=tenant, email=email, role=Role.STUDENT, by=by)


def test_issuing_again_replaces_the_waiting_link(tenant, members):
    first, _token = _invite(tenant, members[Role.ADMIN])
    second, token = _invite(tenant, members[Role.ADMIN])
    first.refresh_from_db()
    assert (first.status, second.status) == ("revoked", "pending")
    with scope(tenant=tenant):
        assert links.link_for_token(Invitation.objects.all(), token) == second
        assert links.link_for_token(Invitation.objects.all(), token + "x") is None
        assert links.link_for_token(Invitation.objects.all(), "x" * 101) is None


def test_a_link_is_used_once(tenant, members):
    invitation, _token = _invite(tenant, members[Role.ADMIN])
    with scope(tenant=tenant):
        stale = Invitation.objects.get(pk=invitation.pk)
        links.link_use(invitation)
        assert invitation.status == "accepted"
        # A second submission racing with a copy loaded before the first was used.
        with pytest.raises(ValidationError) as refused:
            links.link_use(stale)
    assert refused.value.messages == ["このリンクはもう使えません。"]


def test_only_a_waiting_link_is_revoked(tenant, members):
    invitation, _token = _invite(tenant, members[Role.ADMIN])
    with scope(tenant=tenant):
        links.link_revoke(invitation)
        assert invitation.status == "revoked"
        with pytest.raises(ValidationError) as refused:
            links.link_revoke(invitation)
    assert refused.value.messages == ["取り消せるのは未使用のリンクだけです。"]


@pytest.mark.parametrize(
    "name",
    ["coop:invitation_accept", "reports:link", "rubrics:rater_link", "surveys:survey_link"],
    ids=["invitation", "partner", "rater", "survey"],
)
def test_every_kind_refuses_an_unknown_token_on_the_same_page(client, tenant, name):
    response = client.get(reverse(name, kwargs={"tenant_slug": tenant.slug, "token": "not-a-token"}))
    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "coop/link_invalid.html"
    assert "<h1>このリンクは使えません</h1>" in response.text
    # Their holders ask the office; only an entrant (tests/placements/test_entries.py) enters again.
    ask_the_office = "メールのアドレス全体を開いたか確認してください。\n事務局に新しい招待を依頼してください。</p>"
    assert ask_the_office in response.text
    assert "もう一度エントリー" not in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_revoked_invitation_says_so_on_that_page(client, tenant, members):
    invitation, token = _invite(tenant, members[Role.ADMIN])
    with scope(tenant=tenant):
        links.link_revoke(invitation)
    response = client.get(reverse("coop:invitation_accept", kwargs={"tenant_slug": tenant.slug, "token": token}))
    assert response.status_code == 410
    assert "<h1>このリンクはもう使えません</h1>" in response.text
    assert "事務局により取り消されました" in response.text


def test_the_status_filter_finds_the_links_the_status_names(tenant, members):
    """`status_q` is the `status` rule in SQL: every state finds exactly its own links."""
    used, _token = _invite(tenant, members[Role.ADMIN], email="used@hokuriku.example.jp")
    revoked, _token = _invite(tenant, members[Role.ADMIN], email="revoked@hokuriku.example.jp")
    expired, _token = _invite(tenant, members[Role.ADMIN], email="expired@hokuriku.example.jp")
    pending, _token = _invite(tenant, members[Role.ADMIN], email="pending@hokuriku.example.jp")
    with scope(tenant=tenant):
        links.link_use(used)
        links.link_revoke(revoked)
        Invitation.objects.filter(pk=expired.pk).update(expires_at=expired.created_at)
        for status, link in (("accepted", used), ("revoked", revoked), ("expired", expired), ("pending", pending)):
            found = Invitation.objects.filter(Invitation.status_q(status))
            assert list(found) == [link]
            assert Invitation.objects.get(pk=link.pk).status == status
