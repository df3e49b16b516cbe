"""The permission matrix: every URL of the project x every role x another tenant.

Adding a URL without classifying it here fails `test_every_url_is_classified`.
Expected outcomes: anonymous -> redirect to login; a member of another tenant -> 404;
inside the tenant, an allowed role -> 200 (GET) or 302 (POST action), any other role -> 403;
an object id from another tenant, asked for by an allowed role -> 404.

One test per URL builds the tenant, its members and the URL's objects once, then checks every
expectation as a subtest (the report names the URL and who asked), each request in a savepoint
that is rolled back so one role's POST cannot change what the next role sees.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from django_scopes import get_scope, scopes_disabled

from coop import services
from coop.access import ADMINS, EVERY_ROLE, MANAGERS
from coop.models import Role

from .clock import at
from .factories import member
from .permission_cases import Case, all_tenant_cases

# The cases build reports, windows and links around "today": it is a day the test chooses.
pytestmark = at(2026, 11, 18, 10)


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
    "coop:saml_pending",  # tests/coop/test_saml.py
    "placements:public_theme_index",  # tests/placements/test_themes.py
    "placements:public_theme_detail",  # tests/placements/test_themes.py
    "placements:public_theme_apply",  # tests/placements/test_themes.py
    "placements:entry_create",  # tests/placements/test_entries.py
    "placements:entry_sent",  # tests/placements/test_entries.py
    "placements:entry_confirm",  # tests/placements/test_entries.py
    "reports:link",  # tests/reports/test_links.py
    "rubrics:rater_link",  # tests/rubrics/test_links.py
    "surveys:survey_link",  # tests/surveys/test_links.py
}
# Pages outside any tenant, tested in tests/coop/test_accounts.py; the platform operator's
# pages (anonymous -> login, any member of any tenant -> 403) in tests/coop/test_operator.py.
OUTSIDE_URLS = {
    "coop:home",
    "coop:set_language",
    "coop:healthz",
    "coop:favicon",
    "coop:calendar_feed",
    "coop:operator_tenants",
    "coop:operator_invite_admin",
    # A consortium's pages (/c/<slug>/), above the tenants: their own matrix (coordinator, member
    # admin/staff/student, another institution's admin, anonymous) is tests/consortium/test_access.py.
    "consortium:home",
    "consortium:program",
    "consortium:program_publish",
    "consortium:figures",
    "consortium:library",
    "consortium:library_case",
    "consortium:library_file",
    "consortium:partners",
    "consortium:partner_create",
}
# Third-party URL sets with their own access rules: allauth's account pages, the admin.
# allauth's own pages; its SAML addresses (saml_*) are tested in tests/coop/test_saml.py.
# The REST API (/api/v1/, outside /t/<slug>/: the tenant comes from the token, not the URL) has
# its own matrix, endpoint x token scope x tenant, in tests/api/test_permissions.py, which also
# checks that it lists every `api:` URL.
EXTERNAL_PREFIXES = ("account_", "admin:", "socialaccount_", "saml_", "api:")


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


def _respond(client, name, case, *, slug, kwargs, user=None):
    """One request by `user` (None: anonymous) from a freshly logged-in client, undone afterwards.

    The URL's objects are built once per URL and shared by every check, so whatever a request
    writes (rows, the session, a rate-limit counter in the cache) must not reach the next check.
    The client itself is reused: a new one would set up the middleware again, which is slow.
    """
    assert get_scope() == {}, "a django-scopes scope leaked out of the previous check"
    cache.clear()
    with transaction.atomic():
        client.logout()  # drops the previous check's session and every cookie
        if user is not None:
            client.force_login(user)
        url = reverse(name, kwargs={"tenant_slug": slug, **kwargs})
        response = client.post(url, case.data) if case.method == "POST" else client.get(url)
        transaction.set_rollback(True)
    cache.clear()
    return response


def _assert_status(response, expected, name, who):
    got = response.status_code
    assert got == expected, f"{name} as {who}: expected {expected}, got {got}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_url_permissions(subtests, client, tenant, other_tenant, members, outsider, name):
    """Every expectation for one URL, on one set of objects; a failure names the URL and who asked."""
    case = TENANT_URLS[name]
    kwargs = case.build(tenant, members)

    with subtests.test(who="anonymous"):
        response = _respond(client, name, case, slug=tenant.slug, kwargs=kwargs)
        _assert_status(response, 302, name, "anonymous")
        assert response["Location"].startswith(reverse("account_login")), f"{name} as anonymous: {response['Location']}"

    with subtests.test(who="member of another tenant"):
        response = _respond(client, name, case, slug=tenant.slug, kwargs=kwargs, user=outsider)
        _assert_status(response, 404, name, "member of another tenant")

    with subtests.test(who="unknown tenant"):
        response = _respond(client, name, case, slug="no-such-tenant", kwargs=kwargs, user=outsider)
        _assert_status(response, 404, name, "member of another tenant, unknown tenant slug")

    for role in Role:
        with subtests.test(who=role.value):
            response = _respond(client, name, case, slug=tenant.slug, kwargs=kwargs, user=members[role])
            _assert_status(response, case.expected(role), name, role.value)

    if case.objects and case.names_object:
        allowed_role = sorted(case.allowed)[0]
        with subtests.test(who=f"{allowed_role.value}, another tenant's object"):
            # The other tenant's objects exist only for this check.
            with transaction.atomic():
                foreign_kwargs = case.build(other_tenant, {role: member(other_tenant, role) for role in Role})
                response = _respond(
                    client, name, case, slug=tenant.slug, kwargs=foreign_kwargs, user=members[allowed_role]
                )
                transaction.set_rollback(True)
            _assert_status(response, 404, name, f"{allowed_role.value} with another tenant's object")


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
