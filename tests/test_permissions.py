"""The permission matrix: every URL of the project x every role x another tenant.

Adding a URL without classifying it here fails `test_every_url_is_classified`.
Expected outcomes: anonymous -> redirect to login; a member of another tenant -> 404;
inside the tenant, an allowed role -> 200 (GET) or 302 (POST action), any other role -> 403;
an object id from another tenant, asked for by an allowed role -> 404.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from coop import services
from coop.access import ADMINS, EVERY_ROLE, MANAGERS
from coop.models import Role

from .factories import member
from .permission_cases import Case, all_tenant_cases


def _student_membership(tenant):
    with scopes_disabled():
        return {"pk": member(tenant, Role.STUDENT).memberships.get().pk}


def _pending_invitation(tenant):
    with scopes_disabled():
        inviter = member(tenant, Role.ADMIN)
        invitation, _token = services.invitation_create(
            tenant=tenant, email=f"new@{tenant.slug}.example.jp", role=Role.STUDENT, by=inviter
        )
    return {"pk": invitation.pk}


# Pages inside a tenant (/t/<slug>/...) that need a membership.
CORE_TENANT_URLS = {
    "coop:dashboard": Case("GET", EVERY_ROLE),
    "coop:help": Case("GET", EVERY_ROLE),
    "coop:members": Case("GET", MANAGERS),
    "coop:member_update": Case("POST", ADMINS, _student_membership, {"action": "role", "role": "faculty"}),
    "coop:invitations": Case("GET", MANAGERS),
    "coop:invitation_revoke": Case("POST", MANAGERS, _pending_invitation),
    "coop:tenant_settings": Case("GET", ADMINS),
}
TENANT_URLS = {**CORE_TENANT_URLS, **all_tenant_cases()}
# Pages inside a tenant open to anyone holding the link; tested in their own modules.
TENANT_PUBLIC_URLS = {
    "coop:invitation_accept",  # tests/coop/test_invitations.py
    "placements:public_theme_index",  # tests/placements/test_themes.py
    "placements:public_theme_detail",  # tests/placements/test_themes.py
    "reports:link",  # tests/reports/test_links.py
    "rubrics:rater_link",  # tests/rubrics/test_links.py
}
# Pages outside any tenant, tested in tests/coop/test_accounts.py.
OUTSIDE_URLS = {"coop:home", "coop:set_language", "coop:healthz", "coop:calendar_feed"}
# Third-party URL sets with their own access rules: allauth's account pages, the admin.
EXTERNAL_PREFIXES = ("account_", "admin:")


def _all_url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _all_url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_every_url_is_classified():
    classified = set(TENANT_URLS) | TENANT_PUBLIC_URLS | OUTSIDE_URLS
    unclassified = [
        name for name in _all_url_names() if name not in classified and not name.startswith(EXTERNAL_PREFIXES)
    ]
    assert unclassified == [], f"classify these URLs in tests/test_permissions.py: {unclassified}"


def _request(client, tenant, name, case, kwargs):
    url = reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})
    return client.post(url, case.data) if case.method == "POST" else client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_anonymous_is_sent_to_login(client, tenant, name):
    case = TENANT_URLS[name]
    kwargs = case.build(tenant, {})
    response = _request(client, tenant, name, case, kwargs)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_member_of_another_tenant_gets_404(client, tenant, members, outsider, name):
    case = TENANT_URLS[name]
    kwargs = case.build(tenant, members)
    client.force_login(outsider)
    assert _request(client, tenant, name, case, kwargs).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_unknown_tenant_is_404_not_403(client, tenant, members, outsider, name):
    case = TENANT_URLS[name]
    kwargs = case.build(tenant, members)
    client.force_login(outsider)
    url = reverse(name, kwargs={"tenant_slug": "no-such-tenant", **kwargs})
    response = client.post(url, case.data) if case.method == "POST" else client.get(url)
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_role_matrix(client, tenant, members, role, name):
    case = TENANT_URLS[name]
    kwargs = case.build(tenant, members)
    client.force_login(members[role])
    expected = case.expected(role)
    assert _request(client, tenant, name, case, kwargs).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, c in TENANT_URLS.items() if c.objects and c.names_object))
def test_object_of_another_tenant_is_404(client, tenant, other_tenant, members, name):
    case = TENANT_URLS[name]
    foreign_kwargs = case.build(other_tenant, {role: member(other_tenant, role) for role in Role})
    allowed_role = sorted(case.allowed)[0]
    client.force_login(members[allowed_role])
    assert _request(client, tenant, name, case, foreign_kwargs).status_code == 404


@pytest.mark.django_db
def test_deactivated_membership_loses_access(client, tenant, members):
    user = members[Role.STAFF]
    with scopes_disabled():
        user.memberships.update(is_active=False)
    client.force_login(user)
    assert client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})).status_code == 404


@pytest.mark.django_db
def test_inactive_tenant_is_404(client, tenant, members):
    tenant.is_active = False
    tenant.save()
    client.force_login(members[Role.ADMIN])
    assert client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})).status_code == 404
