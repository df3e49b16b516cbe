"""Every path of selection: ApplicationForm (the student applies), InterviewForm (each kind),
and every application action button (shortlist, select, reject, accept, decline, withdraw,
prepare the pledge) from each state, as the role that has the button."""

import datetime
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Agreement, Application, Interview, Theme
from tests import files

from ..factories import ApplicationFactory, ThemeFactory, member, partner_person
from .pages import post, shown, url

pytestmark = pytest.mark.django_db

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
STATE_JA = {
    "submitted": "提出済み",
    "shortlisted": "候補",
    "selected": "選抜",
    "accepted": "学生が承諾",
    "placed": "就業決定",
    "rejected": "不採用",
    "declined": "学生が辞退",
    "withdrawn": "取り下げ",
}


@pytest.fixture
def theme(tenant):
    return ThemeFactory(tenant=tenant, state="open", capacity=2)


@pytest.fixture
def student(members):
    return members[Role.STUDENT]


def applications():
    with scopes_disabled():
        return list(Application.objects.order_by("id"))


# --- ApplicationForm -----------------------------------------------------------------------


def test_a_student_applies_with_a_file(client, tenant, theme, student):
    client.force_login(student)
    data = {"motivation": "現場でデータ分析を学びたい。", "file": SimpleUploadedFile("cv.pdf", files.PDF)}
    response = post(client, url("theme_apply", tenant, pk=theme.pk), data)
    assert shown(response) == ["応募を送信しました。"]
    [application] = applications()
    assert (application.theme, application.student, application.state) == (theme, student, "submitted")
    assert application.file.read() == files.PDF


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"motivation": "   "}, {"motivation": ["このフィールドは必須です。"]}),
        (
            {"motivation": "学びたい", "file": SimpleUploadedFile("big.pdf", b"%" * (10 * 1024 * 1024 + 1))},
            {"file": ["ファイルが10MBを超えています。"]},
        ),
        (
            {"motivation": "学びたい", "file": files.upload("cv.pdf", files.HTML)},
            {"file": [files.NOT_A_DOCUMENT]},
        ),
        (
            {"motivation": "学びたい", "file": files.upload("cv.exe", files.EXE)},
            {"file": [files.NOT_A_DOCUMENT]},
        ),
    ],
    ids=["no-motivation", "too-large", "html-named-pdf", "exe"],
)
def test_application_refusals(client, tenant, theme, student, data, errors):
    client.force_login(student)
    response = post(client, url("theme_apply", tenant, pk=theme.pk), data)
    assert response.context["form"].errors == errors
    assert applications() == []


def test_applying_twice_is_refused(client, tenant, theme, student):
    client.force_login(student)
    post(client, url("theme_apply", tenant, pk=theme.pk), {"motivation": "一回目"})
    response = post(client, url("theme_apply", tenant, pk=theme.pk), {"motivation": "二回目"})
    assert response.context["form"].errors == {"__all__": ["このテーマにはすでに応募しています。"]}
    assert [a.motivation for a in applications()] == ["一回目"]


def test_a_theme_in_selection_refuses_applications(client, tenant, student):
    theme = ThemeFactory(tenant=tenant, state="selecting")
    client.force_login(student)
    response = post(client, url("theme_apply", tenant, pk=theme.pk), {"motivation": "応募します"})
    assert response.context["form"].errors == {"__all__": ["このテーマは応募を受け付けていません。"]}
    assert applications() == []


@pytest.mark.parametrize("state", ["draft", "agreed", "filled", "closed", "cancelled"])
def test_a_theme_students_cannot_see_is_not_found(client, tenant, student, state):
    theme = ThemeFactory(tenant=tenant, state=state)
    client.force_login(student)
    assert post(client, url("theme_apply", tenant, pk=theme.pk), {"motivation": "応募します"}).status_code == 404
    assert applications() == []


@pytest.mark.parametrize("role", [Role.STAFF, Role.PARTNER, Role.FACULTY])
def test_only_students_apply(client, tenant, members, theme, role):
    client.force_login(members[role])
    assert post(client, url("theme_apply", tenant, pk=theme.pk), {"motivation": "代理"}).status_code == 403
    assert applications() == []


# --- InterviewForm ---------------------------------------------------------------------------


@pytest.fixture
def application(theme, student):
    return ApplicationFactory(theme=theme, student=student)


@pytest.mark.parametrize("kind", ["pre_interview", "selection"])
@pytest.mark.parametrize("role", [Role.STAFF, "partner_person"])
def test_each_kind_of_interview(client, tenant, members, application, kind, role):
    user = partner_person(application.theme.partner) if role == "partner_person" else members[role]
    client.force_login(user)
    data = {"kind": kind, "held_at": "2026-06-10T14:30", "notes": "意欲が高い"}
    response = post(client, url("interview_add", tenant, pk=application.pk), data)
    assert shown(response) == ["面談を記録しました。"]
    with scopes_disabled():
        interview = Interview.objects.get(application=application)
    assert (interview.kind, interview.interviewer, interview.notes) == (kind, user, "意欲が高い")
    assert interview.held_at == datetime.datetime(2026, 6, 10, 14, 30, tzinfo=JST)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "selection", "held_at": ""}, "面談の日時を入力してください。"),
        ({"kind": "selection", "held_at": "来週"}, "面談の日時を入力してください。"),
        ({"kind": "lunch", "held_at": "2026-06-10T14:30"}, "正しく選択してください。 lunch は候補にありません。"),
    ],
)
def test_interview_refusals(client, tenant, members, application, data, message):
    client.force_login(members[Role.STAFF])
    response = post(client, url("interview_add", tenant, pk=application.pk), data)
    assert shown(response) == [message]
    with scopes_disabled():
        assert not Interview.objects.exists()


# --- Application actions, each from each state ----------------------------------------------

SELECTOR_ACTIONS = {"shortlist": "shortlisted", "select": "selected", "reject": "rejected"}
STUDENT_ACTIONS = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}
SUCCESS = {
    "shortlist": "応募者を候補にしました。",
    "select": "応募者を選抜しました。",
    "reject": "応募者に不採用を通知しました。",
    "accept": "承諾しました。これから事務局が実施誓約書を準備します。署名できるようになったらお知らせします。",
    "decline": "辞退しました。",
    "withdraw": "応募を取り下げました。",
}
CASES = [
    (action, start, to)
    for action, to in {**SELECTOR_ACTIONS, **STUDENT_ACTIONS}.items()
    for start in Application.State.values
]


def act(client, tenant, application, action):
    response = post(client, url("application_action", tenant, pk=application.pk, action=action))
    with scopes_disabled():
        application.refresh_from_db()
    return response


@pytest.mark.parametrize(("action", "start", "to"), CASES)
def test_each_action_from_each_state(client, tenant, members, application, action, start, to):
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(state=start)
    if action in STUDENT_ACTIONS:
        client.force_login(application.student)
    else:
        client.force_login(partner_person(application.theme.partner))
    response = act(client, tenant, application, action)
    if to in Application.TRANSITIONS[start]:
        assert shown(response) == [SUCCESS[action]]
        assert application.state == to
    else:
        assert shown(response) == [f"「{STATE_JA[start]}」から「{STATE_JA[to]}」には変更できません。"]
        assert application.state == start


@pytest.mark.parametrize(
    ("action", "role"),
    [
        ("accept", Role.STAFF),
        ("decline", "partner_person"),
        ("withdraw", Role.STAFF),
        ("select", Role.STUDENT),
        ("shortlist", Role.STUDENT),
        ("prepare_pledge", "partner_person"),
        ("prepare_pledge", Role.STUDENT),
    ],
)
def test_an_action_of_another_role_is_forbidden(client, tenant, members, application, action, role):
    user = partner_person(application.theme.partner) if role == "partner_person" else members[role]
    client.force_login(user)
    assert act(client, tenant, application, action).status_code == 403
    assert application.state == "submitted"


def test_an_unknown_action_is_not_found(client, tenant, members, application):
    client.force_login(members[Role.STAFF])
    assert act(client, tenant, application, "hire").status_code == 404


def test_another_students_application_is_not_found(client, tenant, application):
    client.force_login(member(tenant, Role.STUDENT))
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(state="selected")
    assert act(client, tenant, application, "accept").status_code == 404
    assert application.state == "selected"


def test_selection_stops_at_capacity_and_fills_the_theme(client, tenant, members):
    theme = ThemeFactory(tenant=tenant, state="selecting", capacity=1)
    first, second = ApplicationFactory(theme=theme), ApplicationFactory(theme=theme)
    client.force_login(members[Role.STAFF])
    assert shown(act(client, tenant, first, "select")) == ["応募者を選抜しました。"]
    theme.refresh_from_db()
    assert theme.state == Theme.State.FILLED
    assert shown(act(client, tenant, second, "select")) == ["このテーマの定員1名はすべて埋まっています。"]
    assert second.state == "submitted"


def test_an_open_theme_refuses_a_selection_beyond_capacity(client, tenant, members):
    theme = ThemeFactory(tenant=tenant, state="open", capacity=1)
    ApplicationFactory(theme=theme, state="accepted")
    other = ApplicationFactory(theme=theme)
    client.force_login(members[Role.STAFF])
    assert shown(act(client, tenant, other, "select")) == ["このテーマの定員1名はすべて埋まっています。"]
    assert other.state == "submitted"


@pytest.mark.parametrize("state", ["open", "selecting"])
def test_prepare_the_pledge_once(client, tenant, members, state, django_capture_on_commit_callbacks):
    theme = ThemeFactory(tenant=tenant, state=state)
    application = ApplicationFactory(theme=theme, student=members[Role.STUDENT], state="accepted")
    client.force_login(members[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, tenant, application, "prepare_pledge")
    assert shown(response) == ["実施誓約書を署名のために発行しました。"]
    with scopes_disabled():
        pledge = Agreement.objects.get(application=application)
    assert (pledge.kind, pledge.state, pledge.theme) == ("student_pledge", "issued", theme)
    assert shown(act(client, tenant, application, "prepare_pledge")) == ["実施誓約書はすでに発行されています。"]


@pytest.mark.parametrize("start", ["submitted", "selected", "placed"])
def test_the_pledge_waits_for_acceptance(client, tenant, members, application, start):
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(state=start)
    client.force_login(members[Role.STAFF])
    assert shown(act(client, tenant, application, "prepare_pledge")) == ["学生はまだこのテーマを承諾していません。"]
    with scopes_disabled():
        assert not Agreement.objects.exists()
