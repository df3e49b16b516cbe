import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Partner, PractitionerFaculty
from placements.services import partners as services

from ..factories import PartnerContactFactory, PartnerFactory, ThemeFactory, partner_person
from ..html import body_rows

pytestmark = pytest.mark.django_db


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_staff_create_a_partner_and_see_it_with_its_history(client, tenant, members):
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("partner_create", tenant),
        {"name": "株式会社北陸システム", "kind": "company", "industry": "IT", "country": "日本"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "株式会社北陸システム" in page
    assert '<span class="muted">作成</span>' in page  # the history entry of the creation


def test_partner_names_are_unique_within_a_tenant_only(client, tenant, other_tenant, members):
    PartnerFactory(tenant=other_tenant, name="株式会社同名")
    client.force_login(members[Role.STAFF])
    assert client.post(url("partner_create", tenant), {"name": "株式会社同名", "kind": "company"}).status_code == 302
    again = client.post(url("partner_create", tenant), {"name": "株式会社同名", "kind": "company"})
    assert again.status_code == 200  # the form explains, nothing is added
    with scopes_disabled():
        assert Partner.objects.filter(tenant=tenant, name="株式会社同名").count() == 1


def test_partner_person_sees_only_their_partner(client, tenant, members):
    mine = PartnerFactory(tenant=tenant, name="自社")
    other = PartnerFactory(tenant=tenant, name="他社")
    person = partner_person(mine)
    client.force_login(person)
    listing = client.get(url("partner_list", tenant)).content.decode()
    assert "自社" in listing and "他社" not in listing
    assert client.get(url("partner_detail", tenant, pk=mine.pk)).status_code == 200
    assert client.get(url("partner_detail", tenant, pk=other.pk)).status_code == 404


def test_practitioner_below_five_years_needs_a_reason(in_tenant, members):
    contact = PartnerContactFactory(partner=PartnerFactory(tenant=in_tenant))
    values = {"title": "客員教授", "appointed_from": datetime.date(2026, 4, 1)}
    with pytest.raises(ValidationError) as refused:
        services.practitioner_appoint(contact=contact, by=members[Role.STAFF], managerial_years=3, **values)
    assert refused.value.message_dict == {"exception_reason": ["管理職経験が5年未満です。理由を記録してください。"]}
    appointed = services.practitioner_appoint(
        contact=contact, by=members[Role.STAFF], managerial_years=3, exception_reason="技術責任者として10年", **values
    )
    assert appointed.exception_reason == "技術責任者として10年"
    assert PractitionerFaculty.objects.count() == 1


def test_practitioner_form_warns_and_keeps_the_input(client, tenant, members):
    contact = PartnerContactFactory(partner=PartnerFactory(tenant=tenant))
    client.force_login(members[Role.STAFF])
    page = client.post(
        url("practitioner_appoint", tenant, pk=contact.partner_id, contact_pk=contact.pk),
        {"title": "実務家教員", "managerial_years": "2", "appointed_from": "2026-04-01"},
    ).content.decode()
    assert "warning-box" in page
    assert 'value="実務家教員"' in page


def test_inviting_a_contact_links_the_account_on_acceptance(
    client, tenant, members, django_capture_on_commit_callbacks
):
    contact = PartnerContactFactory(partner=PartnerFactory(tenant=tenant), email="kato@partner.example.jp")
    client.force_login(members[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("contact_invite", tenant, pk=contact.partner_id, contact_pk=contact.pk))
    link = mail.outbox[-1].body.split("/t/", 1)[1].split()[0]
    client.logout()
    client.post("/t/" + link, {"full_name": "加藤", "password1": "Pa55-word-long", "password2": "Pa55-word-long"})
    with scopes_disabled():
        contact.refresh_from_db()
        assert contact.user.email == "kato@partner.example.jp"
        assert contact.user.memberships.get().role == Role.PARTNER
    theme = ThemeFactory(tenant=tenant, partner=contact.partner)
    assert client.get(url("theme_detail", tenant, pk=theme.pk)).status_code == 200


def test_partner_list_queries_do_not_grow(client, tenant, members, django_assert_num_queries):
    client.force_login(members[Role.STAFF])
    names = []
    for rows in (1, 3):
        for _ in range(rows):
            names.append(ThemeFactory(tenant=tenant, partner=PartnerFactory(tenant=tenant)).partner.name)
        # session, user, tenant, membership, the count, the page of partners with their counts
        with django_assert_num_queries(6):
            page = client.get(url("partner_list", tenant))
        assert page.status_code == 200
        assert sorted(row.split()[0] for row in body_rows(page.text)) == sorted(names)
