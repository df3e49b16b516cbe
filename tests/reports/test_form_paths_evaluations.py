"""Evaluations, the final result and emailed links, every path through their pages: the
tenant's evaluation form (EvaluationFormSettingsForm), the partner's and the faculty's
evaluation, the result both faculty roles agree on (ResultForm), sending links for each purpose
(LinkSendForm) and the forms filled through an emailed link."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import PlacementSupervisor
from reports.models import AccessLink, Evaluation, EvaluationForm, MonthlyReport, PlacementResult

from ..factories import PartnerContactFactory
from ..permission_cases.reports_evaluations import placement_with_practitioner
from .factories import MonthlyReportFactory

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
# The day these paths were written for; tests that need another day travel from here.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime.datetime(2026, 11, 30, 10, tzinfo=JST), tick=False),
]
NOV = datetime.date(2026, 11, 1)
SCORES = {f"score_c{n}": str(n) for n in range(1, 6)}
ANSWERS = {"answer_q1": "粘り強い", "answer_q2": "発表の練習"}
REQUIRED = "このフィールドは必須です。"
INVALID = "正しく選択してください。 %s は候補にありません。"


def url(name, tenant, **kwargs):
    return reverse(f"reports:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, tzinfo=JST), tick=False):
        yield


@pytest.fixture
def placement(tenant, members):
    """Supervised by the faculty member; the partner person is its partner supervisor and its
    practitioner faculty."""
    placement = placement_with_practitioner(tenant, members)
    with scopes_disabled():
        placement.starts_on, placement.ends_on = datetime.date(2026, 10, 1), datetime.date(2027, 3, 31)
        placement.save(update_fields=["starts_on", "ends_on"])
    return placement


def evaluation(placement, kind):
    with scopes_disabled():
        return Evaluation.objects.filter(placement=placement, kind=kind).first()


# --- EvaluationFormSettingsForm ---------------------------------------------------------------

CRITERIA = "課題発見 | 課題を見つける\n実行力\n\n協働 | 人と働く"


@pytest.mark.parametrize("scale_max", ["2", "5", "10"])
def test_admin_sets_the_evaluation_form(client, tenant, members, scale_max):
    client.force_login(members[Role.ADMIN])
    data = {"name": "就業評価", "criteria": CRITERIA, "questions": "強み\n\n課題", "scale_max": scale_max}
    response = client.post(url("evaluation_form", tenant), data)
    assert response.status_code == 302 and flashed(response) == ["評価様式を保存しました。"]
    with scopes_disabled():
        form = EvaluationForm.objects.get(tenant=tenant, is_current=True)
    assert (form.name, form.scale_min, form.scale_max) == ("就業評価", 1, int(scale_max))
    assert form.criteria == [
        {"key": "c1", "label": "課題発見", "description": "課題を見つける"},
        {"key": "c2", "label": "実行力", "description": ""},
        {"key": "c3", "label": "協働", "description": "人と働く"},
    ]
    assert [q["label"] for q in form.questions] == ["強み", "課題"]


def test_a_used_form_changes_into_a_new_version(client, tenant, members, placement):
    client.force_login(members[Role.FACULTY])
    client.post(url("evaluation_edit", tenant, pk=placement.pk, kind="faculty"), {"score_c1": "3", "action": "save"})
    client.force_login(members[Role.ADMIN])
    data = {"name": "就業評価", "criteria": CRITERIA, "questions": "", "scale_max": "4"}
    assert client.post(url("evaluation_form", tenant), data).status_code == 302
    with scopes_disabled():
        versions = list(
            EvaluationForm.objects.filter(tenant=tenant).order_by("version").values_list("version", "is_current")
        )
        assert versions == [(1, False), (2, True)]
        assert evaluation(placement, "faculty").form.version == 1


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"name": ""}, {"name": [REQUIRED]}),
        ({"criteria": ""}, {"criteria": [REQUIRED]}),
        ({"scale_max": "1"}, {"scale_max": ["この値は 2 以上でなければなりません。"]}),
        ({"scale_max": "11"}, {"scale_max": ["この値は 10 以下でなければなりません。"]}),
    ],
)
def test_evaluation_form_field_refusals(client, tenant, members, change, errors):
    client.force_login(members[Role.ADMIN])
    data = {"name": "就業評価", "criteria": CRITERIA, "questions": "", "scale_max": "5", **change}
    response = client.post(url("evaluation_form", tenant), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    with scopes_disabled():
        assert not EvaluationForm.objects.filter(name="就業評価").exists()


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ("課題発見\n | 説明だけの行", "各行の「|」の前に項目名を書いてください。"),
    ],
)
def test_criteria_without_a_label_are_refused(client, tenant, members, criteria, message):
    client.force_login(members[Role.ADMIN])
    data = {"name": "就業評価", "criteria": criteria, "questions": "", "scale_max": "5"}
    response = client.post(url("evaluation_form", tenant), data)
    assert response.status_code == 200
    assert flashed(response) == [message]
    with scopes_disabled():
        assert not EvaluationForm.objects.filter(name="就業評価").exists()


def test_a_question_without_a_label_is_refused(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    data = {"name": "就業評価", "criteria": CRITERIA, "questions": "強み\n| 補足", "scale_max": "5"}
    response = client.post(url("evaluation_form", tenant), data)
    assert flashed(response) == ["各行の「|」の前に項目名を書いてください。"]
    with scopes_disabled():
        assert not EvaluationForm.objects.filter(name="就業評価").exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.FACULTY])
def test_only_an_administrator_changes_the_evaluation_form(client, tenant, members, role):
    client.force_login(members[role])
    data = {"name": "就業評価", "criteria": CRITERIA, "questions": "", "scale_max": "5"}
    assert client.post(url("evaluation_form", tenant), data).status_code == 403


# --- The evaluations, signed in -------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "role"), [("faculty", Role.FACULTY), ("partner", Role.PARTNER)])
def test_evaluation_draft_then_submitted(client, tenant, members, placement, kind, role):
    client.force_login(members[role])
    page = url("evaluation_edit", tenant, pk=placement.pk, kind=kind)
    response = client.post(page, {"score_c1": "4", "score_c2": "", **ANSWERS, "comments": "途中", "action": "save"})
    assert response.status_code == 302 and flashed(response) == ["保存しました。"]
    saved = evaluation(placement, kind)
    assert (saved.state, saved.scores, saved.comments) == (Evaluation.State.DRAFT, {"c1": 4}, "途中")
    assert saved.answers == {"q1": "粘り強い", "q2": "発表の練習"}
    response = client.post(page, {**SCORES, "comments": "完了", "action": "submit"})
    assert flashed(response)[-1] == "評価を提出しました。"
    saved.refresh_from_db()
    assert (saved.state, saved.scores, saved.rater) == (
        Evaluation.State.SUBMITTED,
        {"c1": 1, "c2": 2, "c3": 3, "c4": 4, "c5": 5},
        members[role],
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score_c1": "3", "action": "submit"}, "提出前にすべての評価項目に点数をつけてください。"),
        ({**SCORES, "score_c3": "6", "action": "save"}, "点数は1〜5です。"),
        ({**SCORES, "score_c3": "0", "action": "submit"}, "点数は1〜5です。"),
        ({**SCORES, "score_c3": "よい", "action": "save"}, "点数は1〜5です。"),
    ],
)
@pytest.mark.parametrize(("kind", "role"), [("faculty", Role.FACULTY), ("partner", Role.PARTNER)])
def test_evaluation_refusals(client, tenant, members, placement, kind, role, data, message):
    client.force_login(members[role])
    response = client.post(url("evaluation_edit", tenant, pk=placement.pk, kind=kind), data)
    assert response.status_code == 200
    assert response.context["errors"] == [message]
    assert message in response.text
    assert evaluation(placement, kind) is None


@pytest.mark.parametrize(
    ("kind", "role"), [("faculty", Role.PARTNER), ("partner", Role.FACULTY), ("faculty", Role.STAFF)]
)
def test_the_wrong_rater_cannot_write(client, tenant, members, placement, kind, role):
    client.force_login(members[role])
    response = client.post(url("evaluation_edit", tenant, pk=placement.pk, kind=kind), {**SCORES, "action": "submit"})
    assert response.status_code == 403
    assert evaluation(placement, kind) is None


@pytest.mark.parametrize(
    ("reason", "message", "state"),
    [
        ("誤って提出", "評価を再び修正できるようにしました。", Evaluation.State.DRAFT),
        ("", "理由を入力してください。", Evaluation.State.SUBMITTED),
    ],
)
def test_the_office_reopens_a_submitted_evaluation(client, tenant, members, placement, reason, message, state):
    client.force_login(members[Role.FACULTY])
    client.post(url("evaluation_edit", tenant, pk=placement.pk, kind="faculty"), {**SCORES, "action": "submit"})
    client.force_login(members[Role.STAFF])
    response = client.post(url("evaluation_reopen", tenant, pk=placement.pk, kind="faculty"), {"reason": reason})
    assert flashed(response)[-1] == message
    assert evaluation(placement, "faculty").state == state


# --- ResultForm ---------------------------------------------------------------------------------


def result(placement):
    with scopes_disabled():
        return PlacementResult.objects.filter(placement=placement).first()


@pytest.mark.parametrize("grade", list(PlacementResult.Grade.values))
@pytest.mark.parametrize(("passed", "expected"), [("1", True), ("0", False)])
@pytest.mark.parametrize("side", [Role.FACULTY, Role.PARTNER])
def test_either_side_proposes_every_grade_and_the_other_agrees(
    client, tenant, members, placement, grade, passed, expected, side
):
    client.force_login(members[side])
    response = client.post(
        url("result_save", tenant, pk=placement.pk), {"grade": grade, "passed": passed, "comments": " 良好 "}
    )
    assert flashed(response) == ["最終評価を保存しました。もう一方の教員に合意を依頼しました。"]
    saved = result(placement)
    assert (saved.grade, saved.passed, saved.comments, saved.is_final) == (grade, expected, "良好", False)
    other = Role.PARTNER if side == Role.FACULTY else Role.FACULTY
    client.force_login(members[other])
    response = client.post(url("result_agree", tenant, pk=placement.pk))
    assert flashed(response)[-1] == "最終評価に合意しました。"
    saved.refresh_from_db()
    assert saved.is_final
    # Final: neither side changes it any more.
    response = client.post(url("result_save", tenant, pk=placement.pk), {"grade": "F", "passed": "0"})
    assert flashed(response)[-1] == "最終評価はすでに確定しています。"
    saved.refresh_from_db()
    assert saved.grade == grade


@pytest.mark.parametrize(
    "data",
    [{"grade": "Z", "passed": "1"}, {"grade": "", "passed": "1"}, {"grade": "A", "passed": "maybe"}, {"grade": "A"}],
)
def test_an_invalid_result_is_refused(client, tenant, members, placement, data):
    client.force_login(members[Role.FACULTY])
    response = client.post(url("result_save", tenant, pk=placement.pk), data)
    assert flashed(response) == ["評語を選んでください。"]
    assert result(placement) is None


def test_a_new_proposal_asks_the_other_side_again(client, tenant, members, placement):
    client.force_login(members[Role.FACULTY])
    client.post(url("result_save", tenant, pk=placement.pk), {"grade": "A", "passed": "1"})
    client.force_login(members[Role.PARTNER])
    client.post(url("result_save", tenant, pk=placement.pk), {"grade": "B", "passed": "1"})
    saved = result(placement)
    assert (saved.grade, saved.agreed_by_faculty, saved.agreed_by_practitioner is not None) == ("B", None, True)


# --- LinkSendForm and the emailed links ---------------------------------------------------------


@pytest.fixture
def outside_boss(placement):
    """A partner supervisor with no portal account."""
    contact = PartnerContactFactory(partner=placement.partner, full_name="外部 太郎", email="taro@partner.example.jp")
    with scopes_disabled():
        PlacementSupervisor.objects.create(tenant=placement.tenant, placement=placement, contact=contact)
    return contact


def links(placement):
    with scopes_disabled():
        return list(AccessLink.objects.filter(placement=placement).order_by("pk"))


def send(client, tenant, placement, data, capture):
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(url("link_send", tenant, pk=placement.pk), data)
    return response


def emailed_path():
    return re.search(r"(/t/[-\w]+/reports/l/[-\w]+/)", mail.outbox[-1].body).group(1)


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_office_sends_an_evaluation_link(
    client, tenant, members, placement, outside_boss, role, django_capture_on_commit_callbacks
):
    client.force_login(members[role])
    data = {"contact": outside_boss.pk, "purpose": "evaluation", "month": ""}
    response = send(client, tenant, placement, data, django_capture_on_commit_callbacks)
    assert flashed(response) == ["リンクを送信しました。"]
    (link,) = links(placement)
    assert (link.purpose, link.month, link.email, link.created_by) == (
        "evaluation",
        None,
        "taro@partner.example.jp",
        members[role],
    )
    assert mail.outbox[-1].to == ["taro@partner.example.jp"]


def test_office_sends_a_feedback_link_for_a_submitted_month(
    client, tenant, members, placement, outside_boss, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        MonthlyReportFactory(placement=placement, month=NOV)
    client.force_login(members[Role.STAFF])
    data = {"contact": outside_boss.pk, "purpose": "feedback", "month": "2026-11"}
    response = send(client, tenant, placement, data, django_capture_on_commit_callbacks)
    assert flashed(response) == ["リンクを送信しました。"]
    (link,) = links(placement)
    assert (link.purpose, link.month) == ("feedback", NOV)


def test_an_evaluation_link_ignores_a_month(
    client, tenant, members, placement, outside_boss, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        MonthlyReportFactory(placement=placement, month=NOV)
    client.force_login(members[Role.STAFF])
    data = {"contact": outside_boss.pk, "purpose": "evaluation", "month": "2026-11"}
    send(client, tenant, placement, data, django_capture_on_commit_callbacks)
    (link,) = links(placement)
    assert (link.purpose, link.month) == ("evaluation", None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purpose": "feedback", "month": ""}, "学生はまだこの月報を提出していません。"),
        ({"purpose": "feedback", "month": "2026-10"}, "対象月（フィードバックの場合）: " + INVALID % "2026-10"),
        ({"purpose": "survey"}, "記入する様式: " + INVALID % "survey"),
        ({"purpose": ""}, "記入する様式: " + REQUIRED),
        ({"contact": ""}, "送信先: " + REQUIRED),
        ({"contact": "999999"}, "送信先: 正しく選択してください。選択したものは候補にありません。"),
    ],
)
def test_link_send_refusals(
    client, tenant, members, placement, outside_boss, change, message, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        MonthlyReportFactory(placement=placement, month=NOV)
    client.force_login(members[Role.STAFF])
    data = {"contact": outside_boss.pk, "purpose": "evaluation", "month": "", **change}
    response = send(client, tenant, placement, data, django_capture_on_commit_callbacks)
    assert flashed(response) == [message]
    assert links(placement) == [] and mail.outbox == []


def test_a_contact_of_the_partner_who_does_not_supervise_gets_no_link(
    client, tenant, members, placement, django_capture_on_commit_callbacks
):
    stranger = PartnerContactFactory(partner=placement.partner, email="other@partner.example.jp")
    client.force_login(members[Role.STAFF])
    data = {"contact": stranger.pk, "purpose": "evaluation"}
    response = send(client, tenant, placement, data, django_capture_on_commit_callbacks)
    assert flashed(response) == ["送信先: 正しく選択してください。選択したものは候補にありません。"]
    assert links(placement) == []


def test_no_evaluation_link_after_the_partner_evaluation_is_submitted(
    client, tenant, members, placement, outside_boss, django_capture_on_commit_callbacks
):
    client.force_login(members[Role.PARTNER])
    client.post(url("evaluation_edit", tenant, pk=placement.pk, kind="partner"), {**SCORES, "action": "submit"})
    client.force_login(members[Role.STAFF])
    data = {"contact": outside_boss.pk, "purpose": "evaluation"}
    response = send(client, tenant, placement, data, django_capture_on_commit_callbacks)
    assert flashed(response)[-1] == "企業による評価はすでに提出されています。"
    assert links(placement) == []


@pytest.fixture
def evaluation_link(client, tenant, members, placement, outside_boss, django_capture_on_commit_callbacks):
    client.force_login(members[Role.STAFF])
    send(
        client,
        tenant,
        placement,
        {"contact": outside_boss.pk, "purpose": "evaluation"},
        django_capture_on_commit_callbacks,
    )
    client.logout()
    return emailed_path()


def test_the_evaluation_link_saves_a_draft_then_submits(client, placement, evaluation_link):
    response = client.post(evaluation_link, {"score_c1": "2", **ANSWERS, "comments": "途中", "action": "save"})
    assert response.status_code == 302 and response["Location"] == evaluation_link
    saved = evaluation(placement, "partner")
    assert (saved.state, saved.scores, saved.rater_name) == (Evaluation.State.DRAFT, {"c1": 2}, "外部 太郎")
    response = client.post(evaluation_link, {**SCORES, "comments": "完了", "action": "submit"})
    assert response.status_code == 200
    saved.refresh_from_db()
    assert (saved.state, saved.comments) == (Evaluation.State.SUBMITTED, "完了")
    (link,) = links(placement)
    assert link.used_at is not None
    assert client.post(evaluation_link, {**SCORES, "action": "submit"}).status_code == 410


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score_c1": "3", "action": "submit"}, "提出前にすべての評価項目に点数をつけてください。"),
        ({**SCORES, "score_c2": "9", "action": "submit"}, "点数は1〜5です。"),
        ({**SCORES, "score_c2": "-1", "action": "save"}, "点数は1〜5です。"),
    ],
)
def test_the_evaluation_link_refusals(client, placement, evaluation_link, data, message):
    response = client.post(evaluation_link, data)
    assert response.status_code == 200
    assert response.context["errors"] == [message]
    assert message in response.text
    assert evaluation(placement, "partner") is None
    (link,) = links(placement)
    assert link.used_at is None


@pytest.fixture
def feedback_link(client, tenant, members, placement, outside_boss, django_capture_on_commit_callbacks):
    with scopes_disabled():
        MonthlyReportFactory(placement=placement, month=NOV)
    client.force_login(members[Role.STAFF])
    send(
        client,
        tenant,
        placement,
        {"contact": outside_boss.pk, "purpose": "feedback", "month": "2026-11"},
        django_capture_on_commit_callbacks,
    )
    client.logout()
    return emailed_path()


def test_the_feedback_link_writes_the_feedback_once(client, placement, feedback_link):
    response = client.post(feedback_link, {"text": "よく頑張っています。"})
    assert response.status_code == 200
    with scopes_disabled():
        report = MonthlyReport.objects.get(placement=placement)
    assert (report.partner_feedback, report.partner_feedback_name) == ("よく頑張っています。", "外部 太郎")
    assert client.post(feedback_link, {"text": "二度目"}).status_code == 410
    report.refresh_from_db()
    assert report.partner_feedback == "よく頑張っています。"


@pytest.mark.parametrize(("text", "errors"), [("", {"text": [REQUIRED]}), ("   ", {"text": [REQUIRED]})])
def test_the_feedback_link_refuses_an_empty_feedback(client, placement, feedback_link, text, errors):
    response = client.post(feedback_link, {"text": text})
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    with scopes_disabled():
        assert MonthlyReport.objects.get(placement=placement).partner_feedback == ""
    (link,) = links(placement)
    assert link.used_at is None


def test_a_month_sent_back_to_the_student_refuses_the_feedback_link(client, tenant, members, placement, feedback_link):
    client.force_login(members[Role.FACULTY])
    client.post(url("monthly_return", tenant, pk=placement.pk, month="2026-11"), {"reason": "不足"})
    client.logout()
    response = client.post(feedback_link, {"text": "よく頑張っています。"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": ["学生はまだこの月報を提出していません。"]}
    with scopes_disabled():
        assert MonthlyReport.objects.get(placement=placement).partner_feedback == ""


def test_a_label_longer_than_200_characters_is_refused_not_cut(client, tenant, members):
    """Before the fix the label was cut to 200 characters without a word."""
    client.force_login(members[Role.ADMIN])
    data = {"name": "就業評価", "criteria": "あ" * 201 + " | 説明", "questions": "", "scale_max": "5"}
    response = client.post(url("evaluation_form", tenant), data)
    assert response.status_code == 200
    assert flashed(response) == ["項目名は200文字以内にしてください。"]
    with scopes_disabled():
        assert not EvaluationForm.objects.filter(name="就業評価").exists()


def test_a_rater_known_only_by_a_long_address_fits_the_name_column(client, tenant, members, placement):
    """A person without a name is shown by email address (up to 254 characters); before the
    fix that went whole into the 150-character rater name (PostgreSQL answers with a 500)."""
    faculty = members[Role.FACULTY]
    faculty.full_name, faculty.email = "", "f" * 64 + "@" + "d" * 120 + ".example.jp"
    faculty.save(update_fields=["full_name", "email"])
    client.force_login(faculty)
    response = client.post(
        url("evaluation_edit", tenant, pk=placement.pk, kind="faculty"), {**SCORES, "action": "save"}
    )
    assert response.status_code == 302
    assert evaluation(placement, "faculty").rater_name == faculty.email[:150]
