"""Shared figures, not shared people (issue 13, items 8 and 12): the consortium's aggregate page
against a hand count over two members, only aggregates out of the queries, a constant number
of queries as members grow, suppression of small cells, and no member reaching another's rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from consortium import selectors
from coop import registry
from coop.models import Role
from coop.registry import GroupFigure
from placements.models import Placement
from surveys.models import SurveyResponse

from ..clock import at
from ..factories import PlacementFactory, ProgramFactory, ThemeFactory, member
from ..surveys.helpers import answer, make_form, make_round
from .helpers import YEAR, join, make_consortium, place

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]

ALL = ("offer_received", "hired_in_japan", "hired_by_partner", "stayed_in_region")
OFFER_JAPAN_REGION = ("offer_received", "hired_in_japan", "stayed_in_region")
OFFER_JAPAN_PARTNER = ("offer_received", "hired_in_japan", "hired_by_partner")


@pytest.fixture
def two_members():
    """Member A: 6 students; member B: 7 students, and two placements that must not count (the
    year before, and a program of B's own that is not the common one)."""
    consortium, coordinator = make_consortium()
    a, a_admin, a_staff, a_adoption = join(consortium, name="北陸工科大学", slug="hokuriku-tech")
    b, b_admin, b_staff, b_adoption = join(consortium, name="金沢グローバル大学", slug="kanazawa-global")
    place(
        a_adoption,
        [ALL, OFFER_JAPAN_REGION, OFFER_JAPAN_REGION, OFFER_JAPAN_REGION, OFFER_JAPAN_REGION, None],
        pre=[2, 2, 2, 2, 2, 2],
        post=[3, 3, 3, 3, 3, 3.6],
    )
    place(
        b_adoption,
        [
            ALL,
            ALL,
            OFFER_JAPAN_PARTNER,
            OFFER_JAPAN_PARTNER,
            OFFER_JAPAN_PARTNER,
            ("offer_received",),
            ("offer_received",),
        ],
        pre=[1, 1, 1, 1, 1, 1, 1],
        post=[2, 2, 2, 2, 2, 2, 2],
    )
    place(b_adoption, [ALL], starts_on=datetime.date(2026, 3, 31))  # academic year 2025
    # The students' survey (surveys app, through coop.registry): all 6 of A answer, 4 of B's 7.
    for adoption, answering in ((a_adoption, 6), (b_adoption, 4)):
        survey_round = make_round(adoption.tenant, make_form(adoption.tenant), adoption.program, audiences=["student"])
        with scopes_disabled():
            owed = list(
                SurveyResponse.objects.filter(round=survey_round, placement__starts_on__year=2026)
                .select_related("round__form", "placement")
                .order_by("pk")
            )
        for response in owed[:answering]:
            answer(response, {"q1": "4", "q2": "はい"}, by=response.placement.student)
    with scopes_disabled():
        other_program = ProgramFactory(tenant=b)
        PlacementFactory(theme=ThemeFactory(tenant=b, program=other_program), student=member(b, Role.STUDENT))
    return {
        "consortium": consortium,
        "coordinator": coordinator,
        "a": (a, a_admin, a_staff),
        "b": (b, b_admin, b_staff),
    }


def _page(client, user, consortium, **params):
    client.force_login(user)
    response = client.get(reverse("consortium:figures", kwargs={"slug": consortium.slug}), params)
    assert response.status_code == 200
    return response


def _texts(row):
    return [cell.text for cell in row.cells]


HEADER = [
    "学生数",
    "就業",
    "連携先",
    "内定",
    "日本で就職",
    "連携先に就職",
    "地域に定着",
    "ルーブリックの変化（事前→事後）",
    "アンケート回答（学生）",
    "アンケート回答率（学生、%）",
]


def test_the_aggregate_page_matches_a_hand_count_over_two_members(client, two_members):
    response = _page(client, two_members["coordinator"], two_members["consortium"])
    table = response.context["table"]
    assert table["header"] == HEADER
    rows = {row.label: _texts(row) for row in table["rows"]}
    # A: 6 students and placements at one partner; 5 offers, 5 in Japan, 1 hired by the partner
    # (suppressed), 5 stayed; rubric 2.0 -> 3.1. B: 7 placements; 7 offers, 5 in Japan, 5 by
    # the partner, 2 stayed (suppressed); rubric 1.0 -> 2.0.
    # Survey: A 6 of 6 answered (100 %), B 4 of 7 (57.1 %, its 4 answers suppressed).
    assert rows == {
        "北陸工科大学": ["6", "6", "1", "5", "5", "5未満", "5", "+1.10", "6", "100.0"],
        "金沢グローバル大学": ["7", "7", "1", "7", "5", "5", "5未満", "+1.00", "5未満", "57.1"],
    }
    # Total: 13 students, 2 partners, 12 offers, 10 in Japan, 6 by the partner, 7 stayed;
    # rubric (6 x 2.0 + 7 x 1.0) / 13 -> (6 x 3.1 + 7 x 2.0) / 13: +1.05. The total of a column
    # with one suppressed cell would tell it (6 - 5 = A's 1, 7 - 5 = B's 2): suppressed too.
    # Survey: 10 answers would tell B's 4 (10 - 6); the rate over 13 asked: (6 x 100 + 7 x 57.1) / 13.
    assert _texts(table["total"]) == ["13", "13", "2", "12", "10", "5未満", "5未満", "+1.05", "5未満", "76.9"]
    page = response.text
    assert "北陸工科大学" in page and "金沢グローバル大学" in page and "5未満" in page
    # Behind the suppressed cells, the same hand count.
    a, b = two_members["a"][0].pk, two_members["b"][0].pk
    by_member, _contributed = selectors.figures_by_member(two_members["consortium"], year=YEAR)
    counts = {t: [by_member[t][key] for key in selectors.COUNT_KEYS] for t in (a, b)}
    assert counts == {a: [6, 6, 1, 5, 5, 1, 5], b: [7, 7, 1, 7, 5, 5, 2]}
    assert by_member[a]["rubric_pre"] == (2.0, 6) and by_member[a]["rubric_post"][1] == 6
    assert round(by_member[a]["rubric_post"][0], 2) == 3.1 and by_member[b]["rubric_n"] == 7


def test_a_total_is_suppressed_only_where_it_would_tell_a_suppressed_cell(client, two_members, settings):
    # With a minimum of 2, only A's 1 "hired by the partner" is hidden: the total (6) minus B's 5
    # would tell it. Every "stayed" cell is shown, and so is its total.
    settings.CONSORTIUM_MIN_COUNT = 2
    table = _page(client, two_members["coordinator"], two_members["consortium"]).context["table"]
    assert {row.label: _texts(row)[5:7] for row in table["rows"]} == {
        "北陸工科大学": ["2未満", "5"],
        "金沢グローバル大学": ["5", "2"],
    }
    assert _texts(table["total"])[5:7] == ["2未満", "7"]


def test_a_members_staff_see_their_own_row_beside_the_total(client, two_members):
    a, _admin, a_staff = two_members["a"]
    response = _page(client, a_staff, two_members["consortium"])
    table = response.context["table"]
    assert [row.label for row in table["rows"]] == ["北陸工科大学"]
    assert "金沢グローバル大学" not in response.text
    # The rest (B) stayed 2 in the region: the total (7) minus A's 5 would tell it, so the total
    # is suppressed for A; B's other cells reach the minimum and the total shows.
    assert _texts(table["total"])[:8] == ["13", "13", "2", "12", "10", "6", "5未満", "+1.05"]
    assert _texts(table["total"])[8:] == ["5未満", "76.9"]  # 10 answers - A's 6 would tell B's 4


def test_the_figures_of_another_year_are_that_years(client, two_members):
    table = _page(client, two_members["coordinator"], two_members["consortium"], year=YEAR - 1).context["table"]
    assert table["year"] == YEAR - 1
    assert {row.label: _texts(row)[:2] for row in table["rows"]} == {
        "北陸工科大学": ["5未満", "5未満"],
        "金沢グローバル大学": ["5未満", "5未満"],  # the one placement of 2025
    }


def test_the_aggregate_queries_return_counts_per_member_and_nothing_per_person(two_members):
    consortium = two_members["consortium"]
    with CaptureQueriesContext(connection) as queries:
        by_member, contributed = selectors.figures_by_member(consortium, year=YEAR)
    assert set(by_member) == {two_members["a"][0].pk, two_members["b"][0].pk}
    for row in by_member.values():
        assert set(row) <= selectors.AGGREGATE_KEYS
        assert all(isinstance(value, int | float | tuple) for value in row.values())
    # The surveys app's columns: counts and rates per member, read in one GROUP BY query.
    assert [figure.key for figure in contributed] == ["survey_answered", "survey_rate"]
    assert contributed[0].by_tenant == {two_members["a"][0].pk: (6, 6), two_members["b"][0].pk: (4, 4)}
    surveyed = [q["sql"] for q in queries.captured_queries if "surveys_surveyresponse" in q["sql"]]
    assert len(surveyed) == 1 and "GROUP BY" in surveyed[0]
    # Every read of a tenant's rows across members groups by tenant: no per-person row leaves.
    across = [q["sql"] for q in queries.captured_queries if "placements_placement" in q["sql"]]
    assert len(across) == 3  # placements, rubric scores, survey answers
    assert all("GROUP BY" in sql for sql in across)
    versions = [q["sql"] for q in queries.captured_queries if "MAX(" in q["sql"]]
    assert len(versions) == 1 and "GROUP BY" in versions[0]  # the version each member follows


@pytest.mark.parametrize(("members_count", "queries"), [(2, 11), (20, 11)])
def test_the_aggregate_page_reads_in_a_constant_number_of_queries(
    client, django_assert_num_queries, members_count, queries
):
    consortium, coordinator = make_consortium()
    for n in range(members_count):
        _tenant, _admin, _staff, adoption = join(consortium, name=f"大学 {n:02d}")
        place(adoption, [ALL], pre=[2], post=[3])
    client.force_login(coordinator)
    url = reverse("consortium:figures", kwargs={"slug": consortium.slug})
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["table"]["rows"]) == members_count
    assert _texts(response.context["table"]["total"])[:2] == (
        [str(members_count)] * 2 if members_count >= 5 else ["5未満"] * 2
    )


def test_a_member_that_has_not_adopted_counts_nothing(client):
    consortium, coordinator = make_consortium()
    _a, _admin, _staff, adoption = join(consortium, name="採用校")
    join(consortium, name="未採用校", adopt=False)
    place(adoption, [ALL] * 5)
    table = _page(client, coordinator, consortium).context["table"]
    rows = {row.label: row for row in table["rows"]}
    assert rows["未採用校"].version is None and _texts(rows["未採用校"])[:2] == ["5未満", "5未満"]
    assert rows["採用校"].version == 1 and _texts(rows["採用校"])[:2] == ["5", "5"]


def test_the_minimum_count_is_a_setting(client, settings, two_members):
    settings.CONSORTIUM_MIN_COUNT = 1
    table = _page(client, two_members["coordinator"], two_members["consortium"]).context["table"]
    assert "5未満" not in str([_texts(row) for row in table["rows"]])
    assert {row.label: _texts(row)[5:7] for row in table["rows"]} == {
        "北陸工科大学": ["1", "5"],
        "金沢グローバル大学": ["5", "2"],
    }
    assert _texts(table["total"]) == ["13", "13", "2", "12", "10", "6", "7", "+1.05", "10", "76.9"]


def test_neither_member_can_open_the_others_records(client, two_members):
    a, _a_admin, a_staff = two_members["a"]
    b, _b_admin, b_staff = two_members["b"]
    with scopes_disabled():
        a_placement = Placement.objects.filter(tenant=a).first()
        b_placement = Placement.objects.filter(tenant=b).first()
    for user, own, other in ((a_staff, a, b), (b_staff, b, a)):
        client.force_login(user)
        theirs = b_placement if own == a else a_placement
        mine = a_placement if own == a else b_placement
        # Their placement under their tenant's address: not a member there (404).
        assert (
            client.get(
                reverse("placements:placement_detail", kwargs={"tenant_slug": other.slug, "pk": theirs.pk})
            ).status_code
            == 404
        )
        # Their placement's id under one's own tenant: not in this tenant (404).
        assert (
            client.get(
                reverse("placements:placement_detail", kwargs={"tenant_slug": own.slug, "pk": theirs.pk})
            ).status_code
            == 404
        )
        assert (
            client.get(
                reverse("placements:placement_detail", kwargs={"tenant_slug": own.slug, "pk": mine.pk})
            ).status_code
            == 200
        )
        # Nor the other's member list or partners.
        assert client.get(reverse("coop:members", kwargs={"tenant_slug": other.slug})).status_code == 404


def test_another_app_adds_its_columns_through_the_registry(client, two_members, monkeypatch):
    """How a surveys app plugs in (coop.registry.register_consortium_figures): its provider runs
    inside the aggregate bypass and returns a value and a head count per member."""
    a, b = two_members["a"][0].pk, two_members["b"][0].pk
    seen = {}

    def survey_figures(*, program_ids, starts_on, ends_on):
        seen["period"] = (starts_on, ends_on)
        return [
            GroupFigure("satisfaction", "満足度", "average", {a: (4.0, 6), b: (3.0, 3)}),
            GroupFigure("answers", "回答数", "count", {a: (6, 6), b: (3, 3)}),
        ]

    monkeypatch.setattr(registry, "CONSORTIUM_FIGURE_PROVIDERS", [survey_figures])
    monkeypatch.setattr(selectors, "CONSORTIUM_FIGURE_PROVIDERS", registry.CONSORTIUM_FIGURE_PROVIDERS)
    table = _page(client, two_members["coordinator"], two_members["consortium"]).context["table"]
    assert table["header"][-2:] == ["満足度", "回答数"]
    assert {row.label: _texts(row)[-2:] for row in table["rows"]} == {
        "北陸工科大学": ["4.0", "6"],
        "金沢グローバル大学": ["5未満", "5未満"],  # 3 people behind each
    }
    assert _texts(table["total"])[-2:] == ["3.67", "5未満"]  # 9 answers - 6 would tell 3
    assert seen["period"] == (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
