"""Every big list through the one list component (coop.lists): page 2 starts at row 51, a
partial search finds its row, htmx gets only the results, another tenant's rows never show
(not even by search), and the number of queries is the same at 10 and 200 rows, on page 1 and
on a deep page. The placements list and compliance have their own, fuller tests."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Invitation, Role
from placements.models import Application, Partner, Theme

from ..clock import at
from ..factories import ProgramFactory, ThemeFactory, students_bulk
from ..html import body_rows

pytestmark = [pytest.mark.django_db, at(2026, 11, 24, 10)]


def add_members(tenant, n, prefix):
    students_bulk(tenant, n, prefix=prefix)


def add_partners(tenant, n, prefix):
    with scopes_disabled():
        Partner.objects.bulk_create(
            Partner(tenant=tenant, name=f"株式会社{prefix}{i:04}", name_kana=f"カブシキガイシャ{prefix}{i:04}")
            for i in range(n)
        )


def add_themes(tenant, n, prefix):
    program = ProgramFactory(tenant=tenant)
    with scopes_disabled():
        partner = Partner.objects.create(tenant=tenant, name=f"連携先{prefix}")
        Theme.objects.bulk_create(
            Theme(
                tenant=tenant,
                program=program,
                partner=partner,
                title=f"テーマ{prefix}{i:04}",
                description="…",
                duration_months=6,
            )
            for i in range(n)
        )


def add_applications(tenant, n, prefix):
    theme = ThemeFactory(tenant=tenant)
    students = students_bulk(tenant, n, prefix=prefix)
    with scopes_disabled():
        Application.objects.bulk_create(
            Application(tenant=tenant, theme=theme, student=student, motivation="…") for student in students
        )


def add_invitations(tenant, n, prefix):
    expires = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)  # a week after the module's day
    with scopes_disabled():
        Invitation.objects.bulk_create(
            Invitation(
                tenant=tenant,
                email=f"{prefix}{i:04}@invited.example.jp",
                role=Role.STUDENT,
                token_hash=f"{tenant.slug}-{prefix}-{i}",
                expires_at=expires,
            )
            for i in range(n)
        )


# url name, builder, sort giving the rows in the builder's order, a search for row 7,
# queries at any size (session, user, tenant, membership + the list's own)
LISTS = {
    # + the pending membership requests (coop.saml) above the list
    "members": ("coop:members", add_members, {"role": "student", "sort": "number", "q": "{p}"}, "ガクセイ {p}0007", 7),
    "partners": ("placements:partner_list", add_partners, {"sort": "name"}, "カブシキガイシャ{p}0007", 6),
    "themes": ("placements:theme_list", add_themes, {"sort": "title"}, "テーマ{p}0007", 9),
    "applications": ("placements:application_list", add_applications, {"sort": "student"}, "{p}0007@", 8),
    "invitations": ("coop:invitations", add_invitations, {"sort": "email"}, "{p}0007@", 6),
}


def list_url(tenant, name, **params):
    url = reverse(LISTS[name][0], kwargs={"tenant_slug": tenant.slug})
    prefix = params.pop("prefix", "")
    params = {key: value.format(p=prefix) if isinstance(value, str) else value for key, value in params.items()}
    return f"{url}?{urlencode(params)}" if params else url


@pytest.fixture
def staff_client(client, members):
    client.force_login(members[Role.ADMIN])
    return client


@pytest.mark.parametrize("name", LISTS)
def test_page_2_starts_at_row_51(staff_client, tenant, name):
    _url, build, order, _q, _n = LISTS[name]
    build(tenant, 120, "row")
    first = body_rows(staff_client.get(list_url(tenant, name, **order, prefix="row")).text)
    second = body_rows(staff_client.get(list_url(tenant, name, **order, page=2, prefix="row")).text)
    third = body_rows(staff_client.get(list_url(tenant, name, **order, page=3, prefix="row")).text)
    assert (len(first), len(second), len(third)) == (50, 50, 20)
    assert "row0000" in first[0] and "row0049" in first[-1]
    assert "row0050" in second[0]


@pytest.mark.parametrize("name", LISTS)
def test_search_finds_by_a_partial_match_and_htmx_gets_the_results_only(staff_client, tenant, name):
    _url, build, _order, q, _n = LISTS[name]
    build(tenant, 12, "find")
    found = body_rows(staff_client.get(list_url(tenant, name, q=q.format(p="find"))).text)
    assert len(found) == 1 and "find0007" in found[0]
    partial = staff_client.get(list_url(tenant, name, q=q.format(p="find")), headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="list-results">') and "<html" not in partial.text
    assert body_rows(partial.text) == found


@pytest.mark.parametrize("name", LISTS)
def test_another_tenants_rows_never_show_even_by_search(staff_client, tenant, other_tenant, name):
    _url, build, _order, q, _n = LISTS[name]
    build(other_tenant, 3, "foreign")
    for params in ({}, {"q": "foreign"}, {"q": q.format(p="foreign")}):
        page = staff_client.get(list_url(tenant, name, **params))
        assert not any("foreign" in row for row in body_rows(page.text))


@pytest.mark.parametrize("rows", [10, 200])
@pytest.mark.parametrize("name", LISTS)
def test_queries_do_not_grow_on_page_1_or_a_deep_page(staff_client, tenant, django_assert_num_queries, name, rows):
    _url, build, order, _q, queries = LISTS[name]
    build(tenant, rows, "count")
    for page in (1, 4):
        with django_assert_num_queries(queries):
            response = staff_client.get(list_url(tenant, name, **order, page=page, prefix="count"))
        assert len(body_rows(response.text)) == (50 if rows == 200 else 10)


def test_members_filter_by_role_and_export_what_is_shown(staff_client, tenant):
    add_members(tenant, 3, "exp")
    response = staff_client.get(list_url(tenant, "members", role="student", q="exp", export="csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("氏名,氏名（カナ）,メールアドレス,学籍番号,役割")
    assert len(lines) == 4 and all(",Sexp000" in line for line in lines[1:])
    staff_only = staff_client.get(list_url(tenant, "members", role="admin"))
    assert [row.split(" ")[-1] for row in body_rows(staff_only.text)] != []
    assert "exp0000" not in staff_only.text


def test_partners_filter_by_kind_and_sort_both_ways(staff_client, tenant):
    add_partners(tenant, 3, "sort")
    with scopes_disabled():
        Partner.objects.filter(name="株式会社sort0001").update(kind=Partner.Kind.NPO)
    npo = body_rows(staff_client.get(list_url(tenant, "partners", kind="npo")).text)
    assert len(npo) == 1 and npo[0].startswith("株式会社sort0001")
    down = body_rows(staff_client.get(list_url(tenant, "partners", sort="-name")).text)
    assert [row.split(" ")[0] for row in down] == ["株式会社sort0002", "株式会社sort0001", "株式会社sort0000"]
