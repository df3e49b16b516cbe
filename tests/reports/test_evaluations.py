"""Evaluations on the tenant's form, the final result both faculty roles agree on, the form's
versions, and the evaluation deadline provider."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from coop.models import DeadlineSettings, Role
from placements.models import Placement
from reports import services
from reports.deadlines import evaluations_due
from reports.models import Evaluation, EvaluationForm, PlacementResult

from ..clock import at
from ..factories import partner_person
from ..html import body_rows
from ..permission_cases.reports_evaluations import placement_with_practitioner
from .factories import running_placement

# Placements, reports and links count from today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

FULL = {"c1": "4", "c2": "5", "c3": "3", "c4": "4", "c5": "5"}


def url(name, tenant, **kwargs):
    return reverse(f"reports:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def placement(tenant, members):
    return placement_with_practitioner(tenant, members)


# --- The form ---------------------------------------------------------------------------------


def test_default_form_is_made_on_first_use_with_the_seed_abilities(in_tenant):
    form = services.evaluation_form_current(in_tenant)
    assert (form.version, form.scale, len(form.criteria), form.is_used) == (1, [1, 2, 3, 4, 5], 5, False)
    assert services.evaluation_form_current(in_tenant).pk == form.pk
    assert [c["label"] for c in form.criteria][0] == "Finding problems"


def test_showing_the_form_writes_nothing(client, tenant, members, placement):
    # A GET never writes: the default form was saved by merely opening these pages.
    client.force_login(members[Role.ADMIN])
    settings_page = client.get(url("evaluation_form", tenant))
    assert "課題発見力" in settings_page.text
    client.force_login(members[Role.FACULTY])
    edit_page = client.get(url("evaluation_edit", tenant, pk=placement.pk, kind="faculty"))
    assert edit_page.status_code == 200 and "課題発見力" in edit_page.text
    with scopes_disabled():
        assert not EvaluationForm.objects.exists()


def test_a_used_form_is_frozen_and_a_change_makes_the_next_version(in_tenant, members, placement):
    faculty = members[Role.FACULTY]
    evaluation = services.evaluation_save(
        placement=placement, kind="faculty", by=faculty, submit=True, scores=FULL, answers={}, comments="良好"
    )
    first = evaluation.form
    first.refresh_from_db()
    assert first.is_used
    second = services.evaluation_form_save(
        tenant=in_tenant,
        by=members[Role.ADMIN],
        name="評価票",
        criteria_text="課題発見力 | 課題を見つける\n実践力",
        questions_text="良かった点",
        scale_max=4,
    )
    assert (second.version, second.scale, [c["label"] for c in second.criteria]) == (
        2,
        [1, 2, 3, 4],
        ["課題発見力", "実践力"],
    )
    first.refresh_from_db()
    evaluation.refresh_from_db()
    assert not first.is_current and len(first.criteria) == 5 and evaluation.form_id == first.pk
    # An unused form is changed in place.
    third = services.evaluation_form_save(
        tenant=in_tenant, by=members[Role.ADMIN], name="評価票", criteria_text="主体性", questions_text="", scale_max=5
    )
    assert third.pk == second.pk and EvaluationForm.objects.count() == 2


def test_saving_the_form_as_shown_makes_no_new_version(in_tenant, members, placement):
    services.evaluation_save(
        placement=placement, kind="faculty", by=members[Role.FACULTY], submit=True, scores=FULL, answers={}, comments=""
    )
    with translation.override("en"):
        current = services.evaluation_form_current(in_tenant)
        same = services.evaluation_form_save(
            tenant=in_tenant,
            by=members[Role.ADMIN],
            name="Evaluation of the placement",
            criteria_text="\n".join(f"{c['label']} | {c['description']}" for c in current.criteria),
            questions_text="\n".join(q["label"] for q in current.questions),
            scale_max=5,
        )
    assert same.pk == current.pk and EvaluationForm.objects.count() == 1


def test_form_needs_a_criterion(in_tenant, members):
    with pytest.raises(ValidationError) as refused:
        services.evaluation_form_save(
            tenant=in_tenant, by=members[Role.ADMIN], name="x", criteria_text=" \n", questions_text="", scale_max=5
        )
    assert refused.value.messages == ["評価項目を1つ以上入力してください。"]


def test_default_labels_show_in_the_readers_language(client, tenant, members, placement):
    client.force_login(members[Role.STAFF])
    with translation.override("en"):
        response = client.get(
            url("evaluation_edit", tenant, pk=placement.pk, kind="faculty"), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "Finding problems" in response.text


# --- Evaluations --------------------------------------------------------------------------------


def test_faculty_saves_a_draft_then_submits(in_tenant, members, placement):
    faculty = members[Role.FACULTY]
    draft = services.evaluation_save(
        placement=placement, kind="faculty", by=faculty, scores={"c1": "3"}, answers={"q1": "丁寧"}, comments=""
    )
    assert (draft.state, draft.scores, draft.answers["q1"]) == ("draft", {"c1": 3}, "丁寧")
    with pytest.raises(ValidationError) as refused:  # every criterion needs a score to submit
        services.evaluation_save(
            placement=placement, kind="faculty", by=faculty, submit=True, scores={"c1": "3"}, answers={}, comments=""
        )
    assert refused.value.messages == ["提出前にすべての評価項目に点数をつけてください。"]
    done = services.evaluation_save(
        placement=placement, kind="faculty", by=faculty, submit=True, scores=FULL, answers={}, comments="良好"
    )
    assert done.pk == draft.pk and done.state == "submitted" and done.submitted_at
    with pytest.raises(ValidationError) as refused:
        services.evaluation_save(placement=placement, kind="faculty", by=faculty, scores=FULL, answers={}, comments="")
    assert refused.value.messages == ["この評価はすでに提出されています。"]


def test_scores_outside_the_scale_are_refused(in_tenant, members, placement):
    with pytest.raises(ValidationError) as refused:
        services.evaluation_save(
            placement=placement, kind="faculty", by=members[Role.FACULTY], scores={"c1": "9"}, answers={}, comments=""
        )
    assert refused.value.messages == ["点数は1〜5です。"]


def test_only_the_right_people_rate(in_tenant, tenant, members, placement):
    with pytest.raises(ValidationError) as refused:
        services.evaluation_save(
            placement=placement, kind="partner", by=members[Role.FACULTY], scores={}, answers={}, comments=""
        )
    assert refused.value.messages == ["企業による評価を書けるのは、この就業の企業担当者だけです。"]
    with pytest.raises(ValidationError) as refused:
        services.evaluation_save(
            placement=placement, kind="faculty", by=members[Role.PARTNER], scores={}, answers={}, comments=""
        )
    assert refused.value.messages == ["指導教員の評価を書けるのは、この就業の指導教員だけです。"]
    with pytest.raises(ValidationError) as refused:
        services.evaluation_save(
            placement=placement,
            kind="partner",
            by=partner_person(placement.partner),
            scores={},
            answers={},
            comments="",
        )
    assert refused.value.messages == ["企業による評価を書けるのは、この就業の企業担当者だけです。"]
    partner = services.evaluation_save(
        placement=placement, kind="partner", by=members[Role.PARTNER], scores={}, answers={}, comments=""
    )
    assert partner.rater == members[Role.PARTNER]


def test_evaluation_pages(client, tenant, members, placement):
    page = url("evaluation_edit", tenant, pk=placement.pk, kind="partner")
    client.force_login(members[Role.PARTNER])
    response = client.post(
        page, {**{f"score_{k}": v for k, v in FULL.items()}, "comments": "期待以上", "action": "submit"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Evaluation.objects.get().state == "submitted"
    # Faculty read it; they may not write the partner's evaluation.
    client.force_login(members[Role.FACULTY])
    assert "期待以上" in client.get(url("evaluations", tenant, pk=placement.pk)).text
    assert client.post(page, {"comments": "x", "action": "save"}).status_code == 403
    assert client.get(url("evaluation_edit", tenant, pk=placement.pk, kind="nobody")).status_code == 404
    # The faculty evaluation, with an error kept on the page.
    faculty_page = url("evaluation_edit", tenant, pk=placement.pk, kind="faculty")
    response = client.post(faculty_page, {"score_c1": "2", "comments": "途中", "action": "submit"})
    assert response.status_code == 200 and "途中" in response.text and 'role="alert"' in response.text
    # Students do not see evaluations at all.
    client.force_login(members[Role.STUDENT])
    assert client.get(url("evaluations", tenant, pk=placement.pk)).status_code == 403


def test_blank_form_prints(client, tenant, members, placement):
    client.force_login(members[Role.STAFF])
    response = client.get(url("evaluation_edit", tenant, pk=placement.pk, kind="partner"))
    assert 'class="card printable"' in response.text and 'type="radio"' in response.text


# --- The final result ---------------------------------------------------------------------------


def test_result_is_final_once_both_faculty_roles_agree(in_tenant, members, placement):
    mail.outbox.clear()
    faculty, practitioner = members[Role.FACULTY], members[Role.PARTNER]
    result = services.result_save(placement=placement, by=faculty, grade="A", passed=True, comments="良好")
    assert result.agreed_by_faculty and not result.agreed_by_practitioner and not result.is_final
    # The practitioner changes the grade: the faculty's agreement is cleared.
    result = services.result_save(placement=placement, by=practitioner, grade="S", passed=True, comments="優秀")
    assert result.agreed_by_practitioner and not result.agreed_by_faculty
    result = services.result_agree(result=result, by=faculty)
    assert result.is_final and result.grade == "S" and result.faculty_user == faculty
    with pytest.raises(ValidationError) as refused:
        services.result_save(placement=placement, by=faculty, grade="B", passed=True, comments="")
    assert refused.value.messages == ["最終評価はすでに確定しています。"]
    with pytest.raises(ValidationError) as refused:
        services.result_agree(result=result, by=faculty)
    assert refused.value.messages == ["最終評価はすでに確定しています。"]
    assert PlacementResult.objects.count() == 1


def test_others_cannot_decide_the_result(in_tenant, tenant, members, placement):
    for user in (members[Role.STAFF], members[Role.STUDENT], partner_person(placement.partner)):
        with pytest.raises(ValidationError) as refused:
            services.result_save(placement=placement, by=user, grade="A", passed=True, comments="")
        assert refused.value.messages == ["最終評価を決めるのは指導教員と実務家教員だけです。"]


def test_result_pages(client, tenant, members, placement):
    client.force_login(members[Role.FACULTY])
    response = client.post(url("result_save", tenant, pk=placement.pk), {"grade": "B", "passed": "1", "comments": "可"})
    assert response.status_code == 302
    client.force_login(members[Role.PARTNER])
    assert url("result_agree", tenant, pk=placement.pk) in client.get(url("evaluations", tenant, pk=placement.pk)).text
    assert client.post(url("result_agree", tenant, pk=placement.pk)).status_code == 302
    with scopes_disabled():
        assert PlacementResult.objects.get().is_final
    # The student sees the final result on the report page.
    client.force_login(members[Role.STUDENT])
    response = client.get(url("placement", tenant, pk=placement.pk))
    assert "state-reviewed" in response.text
    # A partner person who is not the practitioner may not decide.
    client.force_login(partner_person(placement.partner))
    assert client.post(url("result_save", tenant, pk=placement.pk), {"grade": "A", "passed": "1"}).status_code == 403


def test_admin_changes_the_form(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    page = url("evaluation_form", tenant)
    assert client.get(page).status_code == 200
    response = client.post(
        page, {"name": "評価票", "criteria": "課題発見力 | 説明\n実践力", "questions": "", "scale_max": "4"}
    )
    assert response.status_code == 302
    with scope(tenant=tenant):
        assert [c["label"] for c in services.evaluation_form_current(tenant).criteria] == ["課題発見力", "実践力"]


# --- Deadline provider --------------------------------------------------------------------------


def test_evaluations_are_due_from_the_placement_end(in_tenant, members):
    today = datetime.date(2026, 11, 24)
    ended = running_placement(
        in_tenant,
        faculty=members[Role.FACULTY],
        partner_user=members[Role.PARTNER],
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 11, 20),
    )
    running_placement(
        in_tenant, faculty=members[Role.FACULTY], starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2027, 1, 1)
    )
    settings = DeadlineSettings(tenant=in_tenant, evaluation_due_days=10)
    due = list(evaluations_due(in_tenant, settings, today))
    assert sorted((d.user_id, d.due_on) for d in due) == sorted(
        [
            (members[Role.FACULTY].pk, datetime.date(2026, 11, 30)),
            (members[Role.PARTNER].pk, datetime.date(2026, 11, 30)),
        ]
    )
    Evaluation.objects.create(
        tenant=in_tenant,
        placement=ended,
        kind="faculty",
        form=services.evaluation_form_current(in_tenant),
        state="submitted",
    )
    assert [d.user_id for d in evaluations_due(in_tenant, settings, today)] == [members[Role.PARTNER].pk]
    # Long-ended placements are left alone; the provider is registered with the scan.
    assert list(evaluations_due(in_tenant, settings, today + datetime.timedelta(days=365))) == []
    from coop.registry import DEADLINE_PROVIDERS

    assert evaluations_due in DEADLINE_PROVIDERS


def test_evaluations_for_planned_placements_are_refused(in_tenant, members):
    planned = running_placement(in_tenant, faculty=members[Role.FACULTY], state=Placement.State.PLANNED)
    with pytest.raises(ValidationError) as refused:
        services.evaluation_save(
            placement=planned, kind="faculty", by=members[Role.FACULTY], scores={}, answers={}, comments=""
        )
    assert refused.value.messages == ["評価は就業中または終了した就業について書きます。"]


def test_office_sends_a_submitted_evaluation_back(client, tenant, members, placement):
    with scope(tenant=tenant):
        evaluation = services.evaluation_save(
            placement=placement,
            kind="faculty",
            by=members[Role.FACULTY],
            submit=True,
            scores=FULL,
            answers={},
            comments="",
        )
    client.force_login(members[Role.STAFF])
    reopen = url("evaluation_reopen", tenant, pk=placement.pk, kind="faculty")
    assert client.post(reopen, {"reason": ""}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == "submitted", "a reason is needed"
    client.post(reopen, {"reason": "採点の誤り"})
    evaluation.refresh_from_db()
    assert evaluation.state == "draft"
    with scope(tenant=tenant):
        services.evaluation_save(
            placement=placement,
            kind="faculty",
            by=members[Role.FACULTY],
            submit=True,
            scores=FULL,
            answers={},
            comments="訂正",
        )


def test_submission_and_final_result_are_emailed(in_tenant, members, placement, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    faculty, practitioner = members[Role.FACULTY], members[Role.PARTNER]
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_save(
            placement=placement, kind="partner", by=practitioner, submit=True, scores=FULL, answers={}, comments=""
        )
    assert [m.to for m in mail.outbox] == [[faculty.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.result_save(placement=placement, by=faculty, grade="A", passed=True, comments="")
    assert [m.to for m in mail.outbox] == [[practitioner.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.result_agree(result=result, by=practitioner)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([placement.student.email, faculty.email, practitioner.email])


# --- The tenant-wide list (issue 15) --------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_evaluation_list_pages_and_counts_constant_queries(client, tenant, members, django_assert_num_queries, rows):
    faculty = members[Role.FACULTY]
    placements = [running_placement(tenant, faculty=faculty) for _ in range(rows)]
    with scope(tenant=tenant):
        for placement in placements:
            services.evaluation_save(
                placement=placement, kind="faculty", by=faculty, submit=True, scores=FULL, answers={}, comments=""
            )
    client.force_login(members[Role.STAFF])
    list_url = reverse("reports:evaluation_list", kwargs={"tenant_slug": tenant.slug})
    # session, user, tenant, membership, program and term choices, the count, the page of
    # evaluations with placement, student and partner
    with django_assert_num_queries(8):
        response = client.get(list_url)
    shown = body_rows(response.text)
    assert len(shown) == rows
    with scopes_disabled():
        for p in placements:
            assert any(row.startswith(f"{p.student.full_name} {p.partner.name} 指導教員による評価") for row in shown)
    assert body_rows(client.get(list_url, {"kind": "partner"}).text) == ["評価はありません。"]


def test_evaluation_list_hides_drafts_from_everyone_but_the_office_and_their_writer(client, tenant, members):
    faculty = members[Role.FACULTY]
    placement = placement_with_practitioner(tenant, members)
    with scope(tenant=tenant):
        services.evaluation_save(
            placement=placement, kind="faculty", by=faculty, scores={"c1": "3"}, answers={}, comments=""
        )
    list_url = reverse("reports:evaluation_list", kwargs={"tenant_slug": tenant.slug})
    seen = {}
    for role in (Role.STAFF, Role.FACULTY, Role.PARTNER):
        client.force_login(members[role])
        seen[role] = len([row for row in body_rows(client.get(list_url).text) if "下書き" in row])
    assert seen == {Role.STAFF: 1, Role.FACULTY: 1, Role.PARTNER: 0}
    client.force_login(members[Role.STUDENT])
    assert client.get(list_url).status_code == 403
