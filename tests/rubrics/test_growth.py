"""Growth per student and per cohort, checked against hand-computed numbers.

Fixture (levels 1-4, criteria a and b, self-assessments unless said):

    placement  pre a,b   post a,b   (partner post a,b)
    p1         1, 2      3, 2       2, 2
    p2         2, 2      4, 1
    p3         1, 3      -          (no post yet)
    other      4, 4      1, 1       another program: left out when filtering by program

By hand, program only, self:
    a: pre counts [2,1,0,0] mean 4/3=1.33; post [0,0,1,1] mean 3.5; change ((3-1)+(4-2))/2 = 2.0 over 2 pairs
    b: pre counts [0,2,1,0] mean 7/3=2.33; post [1,1,0,0] mean 1.5; change ((2-2)+(1-2))/2 = -0.5 over 2 pairs
"""

import pytest
from django_scopes import scope, scopes_disabled

from coop import charts
from coop.models import Role
from rubrics import selectors, services

from ..clock import at
from ..factories import ProgramFactory, member
from .helpers import LEVELS, make_placement, make_rubric, make_window, rate

# Assessment windows open and close relative to today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


@pytest.fixture
def cohort(tenant):
    staff = member(tenant, Role.STAFF)
    rubric = make_rubric(tenant)
    with scopes_disabled():
        program = ProgramFactory(tenant=tenant)
    p1, p2, p3 = (make_placement(tenant, program=program) for _ in range(3))
    other = make_placement(tenant)
    pre = make_window(tenant, rubric, program=program, phase="pre", opens=-30, closes=-20)
    other_pre = make_window(tenant, rubric, placement=other, phase="pre", opens=-30, closes=-20)
    for placement, a, b in ((p1, 1, 2), (p2, 2, 2), (p3, 1, 3)):
        rate(pre, placement, "self", {"a": a, "b": b})
    rate(other_pre, other, "self", {"a": 4, "b": 4})
    # The rubric is changed after the pre survey: the post survey uses version 2, same keys.
    with scope(tenant=tenant):
        v2 = services.rubric_update(
            rubric=rubric,
            by=staff,
            name=rubric.name,
            description="",
            levels=LEVELS,
            criteria=[{**c, "name": c["name"] + "（改）"} for c in rubric.criteria],
        )
    assert v2.version == 2
    post = make_window(tenant, v2, program=program, phase="post", opens=-2, closes=5)
    other_post = make_window(tenant, v2, placement=other, phase="post", opens=-2, closes=5)
    for placement, a, b in ((p1, 3, 2), (p2, 4, 1)):
        rate(post, placement, "self", {"a": a, "b": b})
    rate(post, p1, "partner", {"a": 2, "b": 2})
    rate(other_post, other, "self", {"a": 1, "b": 1})
    return {"rubric": v2, "program": program, "p": (p1, p2, p3), "other": other, "staff": staff}


def test_cohort_distribution_means_and_change_by_program(tenant, cohort):
    with scope(tenant=tenant):
        placements = selectors.cohort_placements(cohort["staff"], Role.STAFF, program=cohort["program"])
        result = selectors.cohort_growth(cohort["rubric"], placements, rater="self")
    assert result["levels"] == [1, 2, 3, 4] and result["students"] == 3
    a, b = result["criteria"]
    assert a["name"] == "異文化受容性（改）"
    assert a["before"] == {"n": 3, "mean": 1.33, "counts": [2, 1, 0, 0]}
    assert a["after"] == {"n": 2, "mean": 3.5, "counts": [0, 0, 1, 1]}
    assert (a["pairs"], a["change"]) == (2, 2.0)
    assert b["before"] == {"n": 3, "mean": 2.33, "counts": [0, 2, 1, 0]}
    assert b["after"] == {"n": 2, "mean": 1.5, "counts": [1, 1, 0, 0]}
    assert (b["pairs"], b["change"]) == (2, -0.5)


def test_cohort_of_the_whole_tenant_and_of_another_rater(tenant, cohort):
    with scope(tenant=tenant):
        everyone = selectors.cohort_placements(cohort["staff"], Role.STAFF)
        result = selectors.cohort_growth(cohort["rubric"], everyone, rater="self")
        partner = selectors.cohort_growth(cohort["rubric"], everyone, rater="partner")
    a = result["criteria"][0]
    # With `other` (4 → 1): a changes are 2, 2, -3 → 1/3 = 0.33
    assert a["before"]["counts"] == [2, 1, 0, 1] and (a["pairs"], a["change"]) == (3, 0.33)
    assert result["students"] == 4
    pa = partner["criteria"][0]
    assert pa["before"]["n"] == 0 and pa["after"] == {"n": 1, "mean": 2.0, "counts": [0, 1, 0, 0]}
    assert pa["change"] is None and pa["pairs"] == 0


def test_faculty_cohort_is_only_their_students(tenant, cohort):
    faculty = member(tenant, Role.FACULTY)
    p1 = cohort["p"][0]
    with scopes_disabled():
        p1.faculty_supervisor = faculty
        p1.save(update_fields=["faculty_supervisor"])
    with scope(tenant=tenant):
        result = selectors.cohort_growth(cohort["rubric"], selectors.cohort_placements(faculty, Role.FACULTY))
    a = result["criteria"][0]
    assert result["students"] == 1 and a["before"]["counts"] == [1, 0, 0, 0] and a["change"] == 2.0


def test_student_growth_pre_post_and_raters(tenant, cohort):
    p1 = cohort["p"][0]
    with scope(tenant=tenant):
        (growth,) = selectors.placement_growth(p1)
        (own,) = selectors.placement_growth(p1, raters=["self"])
    assert growth["rubric"].version == 2 and growth["phases"] == ["pre", "post"]
    assert growth["raters"] == ["self", "partner"]
    a, b = growth["criteria"]
    assert a["cells"] == {("pre", "self"): 1, ("pre", "partner"): None, ("post", "self"): 3, ("post", "partner"): 2}
    assert a["changes"] == {"self": 2, "partner": None}  # the partner rated once: no change to show
    assert b["changes"] == {"self": 0, "partner": None}
    assert own["raters"] == ["self"]


def test_growth_tables_label_every_cell_for_the_phone_layout(client, tenant, cohort):
    """On a phone a table row is a stack of cells, each introduced by its data-label: the
    numbers of the growth tables must say which phase (or rater) they are."""
    import re

    from django.urls import reverse

    p1 = cohort["p"][0]
    client.force_login(cohort["staff"])
    page = client.get(reverse("rubrics:placement_growth", kwargs={"tenant_slug": tenant.slug, "pk": p1.pk}))
    html = page.content.decode()
    cells = re.findall(r"<td([^>]*)>", html)
    assert cells and [c for c in cells if "data-label=" not in c] == []
    # Criterion a of p1: self 1 before, 3 after, +2; the partner's 2 after, in the raters compared.
    assert re.search(r'data-label="事前">1</td><td [^>]*data-label="事後">3</td><td [^>]*data-label="変化">\+2<', html)


def test_the_latest_assessment_wins_when_a_phase_is_rated_twice(tenant, cohort):
    p2 = cohort["p"][1]
    again = make_window(tenant, cohort["rubric"], placement=p2, phase="post", opens=-1, closes=5)
    rate(again, p2, "self", {"a": 2, "b": 2}, today=again.opens_on)
    with scope(tenant=tenant):
        (growth,) = selectors.placement_growth(p2)
    assert growth["criteria"][0]["cells"][("post", "self")] == 2


def test_charts_are_plain_svg_with_text_labels():
    svg = charts.grouped_bars(
        chart_id="t",
        title="<title & test>",
        desc="d",
        categories=["異文化受容性", "実践力"],
        series=[("Pre", "#999", [1, None]), ("Post", "#00f", [3, 2])],
        scale_max=4,
    )
    assert svg.startswith("<svg") and "<script" not in svg and "<style" not in svg and "href" not in svg
    assert "&lt;title &amp; test&gt;" in svg and "異文化受容性" in svg and ">3<" in svg
    dist = charts.distribution_bars(
        chart_id="c",
        title="t",
        desc="d",
        rows=[
            {
                "name": "a",
                "before": {"counts": [2, 1, 0, 0]},
                "after": {"counts": [0, 0, 1, 1]},
                "change": 2.0,
            }
        ],
        levels=[1, 2, 3, 4],
        before_label="Pre",
        after_label="Post",
    )
    assert "+2.00" in dist and "<script" not in dist


def test_term_summary_section_has_the_rubric_change(tenant, cohort):
    from coop.summary import Scope
    from rubrics.summary import sections

    with scope(tenant=tenant):
        (section,) = sections(Scope(tenant=tenant, program=cohort["program"], academic_year=2026))
        assert sections(Scope(tenant=tenant, program=ProgramFactory(tenant=tenant), academic_year=2026)) == []
    assert section.numbers == {"a": 2.0, "b": -0.5}
    assert section.rows[0] == ["異文化受容性（改）", 1.33, 3.5, 2.0, 2, "", ""]
    assert section.chart.startswith("<svg") and "異文化受容性" in section.chart
