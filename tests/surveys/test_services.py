"""Surveys at the service level: form versions, the responses a round owes, answering once,
required questions, and the results counted by hand."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from coop.models import Role
from placements.models import Placement, PlacementSupervisor
from surveys import selectors, services
from surveys.models import SurveyForm, SurveyResponse

from ..clock import at
from ..factories import PartnerContactFactory, TermFactory, member
from ..rubrics.helpers import make_placement
from .helpers import QUESTIONS, answer, make_form, make_round, response_of, shared_setup

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

GOOD = {"q1": "4", "q2": "はい", "q3": ["成長", "事業"], "q4": "楽しかった"}


# --- Forms and versions -------------------------------------------------------------------------


def test_a_form_keeps_its_questions_with_keys_and_kinds(in_tenant):
    form = make_form(in_tenant)
    assert [(q["key"], q["type"], q["required"]) for q in form.questions] == [
        ("q1", "rating", True),
        ("q2", "single", True),
        ("q3", "multiple", False),
        ("q4", "text", False),
    ]
    assert form.questions[1]["choices"] == ["はい", "いいえ"] and form.questions[0]["choices"] == []


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "アンケートには質問が1つ以上必要です。"),
        ([{"text": "", "type": "rating"}], "質問には本文が必要です。"),
        ([{"text": "満足度", "type": "stars"}], "「満足度」: 質問の種類を選んでください。"),
        (
            [{"text": "どれ", "type": "single", "choices": ["A"]}],
            "「どれ」: 異なる選択肢を2つ以上、1行に1つずつ入力してください。",
        ),
        (
            [{"text": "どれ", "type": "multiple", "choices": ["A", "A"]}],
            "「どれ」: 異なる選択肢を2つ以上、1行に1つずつ入力してください。",
        ),
    ],
)
def test_bad_questions_are_refused(in_tenant, questions, message):
    with pytest.raises(ValidationError) as refused:
        services.form_create(tenant=in_tenant, by=None, name="x", questions=questions)
    assert refused.value.messages == [message]
    assert not SurveyForm.objects.exists()


def test_editing_an_unanswered_form_changes_it_in_place(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    with scope(tenant=tenant):
        saved = services.form_update(
            form=form,
            by=None,
            name="改訂",
            description="",
            questions=[*form.questions, {"text": "追加", "type": "text"}],
        )
    assert saved.pk == form.pk and saved.version == 1 and [q["key"] for q in saved.questions][-1] == "q5"


def test_editing_an_answered_form_makes_a_new_version_and_answers_keep_theirs(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    answer(response_of(survey_round, "student"), GOOD)
    changed = [dict(q) for q in form.questions]
    changed[0]["text"] = "全体の満足度"
    with scope(tenant=tenant):
        new = services.form_update(form=form, by=None, name=form.name, description="", questions=changed)
        form.refresh_from_db()
        assert (new.version, new.code, new.is_current) == (2, form.code, True)
        assert form.is_current is False and form.questions[0]["text"] == "満足度"
        answered = SurveyResponse.objects.get(submitted_at__isnull=False)
        assert answered.form_id == form.pk, "the answer points at the version it answered"
        assert [v.version for v in selectors.form_versions(new)] == [2, 1]
        with pytest.raises(ValidationError) as refused:
            services.form_update(form=form, by=None, name="x", description="", questions=changed)
        assert refused.value.messages == ["変更できるのはアンケートの最新版だけです。"]
        # The round keeps asking the version it opened with; a new round uses the new one.
        survey_round.refresh_from_db()
        assert survey_round.form_id == form.pk
        with pytest.raises(ValidationError) as refused:
            make_round(tenant, form, survey_round.program)
        assert refused.value.messages == ["アンケートの最新版を使ってください。"]


# --- Rounds and the responses they owe ----------------------------------------------------------


def test_a_round_owes_a_response_per_person_of_the_program_placements(tenant, members):
    form = make_form(tenant)
    first = make_placement(tenant, student=members[Role.STUDENT], partner_user=members[Role.PARTNER])
    with scopes_disabled():
        program = first.theme.program
        second_boss = PartnerContactFactory(partner=first.partner, full_name="二人目", email="two@partner.example.jp")
        PlacementSupervisor.objects.create(tenant=tenant, placement=first, contact=second_boss)
    done = make_placement(tenant, program=program, state=Placement.State.COMPLETED)
    make_placement(tenant, program=program, state=Placement.State.PLANNED)  # not begun: not asked
    make_placement(tenant, program=program, state=Placement.State.TERMINATED)  # cut short: not asked
    make_placement(tenant)  # another program
    survey_round = make_round(tenant, form, program)
    with scope(tenant=tenant):
        owed = sorted(
            SurveyResponse.objects.filter(round=survey_round).values_list("placement_id", "audience", "contact_id"),
            key=lambda r: (r[0], r[1], r[2] or 0),
        )
        contacts = sorted(first.supervisors.values_list("contact_id", flat=True))
    assert owed == sorted(
        [
            (first.pk, "partner", contacts[0]),
            (first.pk, "partner", contacts[1]),
            (first.pk, "staff", None),
            (first.pk, "student", None),
            (done.pk, "staff", None),
            (done.pk, "student", None),
        ],
        key=lambda r: (r[0], r[1], r[2] or 0),
    )
    # Syncing again adds only what began since.
    late = make_placement(tenant, program=program)
    with scope(tenant=tenant):
        assert services.round_sync_respondents(survey_round=survey_round, by=None) == 2
        assert services.round_sync_respondents(survey_round=survey_round, by=None) == 0
        assert SurveyResponse.objects.filter(placement=late).count() == 2


def test_a_round_of_a_term_asks_only_that_terms_placements_and_only_the_groups_chosen(tenant):
    form = make_form(tenant)
    term = TermFactory(program__tenant=tenant)
    with scopes_disabled():
        program = term.program
    inside = make_placement(tenant, program=program, term=term)
    make_placement(tenant, program=program)
    make_round(tenant, form, program, term=term, audiences=["student"])
    with scope(tenant=tenant):
        assert list(SurveyResponse.objects.values_list("placement_id", "audience")) == [(inside.pk, "student")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"audiences": []}, "アンケートに答える人を1つ以上選んでください。"),
        ({"opens": 5, "closes": 1}, "アンケートは始まる前に締め切れません。"),
    ],
)
def test_a_round_is_refused_with_its_reason(tenant, change, message):
    form = make_form(tenant)
    placement = make_placement(tenant)
    with scopes_disabled():
        program = placement.theme.program
    with pytest.raises(ValidationError) as refused:
        make_round(tenant, form, program, **change)
    assert refused.value.messages == [message]


def test_a_term_of_another_program_is_refused(tenant):
    form = make_form(tenant)
    placement = make_placement(tenant)
    term = TermFactory(program__tenant=tenant)
    with scopes_disabled():
        program = placement.theme.program
    with pytest.raises(ValidationError) as refused:
        make_round(tenant, form, program, term=term)
    assert refused.value.messages == ["期はそのプログラムのものにしてください。"]


# --- Answering ----------------------------------------------------------------------------------


def test_an_answer_is_saved_once_on_the_rounds_form_version(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    response = answer(response_of(survey_round, "student"), GOOD, by=members[Role.STUDENT])
    assert response.answers == {"q1": 4, "q2": "はい", "q3": ["成長", "事業"], "q4": "楽しかった"}
    assert response.form_id == form.pk and response.answered_by == members[Role.STUDENT]
    assert response.submitted_at is not None
    with pytest.raises(ValidationError) as refused:
        answer(response_of(survey_round, "student"), {"q1": "1", "q2": "いいえ"})
    assert refused.value.messages == ["このアンケートは回答済みです。"]
    with scope(tenant=tenant):
        assert SurveyResponse.objects.get(pk=response.pk).answers["q1"] == 4


def test_required_questions_left_empty_are_named(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    with pytest.raises(ValidationError) as refused:
        answer(response_of(survey_round, "student"), {"q3": ["成長"], "q4": "感想だけ"})
    assert refused.value.messages == ["必須の質問に答えてください: 満足度、次も参加したいか"]
    assert response_of(survey_round, "student").submitted_at is None
    # Optional questions may stay empty.
    saved = answer(response_of(survey_round, "student"), {"q1": "3", "q2": "いいえ"})
    assert saved.answers == {"q1": 3, "q2": "いいえ"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"q1": "6", "q2": "はい"}, "「満足度」: 1から5で選んでください。"),
        ({"q1": "x", "q2": "はい"}, "「満足度」: 1から5で選んでください。"),
        ({"q1": "3", "q2": "たぶん"}, "「次も参加したいか」: 選択肢から1つ選んでください。"),
        ({"q1": "3", "q2": "はい", "q3": ["成長", "お金"]}, "「成果」: 選択肢の中から選んでください。"),
    ],
)
def test_answers_outside_the_question_are_refused(tenant, members, raw, message):
    form, placement, survey_round = shared_setup(tenant, members)
    with pytest.raises(ValidationError) as refused:
        answer(response_of(survey_round, "student"), raw)
    assert refused.value.messages == [message]


def test_a_closed_or_not_yet_open_round_refuses_answers(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    response = response_of(survey_round, "student")
    for day in (
        survey_round.opens_on - datetime.timedelta(days=1),
        survey_round.closes_on + datetime.timedelta(days=1),
    ):
        with pytest.raises(ValidationError) as refused:
            answer(response, GOOD, today=day)
        assert refused.value.messages == ["このアンケートは受付期間外です。"]


def test_each_person_sees_only_what_they_owe(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    other = make_placement(tenant, program=survey_round.program)
    with scope(tenant=tenant):
        services.round_sync_respondents(survey_round=survey_round, by=None)
        mine = {
            role: list(
                selectors.responses_for_user(members[role], role, tenant).values_list("placement_id", "audience")
            )
            for role in Role
        }
    assert mine[Role.STUDENT] == [(placement.pk, "student")]
    assert mine[Role.PARTNER] == [(placement.pk, "partner")]
    assert sorted(mine[Role.STAFF]) == sorted([(placement.pk, "staff"), (other.pk, "staff")])
    assert mine[Role.ADMIN] == mine[Role.STAFF]
    assert mine[Role.FACULTY] == []


# --- Results ------------------------------------------------------------------------------------


def test_results_match_a_hand_count(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    second = make_placement(tenant, program=survey_round.program, partner_user=member(tenant, Role.PARTNER))
    third = make_placement(tenant, program=survey_round.program)  # nobody answers for it
    with scope(tenant=tenant):
        services.round_sync_respondents(survey_round=survey_round, by=None)
    answer(response_of(survey_round, "student", placement), {"q1": "5", "q2": "はい", "q3": ["成長", "つながり"]})
    answer(response_of(survey_round, "student", second), {"q1": "2", "q2": "いいえ", "q3": ["成長"], "q4": "大変"})
    answer(response_of(survey_round, "partner", placement), {"q1": "4", "q2": "はい", "q4": "助かった"})
    answer(response_of(survey_round, "staff", third), {"q1": "3", "q2": "はい", "q3": ["事業"]})
    with scope(tenant=tenant):
        results = selectors.round_results(survey_round)
    rates = {r["audience"]: (r["answered"], r["owed"], r["rate"]) for r in results["rates"]}
    # 3 students, 2 partner supervisors (the third placement has none), the office for 3 placements.
    assert rates == {"student": (2, 3, 66.7), "partner": (1, 2, 50.0), "staff": (1, 3, 33.3)}
    assert (results["answered"], results["owed"], results["rate"]) == (4, 8, 50.0)
    by_key = {q["key"]: {c["audience"]: c for c in q["by_audience"]} for q in results["questions"]}
    assert by_key["q1"]["student"]["counts"] == [0, 1, 0, 0, 1] and by_key["q1"]["student"]["mean"] == 3.5
    assert by_key["q1"]["partner"]["counts"] == [0, 0, 0, 1, 0] and by_key["q1"]["partner"]["mean"] == 4
    assert by_key["q1"]["staff"]["mean"] == 3
    assert by_key["q2"]["student"]["counts"] == [1, 1]
    assert by_key["q3"]["student"]["counts"] == [2, 1, 0] and by_key["q3"]["student"]["n"] == 2
    assert by_key["q3"]["partner"]["counts"] == [0, 0, 0] and by_key["q3"]["partner"]["n"] == 0
    assert by_key["q4"]["student"]["texts"] == ["大変"] and by_key["q4"]["partner"]["texts"] == ["助かった"]
    # The aggregate other apps read names and quotes nobody.
    with scope(tenant=tenant):
        plain = selectors.survey_results_for_program(tenant=tenant, program=survey_round.program)
    assert len(plain) == 1 and plain[0]["answered"] == 4 and plain[0]["form_version"] == 1
    assert all("texts" not in cell for q in plain[0]["questions"] for cell in q["by_audience"])


def test_questions_of_the_default_list_are_the_four_kinds():
    assert {q["type"] for q in QUESTIONS} == {"rating", "single", "multiple", "text"}


@pytest.mark.parametrize("rounds", [1, 3])
def test_program_aggregates_take_two_queries(tenant, members, django_assert_num_queries, rounds):
    form, placement, survey_round = shared_setup(tenant, members)
    answer(response_of(survey_round, "student"), GOOD)
    for _ in range(rounds - 1):
        other = make_round(tenant, form, survey_round.program)
        answer(response_of(other, "student"), {"q1": "2", "q2": "いいえ"})
    with scope(tenant=tenant), django_assert_num_queries(2):
        found = selectors.survey_results_for_program(tenant=tenant, program=survey_round.program)
    assert [r["answered"] for r in found] == [1] * rounds and all(r["owed"] == 3 for r in found)
    means = [next(c for c in r["questions"][0]["by_audience"] if c["audience"] == "student")["mean"] for r in found]
    assert means == [4] + [2] * (rounds - 1)


def test_an_answer_outlives_the_partner_contact_it_came_from(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    with scopes_disabled():
        second = PartnerContactFactory(partner=placement.partner, full_name="二人目", email="two@partner.example.jp")
        PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=second)
    with scope(tenant=tenant):
        services.round_sync_respondents(survey_round=survey_round, by=None)
        first = SurveyResponse.objects.get(audience="partner", contact__user=members[Role.PARTNER])
    answer(first, GOOD, by=members[Role.PARTNER])
    with scopes_disabled():
        contacts = [first.contact, second]
        for contact in contacts:
            contact.delete()
        kept = SurveyResponse.objects.filter(round=survey_round, audience="partner").order_by("pk")
        assert [(r.contact_id, r.respondent_name, r.submitted_at is not None) for r in kept] == [
            (None, str(members[Role.PARTNER]), True),
            (None, "", False),
        ]
