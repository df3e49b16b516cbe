"""Pages of the surveys app by role: building a form (a new version once answered), opening a
round, answering from the dashboard, the results with charts, and literal query counts of the
results page and the rounds list at two sizes."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop.models import Role
from surveys.models import SurveyForm, SurveyResponse, SurveyRound

from ..clock import at
from ..factories import member
from ..html import body_rows
from ..rubrics.helpers import make_placement
from .helpers import answer, make_form, make_round, response_of, shared_setup

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def url(name, tenant, **kwargs):
    return reverse(f"surveys:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def _question(n, text, kind, *, required=False, choices=""):
    return {
        f"q{n}_text": text,
        f"q{n}_type": kind,
        f"q{n}_required": "on" if required else "",
        f"q{n}_choices": choices,
    }


def test_staff_build_a_form_and_edit_it_into_version_2_once_answered(client, tenant, members):
    client.force_login(members[Role.STAFF])
    data = {
        "name": "終了後アンケート",
        "description": "",
        **_question(0, "満足度", "rating", required=True),
        **_question(1, "また参加したいか", "single", required=True, choices="はい\nいいえ\n"),
        **_question(2, "感想", "text"),
    }
    response = client.post(url("form_create", tenant), data)
    with scope(tenant=tenant):
        form = SurveyForm.objects.get()
    assert response.status_code == 302 and response["Location"] == url("form_detail", tenant, pk=form.pk)
    assert [(q["text"], q["type"], q["required"], q["choices"]) for q in form.questions] == [
        ("満足度", "rating", True, []),
        ("また参加したいか", "single", True, ["はい", "いいえ"]),
        ("感想", "text", False, []),
    ]
    placement = make_placement(tenant, student=members[Role.STUDENT])
    with scopes_disabled():
        program = placement.theme.program
    survey_round = make_round(tenant, form, program, audiences=["student"])
    answer(response_of(survey_round, "student"), {"q1": "5", "q2": "はい"})
    page = client.get(url("form_edit", tenant, pk=form.pk), **EN)
    assert "saving makes a new version" in page.text
    data.update(_question(2, "", "text"))  # removes 感想
    response = client.post(url("form_edit", tenant, pk=form.pk), data)
    with scope(tenant=tenant):
        new = SurveyForm.objects.get(is_current=True)
    assert new.version == 2 and response["Location"] == url("form_detail", tenant, pk=new.pk)
    assert [q["key"] for q in new.questions] == ["q1", "q2"]
    page = client.get(url("form_detail", tenant, pk=form.pk), **EN)
    assert "old version" in page.text and "感想" in page.text


def test_a_form_without_questions_is_refused_on_the_page(client, tenant, members):
    client.force_login(members[Role.STAFF])
    page = client.post(url("form_create", tenant), {"name": "空", "description": ""})
    assert page.status_code == 200 and "アンケートには質問が1つ以上必要です。" in page.text
    with scope(tenant=tenant):
        assert not SurveyForm.objects.exists()


def test_staff_open_a_round_and_the_student_answers_from_the_dashboard(client, tenant, members):
    form = make_form(tenant)
    placement = make_placement(tenant, student=members[Role.STUDENT], partner_user=members[Role.PARTNER])
    with scopes_disabled():
        program = placement.theme.program
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("round_create", tenant),
        {
            "form": form.pk,
            "program": program.pk,
            "term": "",
            "opens_on": "2026-11-18",
            "closes_on": "2026-12-02",
            "audiences": ["student", "partner", "staff"],
        },
    )
    with scope(tenant=tenant):
        survey_round = SurveyRound.objects.get()
        assert SurveyResponse.objects.filter(round=survey_round).count() == 3
    assert response["Location"] == url("round_detail", tenant, pk=survey_round.pk)

    client.force_login(members[Role.STUDENT])
    dashboard = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}))
    assert "回答するアンケート" in dashboard.text and url("my_surveys", tenant) in dashboard.text
    mine = client.get(url("my_surveys", tenant))
    own = response_of(survey_round, "student")
    assert url("response_fill", tenant, pk=own.pk) in mine.text
    page = client.post(url("response_fill", tenant, pk=own.pk), {"a_q3": ["成長"]})
    assert page.status_code == 200 and "必須の質問に答えてください: 満足度、次も参加したいか" in page.text
    done = client.post(url("response_fill", tenant, pk=own.pk), {"a_q1": "4", "a_q2": "はい", "a_q4": "学べた"})
    assert done.status_code == 302
    own = response_of(survey_round, "student")
    assert own.answers == {"q1": 4, "q2": "はい", "q4": "学べた"} and own.answered_by == members[Role.STUDENT]
    # Answered once: a second post changes nothing, and nothing waits any more.
    again = client.post(url("response_fill", tenant, pk=own.pk), {"a_q1": "1", "a_q2": "いいえ"}, follow=True)
    assert "このアンケートは回答済みです。" in again.text
    assert response_of(survey_round, "student").answers["q1"] == 4
    dashboard = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}))
    assert "回答するアンケート" not in dashboard.text


def test_who_answers_which_response(client, tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    other_student = member(tenant, Role.STUDENT)
    student_response = response_of(survey_round, "student")
    staff_response = response_of(survey_round, "staff")
    partner_response = response_of(survey_round, "partner")
    expected = {
        (Role.STUDENT, student_response): 200,
        (Role.STUDENT, staff_response): 404,
        (Role.STUDENT, partner_response): 404,
        (Role.PARTNER, partner_response): 200,
        (Role.PARTNER, student_response): 404,
        (Role.STAFF, staff_response): 200,
        (Role.ADMIN, staff_response): 200,
        (Role.STAFF, student_response): 403,
        (Role.STAFF, partner_response): 403,
        (Role.FACULTY, student_response): 404,
    }
    for (role, response), status in expected.items():
        client.force_login(members[role])
        assert client.get(url("response_fill", tenant, pk=response.pk)).status_code == status, (role, response)
    client.force_login(other_student)
    assert client.get(url("response_fill", tenant, pk=student_response.pk)).status_code == 404


def test_the_office_answers_for_a_placement_and_sees_the_results_with_charts(client, tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    answer(response_of(survey_round, "student"), {"q1": "5", "q2": "はい", "q3": ["成長"], "q4": "とても良い経験"})
    client.force_login(members[Role.STAFF])
    staff_response = response_of(survey_round, "staff")
    detail = client.get(url("round_detail", tenant, pk=survey_round.pk), **EN)
    assert url("response_fill", tenant, pk=staff_response.pk) in detail.text
    client.post(url("response_fill", tenant, pk=staff_response.pk), {"a_q1": "3", "a_q2": "いいえ"})
    assert response_of(survey_round, "staff").answered_by == members[Role.STAFF]
    page = client.get(url("round_results", tenant, pk=survey_round.pk), **EN)
    assert page.status_code == 200
    assert page.text.count("<svg") == 4  # the response rate, then the rating, one-choice and several-choice questions
    assert "とても良い経験" in page.text and "2 / 3" in page.text
    # Free text is listed without who wrote it.
    assert members[Role.STUDENT].full_name not in page.text.split("とても良い経験")[0].rsplit("<li>", 1)[-1]


def _round_with(tenant, n):
    form = make_form(tenant)
    first = make_placement(tenant, partner_user=member(tenant, Role.PARTNER))
    with scopes_disabled():
        program = first.theme.program
    placements = [first] + [
        make_placement(tenant, program=program, partner_user=member(tenant, Role.PARTNER)) for _ in range(n - 1)
    ]
    survey_round = make_round(tenant, form, program)
    for placement in placements:
        for audience in ("student", "partner", "staff"):
            answer(
                response_of(survey_round, audience, placement), {"q1": "4", "q2": "はい", "q3": ["成長"], "q4": "良"}
            )
    return survey_round


@pytest.mark.parametrize("n", [1, 4])
def test_results_page_queries(client, tenant, members, django_assert_num_queries, n):
    survey_round = _round_with(tenant, n)
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, the round with its form and scope, its responses
    with django_assert_num_queries(6):
        page = client.get(url("round_results", tenant, pk=survey_round.pk), **EN)
    assert page.status_code == 200 and f"{3 * n} / {3 * n}" in page.text
    assert page.text.count('<li><span class="badge">') == 3 * n  # every free-text answer listed


@pytest.mark.parametrize("n", [1, 3])
def test_round_list_queries(client, tenant, members, django_assert_num_queries, n):
    rounds = [_round_with(tenant, 1) for _ in range(n)]
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, program and term choices, the count, the page of
    # rounds with form, scope and response counts
    with django_assert_num_queries(8):
        page = client.get(url("round_list", tenant))
    assert page.status_code == 200
    assert len(body_rows(page.text)) == n
    assert all(f"{r.pk}/" in page.text for r in rounds)


def test_the_rounds_history_reads_in_the_readers_language(client, tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    answer(response_of(survey_round, "student"), {"q1": "4", "q2": "はい"}, by=members[Role.STUDENT])
    client.force_login(members[Role.STAFF])
    page = client.get(url("round_detail", tenant, pk=survey_round.pk), **EN)
    assert "Answered by: Students" in page.text
    page = client.get(url("round_detail", tenant, pk=survey_round.pk))
    assert "回答: 学生" in page.text


@pytest.mark.parametrize("n", [1, 3])
def test_form_list_queries(client, tenant, members, django_assert_num_queries, n):
    forms = [make_form(tenant, name=f"アンケート{i}") for i in range(n)]
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, the current forms with their round counts
    with django_assert_num_queries(5):
        page = client.get(url("form_list", tenant))
    assert sorted(row.split()[0] for row in body_rows(page.text)) == sorted(f.name for f in forms)


@pytest.mark.parametrize("n", [1, 3])
def test_my_surveys_queries(client, tenant, members, django_assert_num_queries, n):
    form = make_form(tenant)
    for _ in range(n):
        placement = make_placement(tenant, student=members[Role.STUDENT])
        with scopes_disabled():
            program = placement.theme.program
        make_round(tenant, form, program, audiences=["student"])
    client.force_login(members[Role.STUDENT])
    # session, user, tenant, membership, the responses with their rounds, forms and placements
    with django_assert_num_queries(5):
        page = client.get(url("my_surveys", tenant))
    assert len(body_rows(page.text)) == n
