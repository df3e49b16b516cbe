"""Pages issue a fixed number of queries, however many rows they show."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from coop import services
from coop.models import Role

from ..clock import at
from ..factories import MembershipFactory, member
from ..html import body_rows

pytestmark = pytest.mark.django_db


def add_members(tenant, n):
    return [member(tenant, Role.STUDENT) for _ in range(n)]


def add_invitations(tenant, by, n):
    emails = [f"q{i}-{tenant.slug}@example.jp" for i in range(n)]
    with scopes_disabled():
        for email in emails:
            services.invitation_create(tenant=tenant, email=email, role=Role.STUDENT, by=by)
    return emails


@pytest.mark.parametrize("rows", [1, 3])
def test_members_list(client, tenant, django_assert_num_queries, rows):
    admin = member(tenant, Role.ADMIN)
    students = add_members(tenant, rows)
    client.force_login(admin)
    url = reverse("coop:members", kwargs={"tenant_slug": tenant.slug})
    # session, user, tenant, membership, the pending membership requests (coop.saml), the
    # members' count, the page of members
    with django_assert_num_queries(7):
        page = client.get(url)
    assert page.status_code == 200
    shown = body_rows(page.text)
    assert len(shown) == rows + 1  # the students and the admin
    for person in [admin, *students]:
        assert any(row.startswith(f"{person.full_name} {person.email} ") for row in shown), person


@pytest.mark.parametrize("rows", [1, 3])
def test_invitations_list(client, tenant, django_assert_num_queries, rows):
    staff = member(tenant, Role.STAFF)
    emails = add_invitations(tenant, staff, rows)
    client.force_login(staff)
    url = reverse("coop:invitations", kwargs={"tenant_slug": tenant.slug})
    # session, user, tenant, membership, the count, the page of invitations with inviter and acceptor
    with django_assert_num_queries(6):
        page = client.get(url)
    assert page.status_code == 200
    shown = body_rows(page.text)
    assert len(shown) == rows
    assert sorted(row.split()[0] for row in shown) == sorted(emails)
    assert all(str(staff) in row for row in shown)  # the inviter, read with the invitation


@pytest.mark.parametrize("rows", [1, 3])
# A fixed day: the dashboard counts relative to today (the count once depended on the day of the
# month, when last month's late monthly reports were read apart from the compliance statement).
@at(2026, 11, 18, 10)
def test_staff_dashboard(client, tenant, django_assert_num_queries, rows):
    staff = member(tenant, Role.STAFF)
    add_members(tenant, rows)
    add_invitations(tenant, staff, rows)
    client.force_login(staff)
    url = reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    # session, user, tenant, membership, member counts per role, pending invitations,
    # theme states, placement states, applications waiting, open assessment windows, interviews
    # and dialogues ahead (2), open survey rounds, and "waiting for you" (14: see
    # tests/coop/test_waiting.py)
    with django_assert_num_queries(27):
        page = client.get(url)
    assert page.status_code == 200
    assert f"<dt>学生</dt><dd>{rows}</dd>" in page.text
    assert f'<p class="big-number">{rows}</p>' in page.text  # invitations waiting


@pytest.mark.parametrize("tenants", [2, 4])
def test_tenant_picker(client, django_assert_num_queries, tenants):
    person = member(MembershipFactory().tenant, Role.STAFF)
    for _ in range(tenants - 1):
        MembershipFactory(user=person, role=Role.FACULTY)
    with scopes_disabled():
        names = [m.tenant.name for m in person.memberships.select_related("tenant")]
    client.force_login(person)
    # session, user, memberships with their tenants, consortiums the person coordinates
    with django_assert_num_queries(4):
        page = client.get(reverse("coop:home"))
    assert page.content.decode().count('class="picker-item"') == tenants
    assert all(name in page.text for name in names)
