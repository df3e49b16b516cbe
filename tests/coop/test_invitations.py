import re

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from coop import services
from coop.models import Invitation, Membership, Role, User
from coop.tokens import hash_token

from ..clock import at, jst
from ..factories import PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """Sends an invitation through the page, as staff would; returns the emailed link's path."""

    def send(tenant, inviter, email="newcomer@example.jp", role=Role.STUDENT):
        client.force_login(inviter)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("coop:invitations", kwargs={"tenant_slug": tenant.slug}), {"email": email, "role": role}
            )
        assert response.status_code == 302, response.content.decode()
        client.logout()
        link = re.search(r"https?://\S+/join/\S+/", mail.outbox[-1].body).group(0)
        return link[link.index("/t/") :]

    return send


def test_staff_invite_emails_a_single_use_link_that_creates_account_and_membership(client, invite, tenant, members):
    link = invite(tenant, members[Role.STAFF])
    assert mail.outbox[-1].to == ["newcomer@example.jp"]
    assert tenant.name in mail.outbox[-1].subject

    page = client.get(link)
    assert page.status_code == 200
    assert "newcomer@example.jp" in page.content.decode()

    response = client.post(link, {"full_name": "新人 花子", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    with scopes_disabled():
        newcomer = User.objects.get(email="newcomer@example.jp")
        assert Membership.objects.get(user=newcomer, tenant=tenant).role == Role.STUDENT
    # Signed in straight away; the link now refuses a second use.
    assert client.get(response["Location"]).status_code == 200
    client.logout()
    assert client.get(link).status_code == 410


def test_signup_form_errors_are_shown_and_nothing_is_created(client, invite, tenant, members):
    link = invite(tenant, members[Role.STAFF])
    response = client.post(link, {"full_name": "x", "password1": "short", "password2": "other"})
    assert response.status_code == 200
    assert "2つのパスワードが一致しません。" in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.jp").exists()


def test_existing_account_must_sign_in_then_accepts(client, invite, tenant, other_tenant, members):
    existing = member(other_tenant, Role.FACULTY, email="known@example.jp")
    link = invite(tenant, members[Role.ADMIN], email="known@example.jp", role=Role.FACULTY)
    page = client.get(link)
    assert reverse("account_login") in page.content.decode()

    client.force_login(existing)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    with scopes_disabled():
        assert Membership.objects.filter(user=existing, tenant=tenant, role=Role.FACULTY).exists()


def test_link_opened_by_someone_else_is_refused(client, invite, tenant, members):
    link = invite(tenant, members[Role.STAFF])
    client.force_login(members[Role.STUDENT])
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403


@at(2026, 11, 30, 10)
def test_expired_and_revoked_links_are_gone(client, invite, tenant, members):
    link = invite(tenant, members[Role.STAFF])
    with scopes_disabled():
        Invitation.objects.update(expires_at=jst(2026, 11, 30, 9, 59))
    assert client.get(link).status_code == 410

    link = invite(tenant, members[Role.STAFF], email="second@example.jp")
    with scopes_disabled():
        invitation = Invitation.objects.get(email="second@example.jp")
    client.force_login(members[Role.STAFF])
    revoke = reverse("coop:invitation_revoke", kwargs={"tenant_slug": tenant.slug, "pk": invitation.pk})
    assert client.post(revoke).status_code == 302
    client.logout()
    assert client.get(link).status_code == 410


def test_tampered_token_and_foreign_tenant_token_are_404(client, invite, tenant, other_tenant, members):
    link = invite(tenant, members[Role.STAFF])
    assert client.get(link[:-3] + "xx/").status_code == 404
    # The same token under another tenant's address names nothing there.
    assert client.get(link.replace(f"/t/{tenant.slug}/", f"/t/{other_tenant.slug}/")).status_code == 404


def test_accept_is_single_use_at_the_service_level(tenant, members):
    with scopes_disabled():
        invitation, _ = services.invitation_create(
            tenant=tenant, email="twice@example.jp", role=Role.STUDENT, by=members[Role.STAFF]
        )
        user = User.objects.create_user(email="twice@example.jp", password=PASSWORD)
        services.invitation_accept(invitation=invitation, user=user)
        stale = Invitation.objects.get(pk=invitation.pk)
        stale.accepted_at = None  # a second request that read the row before the first wrote it
        with pytest.raises(services.ValidationError) as refused:
            services.invitation_accept(invitation=stale, user=user)
        assert refused.value.messages == ["この招待リンクはもう使えません。"]
        assert Membership.objects.filter(user=user).count() == 1


def test_only_hash_of_token_is_stored(tenant, members):
    with scopes_disabled():
        invitation, token = services.invitation_create(
            tenant=tenant, email="hash@example.jp", role=Role.STUDENT, by=members[Role.STAFF]
        )
        assert token not in invitation.token_hash
        assert invitation.token_hash == hash_token(token)


def test_inviting_an_existing_member_is_a_form_error(client, tenant, members, django_capture_on_commit_callbacks):
    client.force_login(members[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):  # so an email, if queued, would be sent
        response = client.post(
            reverse("coop:invitations", kwargs={"tenant_slug": tenant.slug}),
            {"email": members[Role.STUDENT].email, "role": Role.STUDENT},
        )
    assert response.status_code == 200
    assert "すでにこの機関のメンバーです" in response.content.decode()
    assert mail.outbox == []


def test_staff_cannot_invite_an_administrator(client, tenant, members):
    client.force_login(members[Role.STAFF])
    response = client.post(
        reverse("coop:invitations", kwargs={"tenant_slug": tenant.slug}), {"email": "boss@example.jp", "role": "admin"}
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not Invitation.objects.exists()


@at(2026, 11, 30, 10)
def test_emailed_expiry_is_in_the_tenants_zone(invite, tenant, members):
    # The email is rendered after the request (in production by a worker): no request zone then.
    tenant.timezone = "Pacific/Honolulu"
    tenant.save()
    invite(tenant, members[Role.STAFF])
    # 10:00 in Tokyo is 15:00 the day before in Honolulu; the link works for 14 days.
    assert "2026-12-13 15:00" in mail.outbox[-1].body
