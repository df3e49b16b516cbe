"""Onboarding without the Django admin: a platform operator creates an institution and invites
its first administrator from a portal page; the invited person accepts by the emailed link and
lands in the new institution as its administrator. The admin's own invitations email too."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from coop import services
from coop.models import Invitation, Membership, Role, Tenant, User

from ..factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGE = "/operator/institutions/"


@pytest.fixture
def operator(db):
    user = UserFactory(email="operator@example.jp")
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def emailed_link(message):
    link = re.search(r"https?://\S+/join/\S+/", message.body).group(0)
    return link[link.index("/t/") :]


def test_the_operators_landing_page_links_to_the_institutions(client, operator):
    assert reverse("coop:operator_tenants") == PAGE
    client.force_login(operator)
    page = client.get(reverse("coop:home"), **EN)
    assert page.status_code == 200
    assert f'href="{PAGE}"' in page.text
    assert "does not belong to any institution" not in page.text


def test_operator_creates_an_institution_whose_invited_admin_lands_in_it(
    client, operator, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    data = {"name": "金沢工業大学", "slug": "kit-coop", "kind": "university", "admin_email": "Admin@KIT.example.jp"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, data, follow=True, **EN)
    assert "金沢工業大学 was created; an invitation was sent to admin@kit.example.jp." in response.text
    assert "/t/kit-coop/" in response.text  # listed
    tenant = Tenant.objects.get(slug="kit-coop")
    assert (tenant.name, tenant.kind) == ("金沢工業大学", "university")
    assert [m.to for m in mail.outbox] == [["admin@kit.example.jp"]]
    assert "金沢工業大学" in mail.outbox[0].subject

    client.logout()
    link = emailed_link(mail.outbox[0])
    assert link.startswith("/t/kit-coop/join/")
    signup = client.post(link, {"full_name": "管理 太郎", "password1": PASSWORD, "password2": PASSWORD})
    assert signup["Location"] == reverse("coop:dashboard", kwargs={"tenant_slug": "kit-coop"})
    with scopes_disabled():
        membership = Membership.objects.get(user__email="admin@kit.example.jp")
    assert (membership.tenant, membership.role) == (tenant, Role.ADMIN)
    dashboard = client.get(signup["Location"])
    assert dashboard.status_code == 200
    assert "（管理者）" in dashboard.text  # the institution's language, Japanese
    assert client.get(reverse("coop:tenant_settings", kwargs={"tenant_slug": "kit-coop"})).status_code == 200


def test_a_taken_address_is_refused_and_nothing_is_created(client, operator, tenant):
    client.force_login(operator)
    data = {"name": "別の大学", "slug": tenant.slug, "kind": "university", "admin_email": "a@example.jp"}
    response = client.post(PAGE, data, **EN)
    assert response.status_code == 200
    assert "Institution with this Short name in addresses already exists." in response.text
    assert not Tenant.objects.filter(name="別の大学").exists()
    with scopes_disabled():
        assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_operator_invites_another_administrator_of_an_institution(
    client, operator, tenant, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    url = reverse("coop:operator_invite_admin", kwargs={"pk": tenant.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "second@example.jp"}, follow=True, **EN)
    assert "An invitation was sent to second@example.jp." in response.text
    with scopes_disabled():
        assert Invitation.objects.get(email="second@example.jp").role == Role.ADMIN
    assert mail.outbox[-1].to == ["second@example.jp"]
    admin = member(tenant, Role.ADMIN, email="present@example.jp")
    response = client.post(url, {"email": admin.email}, follow=True, **EN)
    assert "present@example.jp is already a member of this institution." in response.text


def test_only_operators_reach_the_page(client, tenant, members):
    assert client.get(PAGE)["Location"].startswith(reverse("account_login"))
    invite = reverse("coop:operator_invite_admin", kwargs={"pk": tenant.pk})
    assert client.post(invite, {"email": "x@example.jp"})["Location"].startswith(reverse("account_login"))
    for role in (Role.ADMIN, Role.STAFF):
        client.force_login(members[role])
        assert client.get(PAGE).status_code == 403
        assert client.post(invite, {"email": "x@example.jp"}).status_code == 403
        assert (
            client.post(
                PAGE, {"name": "x", "slug": "x", "kind": "university", "admin_email": "x@example.jp"}
            ).status_code
            == 403
        )
    assert not Tenant.objects.filter(slug="x").exists()


def test_the_services_refuse_anyone_but_an_operator(tenant, members):
    with pytest.raises(ValidationError) as refused:
        services.tenant_create(
            name="x", slug="x", kind="university", admin_email="x@example.jp", by=members[Role.ADMIN]
        )
    assert refused.value.code == "not_operator"
    with pytest.raises(ValidationError) as refused:
        services.tenant_invite_admin(tenant=tenant, email="x@example.jp", by=members[Role.ADMIN])
    assert refused.value.code == "not_operator"


def test_an_invitation_made_in_the_django_admin_is_emailed(
    client, operator, tenant, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    add = reverse("admin:coop_invitation_add")
    assert client.get(add).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add, {"tenant": tenant.pk, "email": "viaadmin@example.jp", "role": "staff"})
    assert response.status_code == 302, response.text
    with scopes_disabled():
        invitation = Invitation.objects.get(email="viaadmin@example.jp")
    assert invitation.token_hash and invitation.invited_by == operator
    assert mail.outbox[-1].to == ["viaadmin@example.jp"]
    client.logout()
    signup = client.post(
        emailed_link(mail.outbox[-1]), {"full_name": "事務 花子", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert signup.status_code == 302
    with scopes_disabled():
        assert Membership.objects.get(user=User.objects.get(email="viaadmin@example.jp")).role == Role.STAFF


def test_the_admin_refuses_to_invite_a_present_member(client, operator, tenant, members):
    client.force_login(operator)
    response = client.post(
        reverse("admin:coop_invitation_add"), {"tenant": tenant.pk, "email": members[Role.STAFF].email, "role": "staff"}
    )
    assert response.status_code == 200
    assert f"{members[Role.STAFF].email} はすでにこの機関のメンバーです。" in response.content.decode()
    assert mail.outbox == []
