"""The consortium's list pages read a fixed number of queries whatever their rows (literal
counts at two sizes), and show the rows they read."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from consortium.models import PartnerLink, PracticeCase, SharedPartner

from ..clock import at
from ..factories import PartnerFactory
from .helpers import join, make_consortium

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]


@pytest.fixture
def world():
    consortium, coordinator = make_consortium()
    a, _a_admin, a_staff, _ = join(consortium, name="北陸工科大学")
    b, _b_admin, b_staff, _ = join(consortium, name="金沢グローバル大学")
    return consortium, coordinator, (a, a_staff), (b, b_staff)


def _cases(tenant, consortium, n, state=PracticeCase.State.SHARED):
    with scopes_disabled():
        for i in range(n):
            PracticeCase.objects.create(
                tenant=tenant,
                consortium=consortium,
                title=f"事例 {tenant.pk}-{i}",
                practice="…",
                state=state,
                shared_at=timezone.now(),
            )


@pytest.mark.parametrize("size", [1, 3])
def test_the_library_reads_a_constant_number_of_queries(client, django_assert_num_queries, world, size):
    consortium, _coordinator, (a, _a_staff), (b, b_staff) = world
    _cases(a, consortium, size)
    _cases(b, consortium, size)
    _cases(a, consortium, 2, state=PracticeCase.State.DRAFT)  # not shared: not listed
    client.force_login(b_staff)
    with django_assert_num_queries(7):
        page = client.get(reverse("consortium:library", kwargs={"slug": consortium.slug})).text
    assert page.count('class="picker-item"') == 2 * size


@pytest.mark.parametrize("size", [1, 3])
def test_a_members_write_ups_list_reads_a_constant_number_of_queries(client, django_assert_num_queries, world, size):
    consortium, _coordinator, (a, a_staff), (b, _b_staff) = world
    _cases(a, consortium, size, state=PracticeCase.State.DRAFT)
    _cases(b, consortium, 2)  # another member's: never listed
    client.force_login(a_staff)
    with django_assert_num_queries(7):
        response = client.get(reverse("consortium_member:practice_list", kwargs={"tenant_slug": a.slug}))
    assert [case.title for case in response.context["rows"]] == [f"事例 {a.pk}-{i}" for i in reversed(range(size))]


@pytest.mark.parametrize("size", [1, 3])
def test_the_shared_partners_page_reads_a_constant_number_of_queries(client, django_assert_num_queries, world, size):
    consortium, coordinator, (a, _a_staff), (b, _b_staff) = world
    for i in range(size):
        shared = SharedPartner.objects.create(consortium=consortium, name=f"企業 {i}", corporate_number=f"{i:013d}")
        with scopes_disabled():
            for tenant in (a, b):
                PartnerLink.objects.create(tenant=tenant, partner=PartnerFactory(tenant=tenant), shared_partner=shared)
    client.force_login(coordinator)
    with django_assert_num_queries(8):
        response = client.get(reverse("consortium:partners", kwargs={"slug": consortium.slug}))
    assert [(row["partner"].name, row["members"]) for row in response.context["rows"]] == [
        (f"企業 {i}", 2) for i in range(size)
    ]
