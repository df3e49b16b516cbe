"""Pages issue a fixed number of queries, however many rows they show."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from coop import services
from coop.models import Role

from ..factories import MembershipFactory, member

pytestmark = pytest.mark.django_db


def add_members(tenant, n):
    for _ in range(n):
        member(tenant, Role.STUDENT)


def add_invitations(tenant, by, n):
    with scopes_disabled():
        for i in range(n):
            services.invitation_create(tenant=tenant, email=f"q{i}-{tenant.slug}@example.jp", role=Role.STUDENT, by=by)


@pytest.mark.parametrize("rows", [1, 3])
def test_members_list(client, tenant, django_assert_num_queries, rows):
    admin = member(tenant, Role.ADMIN)
    add_members(tenant, rows)
    client.force_login(admin)
    url = reverse("coop:members", kwargs={"tenant_slug": tenant.slug})
    # session, user, tenant, membership, the members list
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_invitations_list(client, tenant, django_assert_num_queries, rows):
    staff = member(tenant, Role.STAFF)
    add_invitations(tenant, staff, rows)
    client.force_login(staff)
    url = reverse("coop:invitations", kwargs={"tenant_slug": tenant.slug})
    # session, user, tenant, membership, the invitations with inviter and acceptor
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_staff_dashboard(client, tenant, django_assert_num_queries, rows):
    staff = member(tenant, Role.STAFF)
    add_members(tenant, rows)
    add_invitations(tenant, staff, rows)
    client.force_login(staff)
    url = reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    # session, user, tenant, membership, member counts per role, pending invitations,
    # theme states, placement states, applications waiting, open assessment windows
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("tenants", [2, 4])
def test_tenant_picker(client, django_assert_num_queries, tenants):
    person = member(MembershipFactory().tenant, Role.STAFF)
    for _ in range(tenants - 1):
        MembershipFactory(user=person, role=Role.FACULTY)
    client.force_login(person)
    # session, user, memberships with their tenants
    with django_assert_num_queries(3):
        page = client.get(reverse("coop:home"))
    assert page.content.decode().count('class="picker-item"') == tenants
