"""The permission matrix of the consortium's pages (/c/<slug>/...), which live outside any
tenant and so outside tests/test_permissions.py (classified there in OUTSIDE_URLS).

Who: the consortium's coordinator (a member of no institution), a member institution's admin
and staff, a member institution's student, another institution's admin (not a member), and
anonymous. Expected: anonymous -> sign in; a stranger -> 404 (as for a consortium that does not
exist); a member's student -> 403; members' admins and staff -> the shared pages, 403 on the
coordinator's; the coordinator -> everything. A member's own pages under /t/<slug>/consortium/
are in tests/permission_cases/consortium.py."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled

from consortium.models import PracticeCase
from coop.models import Role

from ..clock import at
from ..factories import TenantFactory, UserFactory, member
from ..files import PDF
from ..test_permissions import _all_url_names
from .helpers import join, make_consortium

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]

EVERYONE = {"coordinator", "member admin", "member staff"}
COORDINATOR = {"coordinator"}

# url name: (method, who may, kwargs builder, POST data)
CASES = {
    "consortium:home": ("GET", EVERYONE),
    "consortium:program": ("GET", EVERYONE),
    "consortium:program_publish": ("GET", COORDINATOR),
    "consortium:figures": ("GET", EVERYONE),
    "consortium:library": ("GET", EVERYONE),
    "consortium:library_case": ("GET", EVERYONE),
    "consortium:library_file": ("GET", EVERYONE),
    "consortium:partners": ("GET", EVERYONE),
    "consortium:partner_create": ("POST", COORDINATOR),
}


@pytest.fixture
def world():
    consortium, coordinator = make_consortium()
    tenant, admin, staff, _ = join(consortium, name="北陸工科大学")
    with scopes_disabled():
        case = PracticeCase(tenant=tenant, consortium=consortium, title="事例", practice="…", state="shared")
        case.file.save("case.pdf", ContentFile(PDF), save=False)
        case.save()
    stranger_tenant = TenantFactory(name="他大学")
    people = {
        "coordinator": coordinator,
        "member admin": admin,
        "member staff": staff,
        "member student": member(tenant, Role.STUDENT),
        "non-member admin": member(stranger_tenant, Role.ADMIN),
    }
    return consortium, case, people


def _kwargs(name, consortium, case):
    kwargs = {"slug": consortium.slug}
    if name in ("consortium:library_case", "consortium:library_file"):
        kwargs["pk"] = case.pk
    return kwargs


def _expected(who, allowed, method):
    if who in allowed:
        return 302 if method == "POST" else 200
    if who == "non-member admin":
        return 404
    return 403


def test_every_consortium_url_is_in_this_matrix():
    assert {name for name in _all_url_names() if name.startswith("consortium:")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_consortium_url_permissions(subtests, client, world, name):
    consortium, case, people = world
    method, allowed = CASES[name]
    url = reverse(name, kwargs=_kwargs(name, consortium, case))
    data = {"name": "北陸精機", "corporate_number": "3220001012345"} if method == "POST" else None

    def respond(user):
        cache.clear()
        with transaction.atomic():
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.post(url, data) if method == "POST" else client.get(url)
            transaction.set_rollback(True)
        return response

    with subtests.test(who="anonymous"):
        response = respond(None)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    for who, user in people.items():
        with subtests.test(who=who):
            assert respond(user).status_code == _expected(who, allowed, method), f"{name} as {who}"
    with subtests.test(who="coordinator, unknown consortium"):
        client.force_login(people["coordinator"])
        unknown = reverse(name, kwargs={**_kwargs(name, consortium, case), "slug": "no-such-consortium"})
        assert (client.post(unknown, data) if method == "POST" else client.get(unknown)).status_code == 404


def test_a_platform_operator_sets_up_a_consortium_in_the_admin(client, world):
    consortium, _case, people = world
    client.force_login(UserFactory(email="operator@example.jp", is_staff=True, is_superuser=True))
    assert client.get("/admin/consortium/consortium/add/").status_code == 200
    page = client.get(f"/admin/consortium/consortium/{consortium.pk}/change/").text
    member_id = consortium.members.get().member_id
    assert f'<option value="{member_id}" selected>北陸工科大学</option>' in page
    assert str(people["coordinator"]) in page
    client.force_login(people["coordinator"])  # a coordinator is no operator
    assert client.get("/admin/consortium/consortium/add/").status_code == 302
