import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from coop.models import DownloadLog, Role
from placements.models import Placement
from reports.models import DailyReport, FinalReport, FinalReportFile, MonthlyReport, PresentationSlot

from ..clock import at, jst
from ..factories import member
from ..html import body_rows
from .factories import DailyReportFactory, FinalPresentationFactory, MonthlyReportFactory, running_placement

# Placements, reports and links count from today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


def url(name, tenant, **kwargs):
    return reverse(f"reports:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def placement(tenant, members):
    return running_placement(
        tenant, student=members[Role.STUDENT], faculty=members[Role.FACULTY], partner_user=members[Role.PARTNER]
    )


@pytest.fixture
def today():
    return timezone.localdate()


def test_today_goes_straight_to_todays_report_of_the_only_placement(client, tenant, members, placement, today):
    client.force_login(members[Role.STUDENT])
    response = client.get(url("today", tenant))
    assert response.status_code == 302
    assert response["Location"] == url("daily_edit", tenant, pk=placement.pk, day=today)


def test_today_is_the_tokyo_day_just_after_midnight(client, tenant, members, travel):
    travel(jst(2027, 4, 1, 0, 10))  # still 31 March in UTC
    placement = running_placement(tenant, student=members[Role.STUDENT])
    client.force_login(members[Role.STUDENT])
    response = client.get(url("today", tenant))
    assert response["Location"] == url("daily_edit", tenant, pk=placement.pk, day=datetime.date(2027, 4, 1))


def test_today_lets_a_student_with_two_placements_pick(client, tenant, members, placement, today):
    second = running_placement(tenant, student=members[Role.STUDENT])
    client.force_login(members[Role.STUDENT])
    response = client.get(url("today", tenant))
    assert response.status_code == 200
    for p in (placement, second):
        assert url("daily_edit", tenant, pk=p.pk, day=today) in response.text


def test_today_when_the_placement_has_not_started_links_to_its_calendar(client, tenant, members, today):
    later = running_placement(
        tenant,
        student=members[Role.STUDENT],
        starts_on=today + datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=100),
    )
    client.force_login(members[Role.STUDENT])
    response = client.get(url("today", tenant))
    assert response.status_code == 200 and url("placement", tenant, pk=later.pk) in response.text


def test_student_saves_a_draft_then_submits_in_one_tap(client, tenant, members, placement, today):
    client.force_login(members[Role.STUDENT])
    page = url("daily_edit", tenant, pk=placement.pk, day=today)
    form = {"hours": "7.5", "done": "検査データを整理した。", "learned": "", "problems": "", "next_steps": ""}
    assert client.post(page, {**form, "action": "save"}).status_code == 302
    with scopes_disabled():
        assert DailyReport.objects.get().state == DailyReport.State.DRAFT
    response = client.post(page, {**form, "action": "submit"}, follow=True)
    assert response.status_code == 200
    with scopes_disabled():
        report = DailyReport.objects.get()
    assert report.state == DailyReport.State.SUBMITTED
    assert "変更を保存" in response.text
    # A correction after submission: the page's history keeps the earlier text.
    response = client.post(page, {**form, "done": "訂正した内容", "action": "save"}, follow=True)
    assert "訂正した内容" in response.text
    assert '<p class="note">' in response.text and "検査データを整理した。" in response.text.split('class="history"')[1]


def test_htmx_autosave_answers_with_a_fragment(client, tenant, members, placement, today):
    client.force_login(members[Role.STUDENT])
    page = url("daily_edit", tenant, pk=placement.pk, day=today)
    response = client.post(page, {"done": "途中まで", "action": "save"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    with scopes_disabled():
        assert DailyReport.objects.get().done == "途中まで"


def test_others_read_but_do_not_write_a_daily_report(client, tenant, members, placement, today):
    DailyReportFactory(placement=placement, date=today, done="提出済みの内容")
    page = url("daily_edit", tenant, pk=placement.pk, day=today)
    for role in (Role.FACULTY, Role.PARTNER, Role.STAFF):
        client.force_login(members[role])
        response = client.get(page)
        assert "提出済みの内容" in response.text and 'name="done"' not in response.text
        assert client.post(page, {"done": "x", "action": "save"}).status_code == 403


def test_a_draft_is_not_shown_to_the_others(client, tenant, members, placement, today):
    DailyReportFactory(placement=placement, date=today, done="下書きの内容", state=DailyReport.State.DRAFT)
    client.force_login(members[Role.FACULTY])
    assert "下書きの内容" not in client.get(url("daily_edit", tenant, pk=placement.pk, day=today)).text


def test_locked_day_is_read_only_until_faculty_unlocks_it(client, tenant, members, placement, today):
    day = today - datetime.timedelta(days=10)
    page = url("daily_edit", tenant, pk=placement.pk, day=day)
    client.force_login(members[Role.STUDENT])
    assert 'name="done"' not in client.get(page).text
    client.post(page, {"hours": "8", "done": "遅れて書いた", "action": "submit"})
    with scopes_disabled():
        assert not DailyReport.objects.exists()
    client.force_login(members[Role.FACULTY])
    assert client.post(url("daily_unlock", tenant, pk=placement.pk, day=day), {"days": "2"}).status_code == 302
    client.force_login(members[Role.STUDENT])
    assert 'name="done"' in client.get(page).text
    client.post(page, {"hours": "8", "done": "遅れて書いた", "action": "submit"})
    with scopes_disabled():
        assert DailyReport.objects.get().state == DailyReport.State.SUBMITTED


def test_future_day_and_day_outside_the_placement_are_404(client, tenant, members, placement, today):
    client.force_login(members[Role.STUDENT])
    for day in (today + datetime.timedelta(days=1), placement.starts_on - datetime.timedelta(days=1)):
        assert client.get(url("daily_edit", tenant, pk=placement.pk, day=day)).status_code == 404


def test_calendar_shows_submitted_draft_and_missing_days(client, tenant, members, placement, today):
    DailyReportFactory(placement=placement, date=today)
    client.force_login(members[Role.FACULTY])
    response = client.get(url("placement", tenant, pk=placement.pk))
    assert response.status_code == 200
    assert "day-submitted" in response.text
    assert url("daily_edit", tenant, pk=placement.pk, day=today) in response.text


def test_monthly_report_from_submission_to_feedback_and_comment(client, tenant, members, placement, today):
    month = today.replace(day=1)
    DailyReportFactory(placement=placement, date=today, done="今日の作業内容")
    page = url("monthly_detail", tenant, pk=placement.pk, month=month)
    client.force_login(members[Role.STUDENT])
    response = client.get(page)
    assert "今日の作業内容" in response.text
    client.post(page, {"summary": "今月のまとめ", "reflection": "振り返り", "action": "submit"})
    client.force_login(members[Role.PARTNER])
    client.post(url("monthly_feedback", tenant, pk=placement.pk, month=month), {"text": "企業からの所見"})
    client.force_login(members[Role.FACULTY])
    client.post(url("monthly_comment", tenant, pk=placement.pk, month=month), {"text": "教員の所見"})
    client.force_login(members[Role.STUDENT])
    response = client.get(page)
    assert "企業からの所見" in response.text and "教員の所見" in response.text
    with scopes_disabled():
        assert MonthlyReport.objects.get().state == MonthlyReport.State.REVIEWED


def test_a_partner_person_who_is_not_the_supervisor_cannot_give_feedback(client, tenant, members, placement, today):
    month = today.replace(day=1)
    MonthlyReportFactory(placement=placement, month=month)
    from ..factories import partner_person

    colleague = partner_person(placement.partner)
    client.force_login(colleague)
    response = client.post(url("monthly_feedback", tenant, pk=placement.pk, month=month), {"text": "x"})
    assert response.status_code == 403


def test_final_report_file_is_downloaded_through_the_access_check(
    client, tenant, members, placement, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        report = FinalReport.objects.create(tenant=tenant, placement=placement, text="最終報告")
        file = FinalReportFile(tenant=tenant, report=report, name="slides.pdf")
        file.file.save("slides.pdf", ContentFile(b"%PDF-1.4 slides"), save=True)
    client.force_login(members[Role.PARTNER])
    response = client.get(url("final_file", tenant, pk=file.pk))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 slides"
    assert (response["Content-Security-Policy"], response["X-Content-Type-Options"]) == ("sandbox", "nosniff")
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(member(tenant, Role.STUDENT))  # another student
    assert client.get(url("final_file", tenant, pk=file.pk)).status_code == 404
    # Every file download is logged, this one too (it was not); the refused one is not.
    with scopes_disabled():
        logged = list(DownloadLog.objects.values_list("tenant_id", "user_id", "what", "filename"))
    assert logged == [(tenant.pk, members[Role.PARTNER].pk, f"final_report_file:{file.pk}", "slides.pdf")]


def test_student_submits_the_final_report_with_a_file(client, tenant, members, placement, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(members[Role.STUDENT])
    page = url("final_report", tenant, pk=placement.pk)
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report")
    assert client.post(page, {"text": "一年間の成果", "files": [upload], "action": "submit"}).status_code == 302
    with scopes_disabled():
        report = FinalReport.objects.get()
        assert (report.state, report.files.get().name) == (FinalReport.State.SUBMITTED, "report.pdf")


def test_staff_create_a_final_presentation(client, tenant, members, placement):
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("presentation_create", tenant),
        {"title": "二月の成果発表", "starts_at": "2027-02-20T13:00", "place": "大会議室", "placements": [placement.pk]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        slot = PresentationSlot.objects.get()
    assert slot.placement_id == placement.pk
    client.force_login(members[Role.STUDENT])
    assert "二月の成果発表" in client.get(url("presentation_list", tenant)).text
    client.force_login(member(tenant, Role.STUDENT))
    assert "二月の成果発表" not in client.get(url("presentation_list", tenant)).text
    assert client.get(url("presentation_detail", tenant, pk=slot.presentation_id)).status_code == 404


def test_admin_sets_the_cut_off(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    assert client.post(url("settings", tenant), {"edit_days_after": "5"}).status_code == 302
    from reports.selectors import report_settings_for

    with scope(tenant=tenant):
        assert report_settings_for(tenant).edit_days_after == 5


def test_dashboard_panels(client, tenant, members, placement, today):
    month = today.replace(day=1)
    MonthlyReportFactory(placement=placement, month=month)
    dashboard = reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    client.force_login(members[Role.STUDENT])
    assert url("daily_edit", tenant, pk=placement.pk, day=today) in client.get(dashboard).text
    detail = url("monthly_detail", tenant, pk=placement.pk, month=month)
    for role in (Role.PARTNER, Role.FACULTY):
        client.force_login(members[role])
        assert detail in client.get(dashboard).text


# --- Query counts of the lists ----------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_monthly_list_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    placements = [running_placement(tenant, faculty=members[Role.FACULTY]) for _ in range(rows)]
    for placement in placements:
        MonthlyReportFactory(placement=placement)
    client.force_login(members[Role.FACULTY])
    # session, user, tenant, membership, program and term choices, the count, the page of
    # monthly reports with placement, student and partner
    with django_assert_num_queries(8):
        response = client.get(url("monthly_list", tenant))
    assert response.text.count("badge state-submitted") == rows
    shown = body_rows(response.text)
    assert len(shown) == rows
    with scopes_disabled():
        for p in placements:  # month, then student and partner
            assert any(f" {p.student.full_name} {p.partner.name} " in row for row in shown)


@pytest.mark.parametrize("rows", [1, 3])
def test_presentation_list_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    presentations = [FinalPresentationFactory(tenant=tenant) for _ in range(rows)]
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, the count, the page of presentations
    with django_assert_num_queries(6):
        response = client.get(url("presentation_list", tenant))
    assert response.status_code == 200
    shown = body_rows(response.text)
    assert len(shown) == rows
    assert all(
        any(row.startswith(f"{p.title} ") and row.endswith(f" {p.place}") for row in shown) for p in presentations
    )


@pytest.mark.parametrize("rows", [1, 3])
def test_presentation_detail_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    from django.contrib.contenttypes.models import ContentType

    presentation = FinalPresentationFactory(tenant=tenant)
    expected = []
    with scopes_disabled():
        for n in range(rows):
            placement = running_placement(tenant)
            PresentationSlot.objects.create(tenant=tenant, presentation=presentation, placement=placement)
            expected.append(f"{n + 1} {placement.student.full_name} {placement.partner.name} {placement.theme.title}")
    # The history's content type is cached for the process: count as a warm server does, whatever ran before.
    ContentType.objects.get_for_model(presentation)
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, presentation, slots with placements, history
    with django_assert_num_queries(7):
        response = client.get(url("presentation_detail", tenant, pk=presentation.pk))
    assert response.status_code == 200
    assert body_rows(response.text) == expected  # in running order


@pytest.mark.parametrize("rows", [1, 3])
def test_calendar_and_monthly_pages_queries_do_not_grow(
    client, tenant, members, placement, today, django_assert_num_queries, rows
):
    start = max(today.replace(day=1), placement.starts_on)
    written = []
    for n in range(rows):
        day = start + datetime.timedelta(days=n)
        if day <= today:
            DailyReportFactory(placement=placement, date=day)
            written.append(day)
    client.force_login(members[Role.FACULTY])
    # session, user, tenant, membership, placement, daily reports, the days off (report settings,
    # closures), monthly reports, final report, presentations, evaluations, final result
    with django_assert_num_queries(13):
        response = client.get(url("placement", tenant, pk=placement.pk))
    assert response.status_code == 200
    calendar = " ".join(body_rows(response.text))  # the month's days, each with its report's state
    assert all(f" {day.day} ✓ 提出済み " in f" {calendar} " for day in written)
    assert calendar.count("✓ 提出済み") == len(written)
    month = today.replace(day=1)
    # session, user, tenant, membership, placement, monthly report, daily reports, the days off
    # (report settings, closures)
    with django_assert_num_queries(9):
        response = client.get(url("monthly_detail", tenant, pk=placement.pk, month=month))
    assert response.status_code == 200
    assert response.text.count("データの前処理をした。") == len(written)
    assert all(f"{day:%Y-%m-%d}" in response.text for day in written)


def test_overview_pages_fifty_placements_at_a_time(client, tenant, members, today):
    """Issue 15: the month at a glance held every running placement on one page (190 kB at the
    bench's 10,000); now 50 a page, in the order of the students' names, with page links."""
    for _ in range(51):
        running_placement(tenant)
    client.force_login(members[Role.STAFF])
    first = client.get(url("overview", tenant))
    assert len(body_rows(first.text)) == 50
    assert "1–50 / 51" in first.text or "1–50 of 51" in first.text
    second = client.get(url("overview", tenant), {"page": 2, "month": f"{today:%Y-%m}"})
    assert len(body_rows(second.text)) == 1
    with scopes_disabled():
        last = Placement.objects.filter(tenant=tenant).order_by("-student__full_name", "-id").first()
    assert str(last.student) in second.text
    partial = client.get(url("overview", tenant), {"page": 2}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and 'id="list-results"' in partial.text


def test_overview_is_kept_until_a_report_changes_it(client, tenant, members, today, django_assert_num_queries):
    """The month's page is kept between reads (reports.selectors.month_overview_page) while the
    tenant's placements and reports are unchanged; a monthly report written shows at once."""
    placement = running_placement(tenant)
    client.force_login(members[Role.STAFF])
    first = body_rows(client.get(url("overview", tenant)).text)
    assert first[0].endswith("未着手")
    # session, user, tenant, membership: nothing of the month read again
    with django_assert_num_queries(4):
        again = client.get(url("overview", tenant))
    assert body_rows(again.text) == first
    MonthlyReportFactory(placement=placement, month=today.replace(day=1), state=MonthlyReport.State.DRAFT)
    assert body_rows(client.get(url("overview", tenant)).text)[0].endswith(" 下書き")


@pytest.mark.parametrize("rows", [1, 3])
def test_overview_queries_do_not_grow(client, tenant, members, today, django_assert_num_queries, rows):
    placements = []
    for _ in range(rows):
        placement = running_placement(tenant, faculty=members[Role.FACULTY])
        DailyReportFactory(placement=placement, date=today)
        MonthlyReportFactory(placement=placement, month=today.replace(day=1), state=MonthlyReport.State.DRAFT)
        placements.append(placement)
    client.force_login(members[Role.FACULTY])
    # session, user, tenant, membership, the count of placements, the page's placements, their
    # submitted reports, their monthly reports, the days off (report settings, closures)
    with django_assert_num_queries(10):
        response = client.get(url("overview", tenant))
    assert response.text.count('class="meter"') == rows
    shown = body_rows(response.text)
    assert len(shown) == rows
    with scopes_disabled():
        for p in placements:  # student, partner, then the share of days reported and the monthly report's state
            assert any(
                row.startswith(f"{p.student.full_name} {p.partner.name} ") and row.endswith(" 下書き") for row in shown
            )


@pytest.mark.parametrize(
    "name",
    ["reports:compliance", "placements:partner_list", "placements:program_list", "rubrics:rubric_list"],
)
def test_tables_of_things_head_their_name_column_meisho_not_shimei(client, tenant, members, placement, name):
    # 氏名 is a person's name: above theme titles, companies, programs and rubrics it reads wrong.
    client.force_login(members[Role.STAFF])
    page = client.get(reverse(name, kwargs={"tenant_slug": tenant.slug})).content.decode()
    # a sortable column heads with a link (coop.lists)
    assert re.search(r'<th scope="col"( aria-sort="\w+")?>(<a [^>]+>)?名称(</a>)?</th>', page)
    assert "氏名" not in page


def test_a_presentation_links_only_the_placements_its_reader_can_open(client, tenant, members, placement):
    """Issue 11 item 8: a student sees the other presenters' names, not links that answer 404."""
    presentation = FinalPresentationFactory(tenant=tenant)
    with scopes_disabled():
        other = running_placement(tenant)
        for presenting in (placement, other):
            PresentationSlot.objects.create(tenant=tenant, presentation=presentation, placement=presenting)
    own_link = url("placement", tenant, pk=placement.pk)
    other_link = url("placement", tenant, pk=other.pk)
    client.force_login(placement.student)
    page = client.get(url("presentation_detail", tenant, pk=presentation.pk)).text
    assert own_link in page and other_link not in page
    assert other.student.full_name in page
    assert client.get(other_link).status_code == 404  # why it must not be linked
    client.force_login(members[Role.STAFF])
    page = client.get(url("presentation_detail", tenant, pk=presentation.pk)).text
    assert own_link in page and other_link in page
