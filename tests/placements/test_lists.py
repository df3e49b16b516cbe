"""The placements list (coop.lists): paging, search, filters, sorting, htmx, export, tenancy,
and literal query counts on page 1 and a deep page."""

import csv
import io

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import CareerOutcome, Placement

from ..factories import PlacementFactory, TermFactory, ThemeFactory, placements_bulk
from ..html import body_rows

pytestmark = pytest.mark.django_db


def list_url(tenant, **params):
    from urllib.parse import urlencode  # noqa: PLC0415 - only this helper builds query strings

    url = reverse("placements:placement_list", kwargs={"tenant_slug": tenant.slug})
    return f"{url}?{urlencode(params)}" if params else url


def students_shown(page):
    return [row.split(" ")[0] + " " + row.split(" ")[1] for row in body_rows(page.text)]


@pytest.fixture
def staff_client(client, members):
    client.force_login(members[Role.STAFF])
    return client


def test_pages_hold_50_rows_and_page_2_starts_at_row_51(staff_client, tenant):
    placements_bulk(ThemeFactory(tenant=tenant), 120)
    first = staff_client.get(list_url(tenant, sort="student"))
    second = staff_client.get(list_url(tenant, sort="student", page=2))
    last = staff_client.get(list_url(tenant, sort="student", page=99))  # past the end: the last page
    assert students_shown(first)[:2] == ["学生 bulk0000", "学生 bulk0001"]
    assert len(body_rows(first.text)) == 50
    assert students_shown(second)[0] == "学生 bulk0050"
    assert students_shown(last) == [f"学生 bulk{i:04}" for i in range(100, 120)]
    assert "1–50 / 120件" in first.text
    assert 'href="?sort=student&amp;page=3"' in first.text


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("bulk0007", ["学生 bulk0007"]),  # name, partially
        ("ガクセイ bulk0012", ["学生 bulk0012"]),  # kana on the membership
        ("bulk0003@hokuriku", ["学生 bulk0003"]),  # email
        ("Sbulk0004", ["学生 bulk0004"]),  # student number
    ],
)
def test_search_finds_a_student_by_partial_name_kana_email_or_number(staff_client, tenant, q, expected):
    placements_bulk(ThemeFactory(tenant=tenant), 15)
    assert students_shown(staff_client.get(list_url(tenant, q=q))) == expected


def test_search_finds_by_partner_and_theme_in_japanese(staff_client, tenant):
    theme = ThemeFactory(tenant=tenant, title="金沢の観光データ分析", partner__name="北陸精機株式会社")
    placements_bulk(theme, 2, prefix="kanko")
    placements_bulk(ThemeFactory(tenant=tenant), 3, prefix="other")
    assert students_shown(staff_client.get(list_url(tenant, q="観光データ"))) == ["学生 kanko0001", "学生 kanko0000"]
    assert len(body_rows(staff_client.get(list_url(tenant, q="精機")).text)) == 2


def test_filters_by_state_program_term_partner_faculty_and_outcome(staff_client, tenant, members):
    term = TermFactory(program__tenant=tenant)
    first = ThemeFactory(tenant=tenant, program=term.program, term=term)
    second = ThemeFactory(tenant=tenant)
    a, b = placements_bulk(first, 2, prefix="first")
    placements_bulk(second, 3, prefix="second", state=Placement.State.ACTIVE)
    faculty = members[Role.FACULTY]
    with scopes_disabled():
        Placement.objects.filter(student=a).update(faculty_supervisor=faculty)
        CareerOutcome.objects.create(tenant=tenant, placement=Placement.objects.get(student=b), hired_in_japan=True)

    def shown(**params):
        return students_shown(staff_client.get(list_url(tenant, **params)))

    assert len(shown(state="active")) == 3
    assert shown(program=term.program.pk) == ["学生 first0001", "学生 first0000"]
    assert shown(term=term.pk) == ["学生 first0001", "学生 first0000"]
    assert len(shown(partner=second.partner.pk)) == 3
    assert shown(faculty=faculty.pk) == ["学生 first0000"]
    assert shown(outcome="hired_in_japan") == ["学生 first0001"]
    assert len(shown(outcome="none")) == 4
    assert len(shown(state="nonsense")) == 5  # an unknown value is no filter


def test_the_list_shows_the_career_outcome(staff_client, tenant):
    (student,) = placements_bulk(ThemeFactory(tenant=tenant), 1)
    with scopes_disabled():
        placement = Placement.objects.get(student=student)
        CareerOutcome.objects.create(tenant=tenant, placement=placement, hired_by_partner=True, stayed_in_region=True)
    (row,) = body_rows(staff_client.get(list_url(tenant)).text)
    assert row.endswith("予定 連携先に就職 · 地域に定着")


def test_sorting_by_a_whitelisted_column_both_ways(staff_client, tenant):
    placements_bulk(ThemeFactory(tenant=tenant), 3)
    assert students_shown(staff_client.get(list_url(tenant, sort="student"))) == [f"学生 bulk000{i}" for i in (0, 1, 2)]
    assert students_shown(staff_client.get(list_url(tenant, sort="-student"))) == [
        f"学生 bulk000{i}" for i in (2, 1, 0)
    ]
    # an unknown sort falls back to the default (newest start first), never to any column
    assert students_shown(staff_client.get(list_url(tenant, sort="student__password"))) == [
        f"学生 bulk000{i}" for i in (2, 1, 0)
    ]


def test_htmx_gets_only_the_results(staff_client, tenant):
    placements_bulk(ThemeFactory(tenant=tenant), 2)
    page = staff_client.get(list_url(tenant, q="bulk0001"), headers={"HX-Request": "true"})
    assert page.text.lstrip().startswith('<div id="list-results">')
    assert "<html" not in page.text and "<form" not in page.text
    assert students_shown(page) == ["学生 bulk0001"]


def test_export_holds_the_filtered_rows_with_outcomes(staff_client, tenant):
    students = placements_bulk(ThemeFactory(tenant=tenant), 60)
    placements_bulk(ThemeFactory(tenant=tenant), 2, prefix="=cmd")
    with scopes_disabled():
        CareerOutcome.objects.create(
            tenant=tenant, placement=Placement.objects.get(student=students[5]), offer_received=True
        )
    response = staff_client.get(list_url(tenant, q="bulk00", export="csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-4:] == ["連携先から内定を得た", "連携先に就職", "日本企業に就職", "地域に定着"]
    assert len(rows) == 1 + 60  # every filtered row, not only the first page
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["学生 bulk0005"][-4:] == ["はい", "いいえ", "いいえ", "いいえ"]
    assert by_name["学生 bulk0006"][-4:] == ["", "", "", ""]
    escaped = staff_client.get(list_url(tenant, q="=cmd", export="csv"))
    assert "'=cmd0000@" in b"".join(escaped.streaming_content).decode("utf-8-sig")
    workbook = staff_client.get(list_url(tenant, q="bulk0001", export="xlsx"))
    assert workbook["Content-Disposition"].startswith('attachment; filename="placements-hokuriku')


def test_students_may_not_export(client, tenant, members):
    client.force_login(members[Role.STUDENT])
    assert client.get(list_url(tenant, export="csv")).status_code == 403


def test_another_tenants_rows_never_show_even_by_search(staff_client, tenant, other_tenant):
    placements_bulk(ThemeFactory(tenant=other_tenant), 3, prefix="foreign")
    PlacementFactory(theme=ThemeFactory(tenant=other_tenant, partner__name="他校の会社"))
    assert body_rows(staff_client.get(list_url(tenant, q="foreign")).text) == [
        "該当するものはありません。検索やフィルターを解除してください。"
    ]
    assert "他校の会社" not in staff_client.get(list_url(tenant, q="他校")).text
    response = staff_client.get(list_url(tenant, export="csv", q="foreign"))
    assert len(list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))) == 1


@pytest.mark.parametrize("rows", [10, 200])
def test_query_count_on_page_1_and_a_deep_page(staff_client, tenant, django_assert_num_queries, rows):
    placements_bulk(ThemeFactory(tenant=tenant), rows)
    # session, user, tenant, membership, the count, the page with its joins, the program,
    # term and faculty choices of the filters
    for page in (1, 4):
        with django_assert_num_queries(9):
            response = staff_client.get(list_url(tenant, page=page))
        assert len(body_rows(response.text)) == (50 if rows == 200 else 10)


def test_partner_people_see_only_their_partners_placements(client, tenant):
    mine = ThemeFactory(tenant=tenant)
    placements_bulk(mine, 2, prefix="mine")
    placements_bulk(ThemeFactory(tenant=tenant), 2, prefix="theirs")
    from ..factories import partner_person  # noqa: PLC0415 - a helper of this test only

    client.force_login(partner_person(mine.partner))
    assert students_shown(client.get(list_url(tenant, q="学生"))) == ["学生 mine0001", "学生 mine0000"]


def test_the_office_finds_the_placements_behind_from_the_list(client, tenant, members):
    """The "behind" of the compliance page (reports.selectors.compliance): the placements list
    links to its drill-down of the people behind rather than counting it a second way."""
    behind = reverse("reports:compliance", kwargs={"tenant_slug": tenant.slug}) + "?behind=1"
    client.force_login(members[Role.STAFF])
    assert f'href="{behind}"' in client.get(list_url(tenant)).text
    assert client.get(behind).status_code == 200
    client.force_login(members[Role.STUDENT])
    assert "?behind=1" not in client.get(list_url(tenant)).text
