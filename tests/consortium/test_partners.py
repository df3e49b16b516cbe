"""Partners across members (issue 13, item 10): one shared record per company at consortium
level; members link their own partner to it; the consortium sees how many members work with
it and their placements in all (suppressed under the minimum), never a member's placements."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from consortium.models import PartnerLink, SharedPartner

from ..clock import at
from ..factories import PartnerFactory, PlacementFactory, ThemeFactory, member
from .helpers import join, make_consortium

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]


def _placements(partner, n):
    with scopes_disabled():
        theme = ThemeFactory(tenant=partner.tenant, partner=partner)
        for _ in range(n):
            PlacementFactory(theme=theme, student=member(partner.tenant, "student"))


def test_members_link_their_partners_and_the_consortium_counts_them(client):
    consortium, coordinator = make_consortium()
    a, _a_admin, a_staff, _ = join(consortium, name="北陸工科大学")
    b, _b_admin, b_staff, _ = join(consortium, name="金沢グローバル大学")
    client.force_login(coordinator)
    partners = reverse("consortium:partners", kwargs={"slug": consortium.slug})
    create = reverse("consortium:partner_create", kwargs={"slug": consortium.slug})
    client.post(create, {"name": "北陸精機株式会社", "corporate_number": "3220001012345", "address": "金沢市"})
    shared = SharedPartner.objects.get()
    # The same corporate number twice is refused, with the field's error.
    response = client.post(create, {"name": "重複", "corporate_number": "3220001012345"})
    assert response.context["form"].errors == {
        "corporate_number": ["この法人番号はすでにコンソーシアムに登録されています。"]
    }
    assert SharedPartner.objects.count() == 1
    with scopes_disabled():
        a_partner = PartnerFactory(tenant=a, name="北陸精機")
        b_partner = PartnerFactory(tenant=b, name="北陸精機（株）")
    _placements(a_partner, 3)
    for user, tenant, partner in ((a_staff, a, a_partner), (b_staff, b, b_partner)):
        client.force_login(user)
        url = reverse("consortium_member:partner_links", kwargs={"tenant_slug": tenant.slug})
        assert client.post(url, {"partner": partner.pk, "shared_partner": shared.pk}).status_code == 302
    client.force_login(coordinator)
    [row] = client.get(partners).context["rows"]
    assert (row["members"], row["placements"].text) == (2, "5未満")  # 3 placements: suppressed
    _placements(b_partner, 2)
    [row] = client.get(partners).context["rows"]
    assert (row["members"], row["placements"].text) == (2, "5")
    # A member's staff see the counts, and no member's placements; B's 2 are 5 minus A's own 3,
    # so A sees no total either.
    client.force_login(a_staff)
    response = client.get(partners)
    assert "北陸精機株式会社" in response.text and "金沢グローバル大学" not in response.text
    [row] = response.context["rows"]
    assert (row["members"], row["placements"].text) == (2, "5未満")
    _placements(b_partner, 3)
    [row] = client.get(partners).context["rows"]
    assert (row["members"], row["placements"].text) == (2, "8")


def test_a_partner_of_another_tenant_cannot_be_linked(client):
    consortium, coordinator = make_consortium()
    a, _a_admin, a_staff, _ = join(consortium)
    b, _b_admin, _b_staff, _ = join(consortium)
    with scopes_disabled():
        b_partner = PartnerFactory(tenant=b)
    shared = SharedPartner.objects.create(consortium=consortium, name="X", corporate_number="1234567890123")
    client.force_login(a_staff)
    url = reverse("consortium_member:partner_links", kwargs={"tenant_slug": a.slug})
    response = client.post(url, {"partner": b_partner.pk, "shared_partner": shared.pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {"partner": ["正しく選択してください。選択したものは候補にありません。"]}
    with scopes_disabled():
        assert not PartnerLink.objects.exists()


def test_a_partner_is_linked_once_per_consortium(client):
    consortium, _coordinator = make_consortium()
    a, _a_admin, a_staff, _ = join(consortium)
    with scopes_disabled():
        partner = PartnerFactory(tenant=a)
    first = SharedPartner.objects.create(consortium=consortium, name="X", corporate_number="1234567890123")
    second = SharedPartner.objects.create(consortium=consortium, name="Y", corporate_number="1234567890124")
    client.force_login(a_staff)
    url = reverse("consortium_member:partner_links", kwargs={"tenant_slug": a.slug})
    client.post(url, {"partner": partner.pk, "shared_partner": first.pk})
    response = client.post(url, {"partner": partner.pk, "shared_partner": second.pk})
    assert response.context["form"].non_field_errors() == [
        "この連携先は、すでにコンソーシアムの連携企業（共有）に紐づいています。"
    ]
