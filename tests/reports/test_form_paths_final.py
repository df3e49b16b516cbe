"""Final reports (FinalReportForm), final presentations (PresentationForm) and the report
settings (ReportSettingsForm), every path through their pages."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Placement
from reports.models import FinalPresentation, FinalReport, FinalReportFile, ReportSettings
from tests import files

from .factories import FinalPresentationFactory, running_placement

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
# The day these paths were written for; tests that need another day travel from here.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime.datetime(2026, 11, 30, 10, tzinfo=JST), tick=False),
]
TODAY = datetime.datetime(2026, 12, 1, 10, tzinfo=JST)
REQUIRED = "このフィールドは必須です。"


def url(name, tenant, **kwargs):
    return reverse(f"reports:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def placement(tenant, members):
    return running_placement(
        tenant,
        student=members[Role.STUDENT],
        faculty=members[Role.FACULTY],
        partner_user=members[Role.PARTNER],
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2027, 3, 31),
    )


def pdf(name="slides.pdf", size=100):
    return SimpleUploadedFile(name, files.PDF + b"x" * size, content_type="application/pdf")


def final(placement):
    with scopes_disabled():
        return FinalReport.objects.filter(placement=placement).first()


# --- FinalReportForm ----------------------------------------------------------------------------


def test_final_report_draft_with_files_then_submitted(client, tenant, members, placement):
    client.force_login(members[Role.STUDENT])
    page = url("final_report", tenant, pk=placement.pk)
    response = client.post(page, {"text": "", "files": [pdf("a.pdf"), pdf("b.pdf")], "action": "save"})
    assert response.status_code == 302 and flashed(response) == ["保存しました。"]
    report = final(placement)
    assert (report.state, report.text) == (FinalReport.State.DRAFT, "")
    with scopes_disabled():
        assert sorted(report.files.values_list("name", flat=True)) == ["a.pdf", "b.pdf"]
    response = client.post(page, {"text": "成果のまとめ", "action": "submit"})
    assert flashed(response)[-1] == "最終報告書を提出しました。"
    report.refresh_from_db()
    assert (report.state, report.text) == (FinalReport.State.SUBMITTED, "成果のまとめ")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"text": "  ", "action": "submit"}, {"__all__": ["提出前に報告書を書いてください。"]}),
        (
            {"text": "x", "files": [pdf(f"{n}.pdf") for n in range(6)], "action": "save"},
            {"files": ["一度に添付できるのは5ファイルまでです。"]},
        ),
        (
            {"text": "x", "files": [pdf(size=10 * 1024 * 1024)], "action": "save"},
            {"files": ["ファイルが10MBを超えています。"]},
        ),
        (
            {"text": "x", "files": [pdf("a.pdf"), files.upload("chart.svg", files.SVG_SCRIPT)], "action": "save"},
            {"files": [files.NOT_A_DOCUMENT]},
        ),
        (
            {"text": "x", "files": [files.upload("slides.pdf", files.POLYGLOT)], "action": "save"},
            {"files": ["ウェブページのコードを含むファイルは受け付けられません。"]},
        ),
    ],
    ids=["empty", "six-files", "too-large", "svg-with-script", "pdf-html-polyglot"],
)
def test_final_report_refusals(client, tenant, members, placement, data, errors):
    client.force_login(members[Role.STUDENT])
    response = client.post(url("final_report", tenant, pk=placement.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert final(placement) is None
    with scopes_disabled():
        assert not FinalReportFile.objects.exists()


def test_a_submitted_final_report_is_not_changed(client, tenant, members, placement):
    client.force_login(members[Role.STUDENT])
    page = url("final_report", tenant, pk=placement.pk)
    client.post(page, {"text": "提出版", "action": "submit"})
    response = client.post(page, {"text": "書き換え", "files": [pdf()], "action": "save"})
    assert response.context["form"].errors == {"__all__": ["最終報告書はすでに提出されています。"]}
    report = final(placement)
    assert (report.text, report.state) == ("提出版", FinalReport.State.SUBMITTED)
    with scopes_disabled():
        assert not FinalReportFile.objects.exists()


@pytest.mark.parametrize("role", [Role.FACULTY, Role.PARTNER, Role.STAFF])
def test_only_the_student_writes_the_final_report(client, tenant, members, placement, role):
    client.force_login(members[role])
    response = client.post(url("final_report", tenant, pk=placement.pk), {"text": "x", "action": "submit"})
    assert response.status_code == 403
    assert final(placement) is None


@pytest.mark.parametrize(
    ("role", "reason", "message"),
    [
        (Role.FACULTY, "図表を追加してください", "最終報告書を学生に差し戻しました。"),
        (Role.STAFF, "", "理由を入力してください。"),
    ],
)
def test_reopening_the_final_report(client, tenant, members, placement, role, reason, message):
    client.force_login(members[Role.STUDENT])
    client.post(url("final_report", tenant, pk=placement.pk), {"text": "提出版", "action": "submit"})
    client.force_login(members[role])
    response = client.post(url("final_reopen", tenant, pk=placement.pk), {"reason": reason})
    assert flashed(response)[-1] == message
    expected = FinalReport.State.DRAFT if reason else FinalReport.State.SUBMITTED
    assert final(placement).state == expected


def test_a_planned_placement_has_no_final_report_to_write(client, tenant, members):
    planned = running_placement(
        tenant,
        student=members[Role.STUDENT],
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2027, 9, 30),
        state=Placement.State.PLANNED,
    )
    client.force_login(members[Role.STUDENT])
    response = client.post(url("final_report", tenant, pk=planned.pk), {"text": "x", "action": "save"})
    assert response.context["form"].errors == {"__all__": ["報告は就業期間中に書きます。"]}
    assert final(planned) is None


# --- PresentationForm ---------------------------------------------------------------------------

MEETING = {
    "title": "最終報告会",
    "starts_at": "2027-02-20T13:00",
    "place": "大会議室",
    "attendees": "企業の方々",
    "notes": "",
}


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_office_schedules_a_presentation_with_its_placements_then_changes_them(
    client, tenant, members, placement, role
):
    second = running_placement(tenant, starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2027, 3, 31))
    client.force_login(members[role])
    response = client.post(url("presentation_create", tenant), {**MEETING, "placements": [placement.pk, second.pk]})
    assert response.status_code == 302 and flashed(response) == ["最終報告会を保存しました。"]
    with scopes_disabled():
        presentation = FinalPresentation.objects.get()
        assert presentation.starts_at == datetime.datetime(2027, 2, 20, 13, tzinfo=JST)
        # The checkboxes choose who presents; the order is the list's (slots numbered 1, 2).
        slots = dict(presentation.slots.values_list("placement_id", "order"))
        assert set(slots) == {placement.pk, second.pk} and sorted(slots.values()) == [1, 2]
    response = client.post(
        url("presentation_edit", tenant, pk=presentation.pk), {**MEETING, "title": "報告会", "placements": [second.pk]}
    )
    assert response.status_code == 302
    presentation.refresh_from_db()
    with scopes_disabled():
        assert presentation.title == "報告会"
        assert list(presentation.slots.values_list("placement_id", flat=True)) == [second.pk]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"title": ""}, {"title": [REQUIRED]}),
        ({"starts_at": ""}, {"starts_at": [REQUIRED]}),
        ({"starts_at": "来週"}, {"starts_at": ["日時を正しく入力してください。"]}),
        ({"title": "x" * 201}, {"title": ["この値は 200 文字以下でなければなりません( 201 文字になっています)。"]}),
    ],
)
def test_presentation_refusals(client, tenant, members, change, errors):
    client.force_login(members[Role.STAFF])
    response = client.post(url("presentation_create", tenant), {**MEETING, **change})
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    with scopes_disabled():
        assert not FinalPresentation.objects.exists()


def test_a_placement_that_has_not_started_cannot_present(client, tenant, members):
    planned = running_placement(
        tenant,
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2027, 9, 30),
        state=Placement.State.PLANNED,
    )
    client.force_login(members[Role.STAFF])
    response = client.post(url("presentation_create", tenant), {**MEETING, "placements": [planned.pk]})
    errors = response.context["form"].errors
    assert errors == {"placements": [f"正しく選択してください。 {planned.pk} は候補にありません。"]}
    with scopes_disabled():
        assert not FinalPresentation.objects.exists()


@pytest.mark.parametrize("role", [Role.FACULTY, Role.STUDENT, Role.PARTNER])
def test_only_the_office_schedules_presentations(client, tenant, members, role):
    client.force_login(members[role])
    assert client.post(url("presentation_create", tenant), MEETING).status_code == 403
    with scopes_disabled():
        presentation = FinalPresentationFactory(tenant=tenant)
    assert client.post(url("presentation_edit", tenant, pk=presentation.pk), MEETING).status_code in (403, 404)
    presentation.refresh_from_db()
    assert presentation.title != MEETING["title"]


# --- ReportSettingsForm -------------------------------------------------------------------------


@pytest.mark.parametrize("days", ["0", "3", "60"])
def test_admin_sets_the_edit_days(client, tenant, members, days):
    client.force_login(members[Role.ADMIN])
    response = client.post(url("settings", tenant), {"edit_days_after": days})
    assert response.status_code == 302 and flashed(response) == ["報告の設定を保存しました。"]
    with scopes_disabled():
        assert ReportSettings.objects.get(tenant=tenant).edit_days_after == int(days)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("61", "この値は 60 以下でなければなりません。"),
        ("-1", "この値は 0 以上でなければなりません。"),
        ("x", "整数を入力してください。"),
        ("", REQUIRED),
    ],
)
def test_edit_days_refusals(client, tenant, members, days, message):
    client.force_login(members[Role.ADMIN])
    response = client.post(url("settings", tenant), {"edit_days_after": days})
    assert response.status_code == 200
    assert response.context["form"].errors == {"edit_days_after": [message]}
    with scopes_disabled():
        assert not ReportSettings.objects.exists()


def test_staff_may_not_change_report_settings(client, tenant, members):
    client.force_login(members[Role.STAFF])
    assert client.post(url("settings", tenant), {"edit_days_after": "10"}).status_code == 403
    with scopes_disabled():
        assert not ReportSettings.objects.exists()
