"""Pages of the rubrics app: building a rubric from a template and editing it (a new version
once used), windows, filling assessments by role, growth pages, and literal query counts of
the list pages at 1 and 3 rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from coop.models import Role
from rubrics.models import Assessment, AssessmentWindow, Rubric

from ..clock import at
from ..factories import ProgramFactory, TermFactory
from ..html import body_rows
from .helpers import make_placement, make_rubric, make_window, rate, shared_setup

# Assessment windows open and close relative to today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def url(name, tenant, **kwargs):
    return reverse(f"rubrics:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_staff_make_a_rubric_from_a_template_and_edit_it(client, tenant, members):
    client.force_login(members[Role.STAFF])
    response = client.post(url("rubric_create", tenant), {"template": "five_abilities", "name": ""})
    with scope(tenant=tenant):
        rubric = Rubric.objects.get()
    assert response.status_code == 302 and response["Location"] == url("rubric_edit", tenant, pk=rubric.pk)
    page = client.get(response["Location"], **EN)
    assert page.status_code == 200 and "俯瞰的思考力" in page.text
    data = {"name": "5つの能力", "description": "", **{f"level_{v}": f"Lv{v}" for v in (1, 2, 3, 4)}}
    for n, criterion in enumerate(rubric.criteria):
        data[f"c{n}_name"] = criterion["name"]
        data[f"c{n}_weight"] = "2" if n == 0 else "1"
        for v in (1, 2, 3, 4):
            data[f"c{n}_d{v}"] = criterion["descriptors"][str(v)]
    data["c4_name"] = ""  # remove 実践力
    data["c5_name"] = "協働力"  # add one
    data["c5_d4"] = "チームを主導できる"
    response = client.post(url("rubric_edit", tenant, pk=rubric.pk), data)
    assert response.status_code == 302
    with scope(tenant=tenant):
        rubric.refresh_from_db()
    assert rubric.version == 1 and rubric.name == "5つの能力"
    assert [c["name"] for c in rubric.criteria] == [
        "異文化受容性",
        "現状認識力",
        "俯瞰的思考力",
        "創造(想像)力",
        "協働力",
    ]
    assert rubric.criteria[0]["weight"] == 2 and rubric.criteria[-1]["key"] == "c1"
    assert rubric.criteria[-1]["descriptors"]["4"] == "チームを主導できる"
    assert [level["label"] for level in rubric.levels] == ["Lv1", "Lv2", "Lv3", "Lv4"]
    detail = client.get(url("rubric_detail", tenant, pk=rubric.pk), **EN)
    assert "協働力" in detail.text and "チームを主導できる" in detail.text


def test_editing_a_used_rubric_makes_version_2(client, tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    rate(window, placement, "self", {"a": 1, "b": 2})
    client.force_login(members[Role.STAFF])
    page = client.get(url("rubric_edit", tenant, pk=rubric.pk), **EN)
    assert "saving makes a new version" in page.text
    data = {
        "name": "能力ルーブリック",
        "c0_name": "異文化受容性",
        "c0_weight": "1",
        "c1_name": "実践力 改",
        "c1_weight": "1",
    }
    response = client.post(url("rubric_edit", tenant, pk=rubric.pk), data)
    with scope(tenant=tenant):
        new = Rubric.objects.get(is_current=True)
    assert new.version == 2 and response["Location"] == url("rubric_detail", tenant, pk=new.pk)
    # The old version can be read but not edited.
    assert client.get(url("rubric_edit", tenant, pk=rubric.pk)).status_code == 302
    old_page = client.get(url("rubric_detail", tenant, pk=rubric.pk), **EN)
    assert "old version" in old_page.text and "frozen" in old_page.text


def test_staff_open_a_window(client, tenant, members):
    rubric = make_rubric(tenant)
    with scopes_disabled():
        program = ProgramFactory(tenant=tenant)
    client.force_login(members[Role.STAFF])
    today = timezone.localdate()
    assert client.get(url("window_create", tenant) + f"?rubric={rubric.pk}").status_code == 200
    response = client.post(
        url("window_create", tenant),
        {
            "rubric": rubric.pk,
            "phase": "pre",
            "program": program.pk,
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "raters": ["self", "faculty"],
        },
    )
    with scope(tenant=tenant):
        window = AssessmentWindow.objects.get()
    assert response.status_code == 302 and window.raters == ["self", "faculty"]
    # Neither a program nor a placement: the form says so.
    bad = client.post(
        url("window_create", tenant),
        {"rubric": rubric.pk, "phase": "pre", "raters": ["self"], "opens_on": today, "closes_on": today},
    )
    assert bad.status_code == 200
    with scope(tenant=tenant):
        assert AssessmentWindow.objects.count() == 1


def test_each_rater_fills_their_own_side(client, tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    for role, rater in ((Role.STUDENT, "self"), (Role.FACULTY, "faculty"), (Role.PARTNER, "partner")):
        client.force_login(members[role])
        target = url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater=rater)
        assert client.get(target).status_code == 200
        response = client.post(target, {"score_a": "2", "score_b": "3"})
        assert response.status_code == 302 and response["Location"] == url("my_assessments", tenant)
        others = {"self", "faculty", "partner"} - {rater}
        for other in others:
            forbidden = url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater=other)
            assert client.post(forbidden, {"score_a": "2", "score_b": "3"}).status_code == 403
    with scope(tenant=tenant):
        assert sorted(Assessment.objects.values_list("rater", flat=True)) == ["faculty", "partner", "self"]
    # The office enters the partner's paper form, never the student's self-assessment.
    client.force_login(members[Role.STAFF])
    self_url = url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater="self")
    assert client.get(self_url).status_code == 403
    partner_url = url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater="partner")
    assert client.post(partner_url, {"score_a": "4", "score_b": "4"}).status_code == 302


def test_another_students_placement_is_404(client, tenant, members):
    rubric, _placement, window = shared_setup(tenant, members)
    with scopes_disabled():
        program = window.program
    theirs = make_placement(tenant, program=program)
    client.force_login(members[Role.STUDENT])
    target = url("assessment_fill", tenant, pk=window.pk, placement_pk=theirs.pk, rater="self")
    assert client.get(target).status_code == 404
    assert client.get(url("placement_growth", tenant, pk=theirs.pk)).status_code == 404


def test_a_closed_window_shows_the_scores_and_takes_no_more(client, tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    rate(window, placement, "self", {"a": 1, "b": 2})
    with scopes_disabled():
        AssessmentWindow.objects.filter(pk=window.pk).update(
            closes_on=timezone.localdate() - timezone.timedelta(days=1)
        )
    client.force_login(members[Role.STUDENT])
    target = url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater="self")
    page = client.get(target, **EN)
    assert "not open" in page.text
    client.post(target, {"score_a": "4", "score_b": "4"})
    with scope(tenant=tenant):
        assert Assessment.objects.get().score == 1.5


def test_growth_pages_show_charts_with_tables(client, tenant, members):
    rubric, placement, pre = shared_setup(tenant, members)
    with scopes_disabled():
        program = pre.program
    post = make_window(tenant, rubric, program=program, phase="post")
    rate(pre, placement, "self", {"a": 1, "b": 2})
    rate(post, placement, "self", {"a": 3, "b": 2})
    rate(post, placement, "partner", {"a": 2, "b": 4})
    client.force_login(members[Role.STAFF])
    page = client.get(url("placement_growth", tenant, pk=placement.pk), **EN)
    assert page.text.count("<svg") == 3  # self pre/post, partner (post only), raters compared
    assert "<table" in page.text and "+2" in page.text
    cohort = client.get(url("cohort_growth", tenant), **EN)
    assert cohort.status_code == 200 and cohort.text.count("<svg") == 1 and "Mean change" in cohort.text
    assert "2.00" in cohort.text  # a: 1 → 3
    # The student sees their own self-assessment, not the partner's.
    client.force_login(members[Role.STUDENT])
    own = client.get(url("placement_growth", tenant, pk=placement.pk), **EN)
    assert own.text.count("<svg") == 1 and "Partner supervisor" not in own.text


def test_my_assessments_and_dashboard(client, tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    client.force_login(members[Role.STUDENT])
    page = client.get(url("my_assessments", tenant), **EN)
    assert "to do" in page.text and rubric.name in page.text
    dashboard = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}), **EN)
    assert "Assessments to fill" in dashboard.text
    client.force_login(members[Role.STAFF])
    dashboard = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}), **EN)
    assert "Open assessment windows" in dashboard.text


# --- Query counts: the same at 1 and 3 rows ---------------------------------------------------


def _rows(tenant, members, n):
    rubrics = [make_rubric(tenant, name=f"R{i}") for i in range(n)]
    with scopes_disabled():
        program = ProgramFactory(tenant=tenant)
    placements = [
        make_placement(
            tenant,
            program=program,
            student=members[Role.STUDENT] if i == 0 else None,
            faculty=members[Role.FACULTY],
            partner_user=members[Role.PARTNER] if i == 0 else None,
        )
        for i in range(n)
    ]
    windows = [make_window(tenant, r, program=program) for r in rubrics]
    # A window for one term and one for one placement on every list as well.
    with scopes_disabled():
        term = TermFactory(program=program)
    make_window(tenant, rubrics[0], program=program, term=term)
    make_window(tenant, rubrics[0], placement=placements[-1])
    return rubrics, placements, windows


@pytest.mark.parametrize("n", [1, 3])
def test_rubric_list_queries(client, tenant, members, django_assert_num_queries, n):
    rubrics, _placements, _windows = _rows(tenant, members, n)
    client.force_login(members[Role.STAFF])
    with django_assert_num_queries(5):
        page = client.get(url("rubric_list", tenant))
    assert page.status_code == 200
    assert sorted(row.split()[0] for row in body_rows(page.text)) == sorted(r.name for r in rubrics)


@pytest.mark.parametrize("n", [1, 3])
def test_window_list_queries(client, tenant, members, django_assert_num_queries, n):
    rubrics, placements, _windows = _rows(tenant, members, n)
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, program and term choices, the count, the page of
    # windows with rubric, scope and assessment counts
    with django_assert_num_queries(8):
        page = client.get(url("window_list", tenant))
    assert page.status_code == 200
    shown = body_rows(page.text)
    # One window per rubric, plus the term's and the one placement's (both of the first rubric).
    assert sorted(row.split()[0] for row in shown) == sorted([r.name for r in rubrics] + [rubrics[0].name] * 2)
    assert sum(f"{placements[-1].student.full_name} @ " in row for row in shown) == 1


@pytest.mark.parametrize("n", [1, 3])
def test_window_detail_queries(client, tenant, members, django_assert_num_queries, n):
    _rubrics, placements, windows = _rows(tenant, members, n)
    for placement in placements:
        rate(windows[0], placement, "faculty", {"a": 2, "b": 2})
    client.force_login(members[Role.STAFF])
    with django_assert_num_queries(11):
        page = client.get(url("window_detail", tenant, pk=windows[0].pk))
    assert page.status_code == 200
    shown = body_rows(page.text)
    assert len(shown) == n
    for placement in placements:  # each student, with the faculty score just given
        assert any(row.startswith(f"{placement.student.full_name} ") and " 済 2.00 " in row for row in shown)


@pytest.mark.parametrize("n", [1, 3])
def test_my_assessments_queries(client, tenant, members, django_assert_num_queries, n):
    rubrics, placements, _windows = _rows(tenant, members, n)
    client.force_login(members[Role.FACULTY])
    with django_assert_num_queries(8):
        page = client.get(url("my_assessments", tenant))
    # n windows × n placements, and the window of the last placement alone.
    assert page.status_code == 200 and page.text.count("/faculty/") == n * n + 1
    expected = [f"{r.name} 事前 {p.student.full_name}" for r in rubrics for p in placements]
    expected.append(f"{rubrics[0].name} 事前 {placements[-1].student.full_name}")
    assert sorted(row.split(" 株式会社")[0] for row in body_rows(page.text)) == sorted(expected)


def test_a_questionnaire_is_edited_with_reverse_items(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    client.post(url("rubric_create", tenant), {"template": "grit"})
    with scope(tenant=tenant):
        grit = Rubric.objects.get()
    page = client.get(url("rubric_edit", tenant, pk=grit.pk), **EN)
    assert "Reverse-scored" in page.text
    data = {"name": grit.name, **{f"level_{v}": str(v) for v in range(1, 6)}}
    for n, item in enumerate(grit.criteria):
        data[f"c{n}_name"] = item["name"]
        data[f"c{n}_weight"] = "1"
        data[f"c{n}_group"] = item["group"]
        if n == 0:
            data[f"c{n}_reverse"] = "on"  # the first item now counts reversed
    client.post(url("rubric_edit", tenant, pk=grit.pk), data)
    with scope(tenant=tenant):
        grit.refresh_from_db()
    assert [c["reverse"] for c in grit.criteria] == [True, False, False, False, False, False]


def test_cohort_by_theme(client, tenant, members):
    rubric, placement, pre = shared_setup(tenant, members)
    with scopes_disabled():
        program = pre.program
        theme = placement.theme
    other = make_placement(tenant, program=program)
    post = make_window(tenant, rubric, program=program, phase="post")
    for p, before, after in ((placement, 1, 2), (other, 1, 4)):
        rate(pre, p, "self", {"a": before, "b": before})
        rate(post, p, "self", {"a": after, "b": after})
    client.force_login(members[Role.STAFF])
    everyone = client.get(url("cohort_growth", tenant), {"rubric": rubric.pk, "rater": "self"}, **EN)
    assert "2.00" in everyone.text  # (1 + 3) / 2
    one = client.get(url("cohort_growth", tenant), {"rubric": rubric.pk, "rater": "self", "theme": theme.pk}, **EN)
    assert "1.00" in one.text and "2.00" not in one.text and "1 student assessed" in one.text


@pytest.mark.parametrize("n", [1, 3])
def test_growth_pages_queries(client, tenant, members, django_assert_num_queries, n):
    rubric, placement, pre = shared_setup(tenant, members)
    with scopes_disabled():
        program = pre.program
    post = make_window(tenant, rubric, program=program, phase="post")
    for p in [placement, *(make_placement(tenant, program=program) for _ in range(n - 1))]:
        rate(pre, p, "self", {"a": 1, "b": 2})
        rate(post, p, "self", {"a": 3, "b": 2})
        rate(post, p, "faculty", {"a": 2, "b": 2})
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, rubrics, programs, terms, themes, the scores
    with django_assert_num_queries(9):
        page = client.get(url("cohort_growth", tenant))
    assert page.status_code == 200
    # Per criterion and phase: how many students at each of the 4 levels, then n, mean, growth.
    assert body_rows(page.text) == [
        f"異文化受容性 事前 {n} 0 0 0 {n} 1.0 2.00 (n={n})",
        f"事後 0 0 {n} 0 {n} 3.0",
        f"実践力 事前 0 {n} 0 0 {n} 2.0 0.00 (n={n})",
        f"事後 0 {n} 0 0 {n} 2.0",
    ]
    with django_assert_num_queries(8):
        page = client.get(url("placement_growth", tenant, pk=placement.pk))
    assert page.status_code == 200
    assert body_rows(page.text) == [
        "異文化受容性 1 3 +2",  # self: pre, post, growth
        "実践力 2 2 +0",
        "異文化受容性 – 2 –",  # faculty: post only
        "実践力 – 2 –",
        "異文化受容性 3 2",  # post: self, faculty
        "実践力 2 2",
    ]


def test_staff_extend_or_close_a_window(client, tenant, members):
    _rubric, _placement, window = shared_setup(tenant, members)
    client.force_login(members[Role.STAFF])
    target = url("window_dates", tenant, pk=window.pk)
    assert client.post(target, {"opens_on": "2026-05-01", "closes_on": "2026-04-01"}).status_code == 302
    with scopes_disabled():
        window.refresh_from_db()
    assert window.closes_on != datetime.date(2026, 4, 1), "refused: it would close before it opens"
    client.post(target, {"opens_on": "2026-04-01", "closes_on": "2026-04-30"})
    with scopes_disabled():
        window.refresh_from_db()
    assert (window.opens_on, window.closes_on) == (datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))


def test_a_windows_dates_are_its_period_not_a_button(client, tenant, members):
    """Issue 11 item 10: the dates of a window were headed 開く ("open" as a verb)."""
    _rubrics, _placements, windows = _rows(tenant, members, 1)
    client.force_login(members[Role.STAFF])
    for page in (url("window_list", tenant), url("window_detail", tenant, pk=windows[0].pk)):
        text = client.get(page).text
        assert "受付期間" in text and ">開く<" not in text
