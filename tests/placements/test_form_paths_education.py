"""Every path of the pre-education forms: CourseSessionForm and attendance (donated courses),
PreAssignmentForm and SubmissionForm (project themes), before and after the deadline."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Attendance, CourseSession, PreAssignment, Submission
from tests import files

from ..factories import ApplicationFactory, ThemeFactory, member, partner_person
from .pages import post, shown, url

pytestmark = pytest.mark.django_db

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
DUE = datetime.datetime(2026, 7, 31, 17, 0, tzinfo=JST)


@pytest.fixture
def staff_client(client, members):
    client.force_login(members[Role.STAFF])
    return client


@pytest.fixture
def course(tenant):
    return ThemeFactory(tenant=tenant, track="donated_course")


@pytest.fixture
def project(tenant):
    return ThemeFactory(tenant=tenant, track="project_theme")


def rows(model):
    with scopes_disabled():
        return list(model.objects.order_by("id"))


# --- CourseSessionForm -------------------------------------------------------------------


def test_a_session_of_a_donated_course(staff_client, tenant, course):
    data = {"title": "第1回 製造業のDX", "starts_at": "2026-06-05T13:00", "place": "講義室A", "description": ""}
    response = post(staff_client, url("session_add", tenant, pk=course.pk), data)
    assert shown(response) == ["講座回を追加しました。"]
    [session] = rows(CourseSession)
    assert (session.theme, session.title, session.place) == (course, "第1回 製造業のDX", "講義室A")
    assert session.starts_at == datetime.datetime(2026, 6, 5, 13, 0, tzinfo=JST)


@pytest.mark.parametrize(
    ("track_theme", "data", "errors"),
    [
        (
            "project",
            {"title": "第1回", "starts_at": "2026-06-05T13:00"},
            {"__all__": ["講座回は寄附講座型のテーマに設定します。"]},
        ),
        ("course", {"title": "第1回", "starts_at": "6月5日"}, {"starts_at": ["日時を正しく入力してください。"]}),
        (
            "course",
            {"title": "", "starts_at": ""},
            {"title": ["このフィールドは必須です。"], "starts_at": ["このフィールドは必須です。"]},
        ),
    ],
)
def test_session_refusals(staff_client, tenant, course, project, track_theme, data, errors):
    theme = {"course": course, "project": project}[track_theme]
    response = post(staff_client, url("session_add", tenant, pk=theme.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert rows(CourseSession) == []


def test_each_attendance_mark(staff_client, tenant, course):
    post(staff_client, url("session_add", tenant, pk=course.pk), {"title": "第1回", "starts_at": "2026-06-05T13:00"})
    [session] = rows(CourseSession)
    students = [member(tenant, Role.STUDENT) for _ in range(3)]
    for student in students:
        ApplicationFactory(theme=course, student=student)
    marks = dict(zip(students, ["present", "absent", "excused"], strict=True))
    response = post(
        staff_client,
        url("attendance", tenant, pk=session.pk),
        {f"student-{s.pk}": status for s, status in marks.items()},
    )
    assert shown(response) == ["出欠を保存しました。"]
    assert {(a.student, a.status) for a in rows(Attendance)} == set(marks.items())
    post(staff_client, url("attendance", tenant, pk=session.pk), {f"student-{students[1].pk}": "present"})
    assert {(a.student, a.status) for a in rows(Attendance)} == {*marks.items(), (students[1], "present")} - {
        (students[1], "absent")
    }


def test_an_unknown_attendance_mark_is_refused(staff_client, tenant, course):
    post(staff_client, url("session_add", tenant, pk=course.pk), {"title": "第1回", "starts_at": "2026-06-05T13:00"})
    [session] = rows(CourseSession)
    student = member(tenant, Role.STUDENT)
    ApplicationFactory(theme=course, student=student)
    response = post(staff_client, url("attendance", tenant, pk=session.pk), {f"student-{student.pk}": "late"})
    assert shown(response) == ["出欠はこの機関の学生についてのみ記録できます。"]
    assert rows(Attendance) == []


# --- PreAssignmentForm and SubmissionForm ------------------------------------------------------


def test_a_pre_assignment_of_a_project_theme(staff_client, tenant, project):
    data = {"title": "課題1", "instructions": "データを分析せよ。", "due_at": "2026-07-31T17:00"}
    response = post(staff_client, url("assignment_add", tenant, pk=project.pk), data)
    assert shown(response) == ["事前課題を追加しました。"]
    [assignment] = rows(PreAssignment)
    assert (assignment.theme, assignment.due_at) == (project, DUE)


@pytest.mark.parametrize(
    ("track_theme", "data", "errors"),
    [
        (
            "course",
            {"title": "課題1", "instructions": "分析", "due_at": "2026-07-31T17:00"},
            {"__all__": ["事前課題はプロジェクトテーマ型のテーマに設定します。"]},
        ),
        (
            "project",
            {"title": "課題1", "instructions": "", "due_at": "2026-07-31T17:00"},
            {"instructions": ["このフィールドは必須です。"]},
        ),
        (
            "project",
            {"title": "課題1", "instructions": "分析", "due_at": "2026-02-30T17:00"},
            {"due_at": ["日時を正しく入力してください。"]},
        ),
    ],
)
def test_pre_assignment_refusals(staff_client, tenant, course, project, track_theme, data, errors):
    theme = {"course": course, "project": project}[track_theme]
    response = post(staff_client, url("assignment_add", tenant, pk=theme.pk), data)
    assert response.context["form"].errors == errors
    assert rows(PreAssignment) == []


@pytest.fixture
def assignment(tenant, project):
    with scopes_disabled():
        return PreAssignment.objects.create(
            tenant=tenant, theme=project, title="課題1", instructions="データを分析せよ。", due_at=DUE
        )


@pytest.fixture
def student_client(client, members):
    client.force_login(members[Role.STUDENT])
    return client


def submit(client, tenant, assignment, when, **data):
    with time_machine.travel(when, tick=False):
        return post(client, url("assignment_detail", tenant, pk=assignment.pk), data)


def test_a_text_answer_then_a_file_before_the_deadline(student_client, tenant, members, assignment):
    response = submit(student_client, tenant, assignment, DUE - datetime.timedelta(days=1), text="分析結果です。")
    assert shown(response) == ["解答を提出しました。"]
    response = submit(
        student_client, tenant, assignment, DUE, text="", file=SimpleUploadedFile("answer.pdf", files.PDF)
    )
    assert shown(response) == ["解答を提出しました。"]
    [submission] = rows(Submission)
    assert (submission.student, submission.text, submission.submitted_at) == (members[Role.STUDENT], "", DUE)
    assert submission.file.read() == files.PDF


@pytest.mark.parametrize(
    ("when", "data", "errors"),
    [
        (
            DUE + datetime.timedelta(minutes=1),
            {"text": "遅れました"},
            {"__all__": ["この事前課題の締切は過ぎています。"]},
        ),
        (DUE, {"text": "   "}, {"__all__": ["解答を書くか、ファイルを添付してください。"]}),
        (
            DUE,
            {"file": SimpleUploadedFile("big.pdf", b"%" * (10 * 1024 * 1024 + 1))},
            {"file": ["ファイルが10MBを超えています。"]},
        ),
        (
            DUE,
            {"file": files.upload("answer.png", files.TEXT)},
            {"file": [files.NOT_A_DOCUMENT]},
        ),
    ],
)
def test_submission_refusals(student_client, tenant, assignment, when, data, errors):
    response = submit(student_client, tenant, assignment, when, **data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert rows(Submission) == []


@pytest.mark.parametrize("role", [Role.STAFF, Role.PARTNER, Role.FACULTY])
def test_only_students_submit(client, tenant, members, assignment, role):
    client.force_login(members[role])
    response = submit(client, tenant, assignment, DUE, text="代理で提出")
    assert response.status_code in (403, 404)
    assert rows(Submission) == []


def test_a_submitted_file_opens_for_its_student_the_office_and_the_themes_partner(
    client, tenant, members, assignment, project
):
    """Issue 11 item 6: the file of an answer is served by the portal (coop.downloads) after
    the access check of each role, never linked to its /media/ URL (which answers 404)."""
    student = members[Role.STUDENT]
    client.force_login(student)
    submit(client, tenant, assignment, DUE, text="", file=SimpleUploadedFile("answer.pdf", files.PDF))
    [submission] = rows(Submission)
    download = url("submission_file", tenant, pk=submission.pk)
    with time_machine.travel(DUE, tick=False):
        page = client.get(url("assignment_detail", tenant, pk=assignment.pk)).content.decode()
    assert download in page and "/media/" not in page
    partner_user = partner_person(project.partner)
    for user in (student, members[Role.STAFF], partner_user):
        client.force_login(user)
        response = client.get(download)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == files.PDF
    client.force_login(members[Role.STAFF])
    page = client.get(url("assignment_detail", tenant, pk=assignment.pk)).content.decode()
    assert download in page and "ファイルが添付されています。" not in page
    # Another student, and a partner person of another partner, do not find it.
    client.force_login(member(tenant, Role.STUDENT))
    assert client.get(download).status_code == 404
    client.force_login(members[Role.PARTNER])
    assert client.get(download).status_code == 404
