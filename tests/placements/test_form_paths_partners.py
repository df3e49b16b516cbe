"""Every path of the partner forms, posted by the office: PartnerForm (each kind, each refusal),
ContactForm, DepartmentForm and PractitionerForm (with and without 5 years as a manager)."""

import datetime

import pytest
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Partner, PartnerContact, PartnerDepartment, PractitionerFaculty

from ..factories import PartnerContactFactory, PartnerFactory, PractitionerFacultyFactory
from .pages import post, shown, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, members):
    client.force_login(members[Role.STAFF])
    return client


def partner_data(**overrides):
    data = {
        "name": "株式会社北陸製作所",
        "name_kana": "ホクリクセイサクショ",
        "kind": "company",
        "industry": "製造業",
        "country": "日本",
        "address": "石川県野々市市扇が丘7-1",
        "website": "https://www.example.jp",
        "phone": "076-123-4567",
        "notes": "",
    }
    data.update(overrides)
    return data


def partners():
    with scopes_disabled():
        return list(Partner.objects.order_by("id"))


@pytest.mark.parametrize("kind", ["company", "university", "municipality", "npo"])
def test_each_kind_of_partner_is_saved(staff_client, tenant, kind):
    response = post(staff_client, url("partner_create", tenant), partner_data(kind=kind))
    [partner] = partners()
    assert shown(response) == ["連携先を保存しました。"]
    assert (partner.kind, partner.name, partner.tenant, partner.is_active) == (kind, "株式会社北陸製作所", tenant, True)


def test_edit_keeps_the_partner_active(staff_client, tenant):
    partner = PartnerFactory(tenant=tenant, name="旧名")
    response = post(staff_client, url("partner_edit", tenant, pk=partner.pk), partner_data(kind="npo"))
    assert shown(response) == ["連携先を保存しました。"]
    partner.refresh_from_db()
    assert (partner.name, partner.kind, partner.is_active) == ("株式会社北陸製作所", "npo", True)


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"kind": "bank"}, {"kind": ["正しく選択してください。 bank は候補にありません。"]}),
        ({"name": ""}, {"name": ["このフィールドは必須です。"]}),
        ({"website": "www example"}, {"website": ["URLを正しく入力してください。"]}),
    ],
)
def test_invalid_partner_input(staff_client, tenant, overrides, errors):
    response = post(staff_client, url("partner_create", tenant), partner_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert partners() == []


def test_a_second_partner_with_the_same_name_is_refused(staff_client, tenant, other_tenant):
    PartnerFactory(tenant=other_tenant, name="株式会社北陸製作所")  # another tenant's name is free
    post(staff_client, url("partner_create", tenant), partner_data())
    response = post(staff_client, url("partner_create", tenant), partner_data(kind="npo"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": ["この 機関 と 名称 を持った 連携先 が既に存在します。"]}
    assert [p.kind for p in partners() if p.tenant == tenant] == ["company"]


def test_renaming_onto_another_partner_is_refused(staff_client, tenant):
    PartnerFactory(tenant=tenant, name="株式会社北陸製作所")
    second = PartnerFactory(tenant=tenant, name="加賀建設")
    response = post(staff_client, url("partner_edit", tenant, pk=second.pk), partner_data())
    assert response.context["form"].errors == {"__all__": ["この 機関 と 名称 を持った 連携先 が既に存在します。"]}
    second.refresh_from_db()
    assert second.name == "加賀建設"


# --- ContactForm and DepartmentForm --------------------------------------------------------


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


def test_departments_and_contacts(staff_client, tenant, partner):
    response = post(staff_client, url("department_add", tenant, pk=partner.pk), {"name": "生産技術部"})
    assert shown(response) == ["部署を追加しました。"]
    with scopes_disabled():
        department = PartnerDepartment.objects.get(partner=partner)
    assert (department.name, department.tenant) == ("生産技術部", tenant)
    data = {
        "full_name": "山田 花子",
        "title": "課長",
        "department": department.pk,
        "email": "yamada@partner.example.jp",
        "phone": "076-000-0000",
        "is_primary": "on",
    }
    response = post(staff_client, url("contact_add", tenant, pk=partner.pk), data)
    assert shown(response) == ["担当者を保存しました。"]
    with scopes_disabled():
        contact = PartnerContact.objects.get(partner=partner)
    assert (contact.full_name, contact.department, contact.is_primary) == ("山田 花子", department, True)
    response = post(
        staff_client,
        url("contact_edit", tenant, pk=partner.pk, contact_pk=contact.pk),
        {**data, "department": "", "is_primary": ""},
    )
    assert shown(response) == ["担当者を保存しました。"]
    contact.refresh_from_db()
    assert (contact.department, contact.is_primary) == (None, False)


@pytest.mark.parametrize("name", ["", "   ", "部" * 201])
def test_a_department_needs_a_name(staff_client, tenant, partner, name):
    response = post(staff_client, url("department_add", tenant, pk=partner.pk), {"name": name})
    assert shown(response) == ["部署名を入力してください。"]
    with scopes_disabled():
        assert not PartnerDepartment.objects.exists()


def test_contact_refusals(staff_client, tenant, partner):
    with scopes_disabled():
        other_department = PartnerDepartment.objects.create(
            tenant=tenant, partner=PartnerFactory(tenant=tenant), name="営業部"
        )
    response = post(
        staff_client,
        url("contact_add", tenant, pk=partner.pk),
        {"full_name": "", "email": "not-an-address", "department": other_department.pk},
    )
    assert response.context["form"].errors == {
        "full_name": ["このフィールドは必須です。"],
        "email": ["有効なメールアドレスを入力してください。"],
        "department": ["正しく選択してください。選択したものは候補にありません。"],
    }
    with scopes_disabled():
        assert not PartnerContact.objects.exists()


# --- PractitionerForm --------------------------------------------------------------------


@pytest.fixture
def contact(partner):
    return PartnerContactFactory(partner=partner, full_name="佐藤 一郎")


def appoint(client, tenant, contact, **data):
    values = {"title": "実務家教員", "managerial_years": 8, "appointed_from": "2026-04-01"}
    values.update(data)
    return post(client, url("practitioner_appoint", tenant, pk=contact.partner_id, contact_pk=contact.pk), values)


def practitioner_of(contact):
    with scopes_disabled():
        return PractitionerFaculty.objects.filter(contact=contact).first()


def test_appoint_with_five_years_or_more(staff_client, tenant, contact):
    response = appoint(staff_client, tenant, contact, managerial_years=5, appointed_until="2027-03-31")
    assert shown(response) == ["佐藤 一郎 さんを実務家教員に招聘しました。"]
    practitioner = practitioner_of(contact)
    assert (practitioner.managerial_years, practitioner.appointed_until) == (5, datetime.date(2027, 3, 31))


def test_fewer_than_five_years_needs_a_reason_then_is_appointed(staff_client, tenant, contact):
    response = appoint(staff_client, tenant, contact, managerial_years=3)
    assert response.context["form"].errors == {
        "exception_reason": ["管理職経験が5年未満です。理由を記録してください。"]
    }
    assert response.context["low_experience"] is True
    assert practitioner_of(contact) is None
    response = appoint(staff_client, tenant, contact, managerial_years=3, exception_reason="技術部門の統括経験")
    assert shown(response) == ["佐藤 一郎 さんを実務家教員に招聘しました。"]
    assert practitioner_of(contact).exception_reason == "技術部門の統括経験"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"appointed_until": "2026-03-31"}, {"appointed_until": ["任期の終了日は開始日より前にできません。"]}),
        ({"managerial_years": 61}, {"managerial_years": ["この値は 60 以下でなければなりません。"]}),
        ({"managerial_years": -1}, {"managerial_years": ["この値は 0 以上でなければなりません。"]}),
        ({"appointed_from": ""}, {"appointed_from": ["このフィールドは必須です。"]}),
    ],
)
def test_practitioner_refusals(staff_client, tenant, contact, data, errors):
    response = appoint(staff_client, tenant, contact, **data)
    assert response.context["form"].errors == errors
    assert practitioner_of(contact) is None


def test_reappointing_updates_the_same_row(staff_client, tenant, contact):
    first = PractitionerFacultyFactory(contact=contact, managerial_years=10)
    appoint(staff_client, tenant, contact, title="客員教授", managerial_years=12)
    with scopes_disabled():
        assert list(PractitionerFaculty.objects.values_list("pk", "title", "managerial_years")) == [
            (first.pk, "客員教授", 12)
        ]
