"""Daily and monthly reports, every path through their pages: save a draft, submit, after the
cut-off, after an unlock (UnlockForm), the monthly report (MonthlyReportForm), the partner's
feedback (FeedbackForm), the faculty comment (CommentForm) and sending back (ReasonForm).

Dates are fixed: the placement runs from 2026-10-01, full time (Monday to Friday); the tenant
keeps the default cut-off of 3 days. 2026-11-26 is a Thursday."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import HistoryEntry, Role
from placements.models import Placement
from reports.models import DailyReport, MonthlyReport

from .factories import DailyReportFactory, MonthlyReportFactory, running_placement

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
# The day these paths were written for; tests that need another day travel from here.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime.datetime(2026, 11, 30, 10, tzinfo=JST), tick=False),
]
NOV = datetime.date(2026, 11, 1)
THU = datetime.date(2026, 11, 26)
FORM = {"hours": "7.5", "done": "検査データを整理した。", "learned": "", "problems": "", "next_steps": ""}


def at(day, hour=10):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=JST), tick=False)


def url(name, tenant, **kwargs):
    return reverse(f"reports:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


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


def daily(placement):
    with scopes_disabled():
        return list(DailyReport.objects.filter(placement=placement).order_by("date"))


def history(obj, prefix):
    with scopes_disabled():
        entries = HistoryEntry.objects.filter(object_id=obj.pk, action__startswith=prefix).order_by("pk")
        return list(entries.values_list("action", flat=True))


# --- DailyReportForm ----------------------------------------------------------------------------


def test_save_a_draft_then_submit(client, tenant, members, placement):
    client.force_login(members[Role.STUDENT])
    page = url("daily_edit", tenant, pk=placement.pk, day=THU)
    with at(THU):
        response = client.post(page, {**FORM, "hours": "", "done": "", "action": "save"})
        assert response.status_code == 302 and flashed(response) == ["保存しました。"]
        (report,) = daily(placement)
        assert (report.state, report.hours, report.done) == (DailyReport.State.DRAFT, None, "")
        response = client.post(page, {**FORM, "action": "submit"})
    assert flashed(response)[-1] == "2026-11-26の日報を提出しました。"
    report.refresh_from_db()
    assert (report.state, report.hours, report.done) == (DailyReport.State.SUBMITTED, Decimal("7.5"), FORM["done"])
    assert report.submitted_at is not None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"hours": "", "done": ""}, "提出前に記入してください：就業時間, 実施内容。"),
        ({"hours": "8", "done": "   "}, "提出前に記入してください：実施内容。"),
        ({"hours": "", "done": "作業"}, "提出前に記入してください：就業時間。"),
    ],
)
def test_submitting_without_hours_or_what_was_done_is_refused(client, tenant, members, placement, data, error):
    client.force_login(members[Role.STUDENT])
    with at(THU):
        response = client.post(
            url("daily_edit", tenant, pk=placement.pk, day=THU), {**FORM, **data, "action": "submit"}
        )
    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": [error]}
    assert daily(placement) == []


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        ("24.25", "この値は 24 以下でなければなりません。"),
        ("-1", "この値は 0 以上でなければなりません。"),
        ("7.125", "この値は小数点以下が合計 2 桁以内でなければなりません。"),
        ("八時間", "数値を入力してください。"),
    ],
)
def test_impossible_hours_are_refused(client, tenant, members, placement, hours, error):
    client.force_login(members[Role.STUDENT])
    with at(THU):
        response = client.post(
            url("daily_edit", tenant, pk=placement.pk, day=THU), {**FORM, "hours": hours, "action": "save"}
        )
    assert response.context["form"].errors == {"hours": [error]}
    assert daily(placement) == []


@pytest.mark.parametrize("hours", ["0", "24", "0.25"])
def test_hours_at_the_limits_are_saved(client, tenant, members, placement, hours):
    client.force_login(members[Role.STUDENT])
    with at(THU):
        client.post(url("daily_edit", tenant, pk=placement.pk, day=THU), {**FORM, "hours": hours, "action": "submit"})
    (report,) = daily(placement)
    assert (report.hours, report.state) == (Decimal(hours), DailyReport.State.SUBMITTED)


def test_a_future_day_or_a_day_outside_the_placement_is_not_found(client, tenant, members, placement):
    client.force_login(members[Role.STUDENT])
    with at(THU):
        for day in (THU + datetime.timedelta(days=1), datetime.date(2026, 9, 30)):
            response = client.post(url("daily_edit", tenant, pk=placement.pk, day=day), {**FORM, "action": "save"})
            assert response.status_code == 404
    assert daily(placement) == []


@pytest.mark.parametrize("role", [Role.FACULTY, Role.STAFF, Role.ADMIN])
def test_only_the_student_writes_the_report(client, tenant, members, placement, role):
    client.force_login(members[role])
    with at(THU):
        response = client.post(url("daily_edit", tenant, pk=placement.pk, day=THU), {**FORM, "action": "submit"})
    assert response.status_code == 403
    assert daily(placement) == []


def test_a_correction_after_submission_is_kept_in_the_history(client, tenant, members, placement):
    with scopes_disabled():
        report = DailyReportFactory(placement=placement, date=THU, hours=Decimal(8), done="初めの内容")
    client.force_login(members[Role.STUDENT])
    with at(THU + datetime.timedelta(days=3)):  # the last day before the cut-off
        response = client.post(
            url("daily_edit", tenant, pk=placement.pk, day=THU), {**FORM, "hours": "6", "action": "save"}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.hours, report.done, report.state) == (Decimal(6), FORM["done"], DailyReport.State.SUBMITTED)
    assert history(report, "daily_report.") == ["daily_report.revised"]


@pytest.mark.parametrize("action", ["save", "submit"])
def test_after_the_cut_off_the_report_is_locked(client, tenant, members, placement, action):
    with scopes_disabled():
        report = DailyReportFactory(placement=placement, date=THU, state=DailyReport.State.DRAFT, done="下書き")
    client.force_login(members[Role.STUDENT])
    with at(THU + datetime.timedelta(days=4)):
        response = client.post(url("daily_edit", tenant, pk=placement.pk, day=THU), {**FORM, "action": action})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["この日報はロックされています。指導教員にロックの解除を依頼してください。"]
    }
    report.refresh_from_db()
    assert (report.state, report.done) == (DailyReport.State.DRAFT, "下書き")


@pytest.mark.parametrize("role", [Role.FACULTY, Role.STAFF, Role.ADMIN])
def test_after_an_unlock_the_student_writes_until_the_unlock_date(client, tenant, members, placement, role):
    monday = datetime.date(2026, 11, 30)
    client.force_login(members[role])
    with at(monday):
        response = client.post(url("daily_unlock", tenant, pk=placement.pk, day=THU), {"days": "3"})
    assert flashed(response) == ["日報のロックを解除しました。"]
    (report,) = daily(placement)
    assert (report.unlocked_until, report.state) == (datetime.date(2026, 12, 3), DailyReport.State.DRAFT)

    client.force_login(members[Role.STUDENT])
    page = url("daily_edit", tenant, pk=placement.pk, day=THU)
    with at(datetime.date(2026, 12, 3)):
        assert client.post(page, {**FORM, "action": "submit"}).status_code == 302
    report.refresh_from_db()
    assert report.state == DailyReport.State.SUBMITTED
    with at(datetime.date(2026, 12, 4)):
        response = client.post(page, {**FORM, "done": "遅すぎる訂正", "action": "save"})
    assert response.context["form"].errors == {
        "__all__": ["この日報はロックされています。指導教員にロックの解除を依頼してください。"]
    }
    report.refresh_from_db()
    assert report.done == FORM["done"]


def test_the_page_shows_the_unlock_date_as_the_deadline(client, tenant, members, placement):
    """Issue 11 (8): unlocked until 12-03, the page said the report could be changed "until 11-29"."""
    with scopes_disabled():
        DailyReportFactory(placement=placement, date=THU)
    client.force_login(members[Role.FACULTY])
    with at(datetime.date(2026, 12, 1)):
        client.post(url("daily_unlock", tenant, pk=placement.pk, day=THU), {"days": "2"})
    client.force_login(members[Role.STUDENT])
    with at(datetime.date(2026, 12, 1)):
        response = client.get(url("daily_edit", tenant, pk=placement.pk, day=THU))
    assert response.context["deadline"] == datetime.date(2026, 12, 3)
    assert "提出済みです。2026-12-03までは修正できます。" in response.text
    assert "2026-11-29" not in response.text


def test_before_the_cut_off_the_page_shows_the_cut_off(client, tenant, members, placement):
    with scopes_disabled():
        DailyReportFactory(placement=placement, date=THU)
    client.force_login(members[Role.STUDENT])
    with at(THU):
        response = client.get(url("daily_edit", tenant, pk=placement.pk, day=THU))
    assert "提出済みです。2026-11-29までは修正できます。" in response.text


@pytest.mark.parametrize("days", ["0", "31", "", "x"])
def test_unlock_days_out_of_range_are_refused(client, tenant, members, placement, days):
    client.force_login(members[Role.FACULTY])
    with at(datetime.date(2026, 12, 1)):
        response = client.post(url("daily_unlock", tenant, pk=placement.pk, day=THU), {"days": days})
    assert flashed(response) == ["1〜30日の間でロックを解除します。"]
    assert daily(placement) == []


@pytest.mark.parametrize("days", ["1", "30"])
def test_unlock_days_at_the_limits(client, tenant, members, placement, days):
    client.force_login(members[Role.STAFF])
    with at(datetime.date(2026, 12, 1)):
        client.post(url("daily_unlock", tenant, pk=placement.pk, day=THU), {"days": days})
    (report,) = daily(placement)
    assert report.unlocked_until == datetime.date(2026, 12, 1) + datetime.timedelta(days=int(days))


@pytest.mark.parametrize("role", [Role.STUDENT, Role.PARTNER])
def test_students_and_partners_cannot_unlock(client, tenant, members, placement, role):
    client.force_login(members[role])
    with at(datetime.date(2026, 12, 1)):
        response = client.post(url("daily_unlock", tenant, pk=placement.pk, day=THU), {"days": "3"})
    assert response.status_code == 403
    assert daily(placement) == []


# --- MonthlyReportForm --------------------------------------------------------------------------


def test_monthly_report_save_then_submit_keeps_the_roll_up(client, tenant, members, placement):
    with scopes_disabled():
        DailyReportFactory(placement=placement, date=datetime.date(2026, 11, 25), hours=Decimal(7))
        DailyReportFactory(placement=placement, date=THU, hours=Decimal(7))
    client.force_login(members[Role.STUDENT])
    page = url("monthly_detail", tenant, pk=placement.pk, month="2026-11")
    with at(datetime.date(2026, 12, 1)):
        response = client.post(page, {"summary": "", "reflection": "振り返り", "action": "save"})
        assert flashed(response) == ["保存しました。"]
        with scopes_disabled():
            report = MonthlyReport.objects.get(placement=placement)
        assert (report.state, report.reflection) == (MonthlyReport.State.DRAFT, "振り返り")
        response = client.post(page, {"summary": "まとめ", "reflection": "振り返り", "action": "submit"})
    assert flashed(response)[-1] == "月報を提出しました。"
    report.refresh_from_db()
    assert (report.state, report.summary, report.days_reported, report.hours_total) == (
        MonthlyReport.State.SUBMITTED,
        "まとめ",
        2,
        Decimal(14),
    )
    # 2026-11 has 21 weekdays, 19 of them expected (the 3rd and the 23rd are holidays); 2 reported.
    assert report.days_missed == 17


def test_monthly_report_without_a_summary_cannot_be_submitted(client, tenant, members, placement):
    client.force_login(members[Role.STUDENT])
    with at(datetime.date(2026, 12, 1)):
        response = client.post(
            url("monthly_detail", tenant, pk=placement.pk, month="2026-11"),
            {"summary": "  ", "reflection": "", "action": "submit"},
        )
    assert response.context["form"].errors == {"__all__": ["提出前に月のまとめを書いてください。"]}
    with scopes_disabled():
        assert not MonthlyReport.objects.exists()


def test_a_submitted_monthly_report_is_not_changed_by_the_student(client, tenant, members, placement):
    with scopes_disabled():
        report = MonthlyReportFactory(placement=placement, month=NOV, summary="提出した内容")
    client.force_login(members[Role.STUDENT])
    with at(datetime.date(2026, 12, 1)):
        response = client.post(
            url("monthly_detail", tenant, pk=placement.pk, month="2026-11"),
            {"summary": "書き換え", "reflection": "", "action": "save"},
        )
    assert response.context["form"].errors == {"__all__": ["この月報はすでに提出されています。"]}
    report.refresh_from_db()
    assert report.summary == "提出した内容"


def test_next_month_has_no_monthly_report_yet(client, tenant, members, placement):
    client.force_login(members[Role.STUDENT])
    with at(datetime.date(2026, 12, 1)):
        response = client.post(
            url("monthly_detail", tenant, pk=placement.pk, month="2027-01"),
            {"summary": "まとめ", "reflection": "", "action": "submit"},
        )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.FACULTY, Role.PARTNER, Role.STAFF])
def test_only_the_student_writes_the_monthly_report(client, tenant, members, placement, role):
    client.force_login(members[role])
    with at(datetime.date(2026, 12, 1)):
        response = client.post(
            url("monthly_detail", tenant, pk=placement.pk, month="2026-11"), {"summary": "x", "action": "submit"}
        )
    assert response.status_code == 403


# --- FeedbackForm, CommentForm, ReasonForm ---------------------------------------------------------


@pytest.fixture
def submitted_month(placement):
    with scopes_disabled():
        return MonthlyReportFactory(placement=placement, month=NOV)


def test_feedback_then_comment_make_the_month_reviewed(client, tenant, members, placement, submitted_month):
    with at(datetime.date(2026, 12, 2)):
        client.force_login(members[Role.PARTNER])
        response = client.post(url("monthly_feedback", tenant, pk=placement.pk, month="2026-11"), {"text": "良い"})
        assert flashed(response) == ["フィードバックを保存し、学生に知らせました。"]
        submitted_month.refresh_from_db()
        assert (submitted_month.partner_feedback, submitted_month.state) == ("良い", MonthlyReport.State.SUBMITTED)
        client.force_login(members[Role.FACULTY])
        response = client.post(url("monthly_comment", tenant, pk=placement.pk, month="2026-11"), {"text": "了解"})
    assert flashed(response)[-1] == "コメントを保存し、学生に知らせました。"
    submitted_month.refresh_from_db()
    assert (submitted_month.faculty_comment, submitted_month.state) == ("了解", MonthlyReport.State.REVIEWED)


@pytest.mark.parametrize(
    ("name", "role", "field", "message"),
    [
        ("monthly_feedback", Role.PARTNER, "text", "フィードバックを書いてください。"),
        ("monthly_comment", Role.FACULTY, "text", "コメントを書いてください。"),
        ("monthly_return", Role.FACULTY, "reason", "理由を入力してください。"),
        ("monthly_return", Role.STAFF, "reason", "理由を入力してください。"),
    ],
)
@pytest.mark.parametrize("value", ["", "   "])
def test_empty_feedback_comment_or_reason_is_refused(
    client, tenant, members, placement, submitted_month, name, role, field, message, value
):
    client.force_login(members[role])
    with at(datetime.date(2026, 12, 2)):
        response = client.post(url(name, tenant, pk=placement.pk, month="2026-11"), {field: value})
    assert flashed(response) == [message]
    submitted_month.refresh_from_db()
    assert (submitted_month.state, submitted_month.partner_feedback, submitted_month.faculty_comment) == (
        MonthlyReport.State.SUBMITTED,
        "",
        "",
    )


@pytest.mark.parametrize("role", [Role.FACULTY, Role.STAFF, Role.ADMIN])
def test_sending_back_returns_the_month_to_the_student(client, tenant, members, placement, submitted_month, role):
    client.force_login(members[role])
    with at(datetime.date(2026, 12, 2)):
        response = client.post(url("monthly_return", tenant, pk=placement.pk, month="2026-11"), {"reason": "不足"})
    assert flashed(response) == ["月報を学生に差し戻しました。"]
    submitted_month.refresh_from_db()
    assert submitted_month.state == MonthlyReport.State.DRAFT


def test_a_draft_month_gets_no_feedback_nor_comment(client, tenant, members, placement):
    with scopes_disabled():
        draft = MonthlyReportFactory(placement=placement, month=NOV, state=MonthlyReport.State.DRAFT)
    with at(datetime.date(2026, 12, 2)):
        client.force_login(members[Role.PARTNER])
        response = client.post(url("monthly_feedback", tenant, pk=placement.pk, month="2026-11"), {"text": "良い"})
        assert flashed(response) == ["学生はまだこの月報を提出していません。"]
        client.force_login(members[Role.FACULTY])
        response = client.post(url("monthly_comment", tenant, pk=placement.pk, month="2026-11"), {"text": "了解"})
        assert flashed(response)[-1] == "学生はまだこの月報を提出していません。"
    draft.refresh_from_db()
    assert (draft.partner_feedback, draft.faculty_comment) == ("", "")


def test_a_partner_who_does_not_supervise_the_placement_cannot_give_feedback(
    client, tenant, members, placement, submitted_month
):
    from ..factories import member

    stranger = member(tenant, Role.PARTNER)
    client.force_login(stranger)
    with at(datetime.date(2026, 12, 2)):
        response = client.post(url("monthly_feedback", tenant, pk=placement.pk, month="2026-11"), {"text": "x"})
    assert response.status_code in (403, 404)
    submitted_month.refresh_from_db()
    assert submitted_month.partner_feedback == ""


# --- Issue 11 (4): a confirmed month does not change silently ------------------------------------


def test_a_late_daily_report_does_not_silently_change_a_confirmed_month(client, tenant, members, placement):
    """The month was confirmed at 2 days / 14 h (partner feedback and faculty comment). A daily
    report written after an unlock must not change those numbers unseen: the page keeps the
    confirmed numbers, marks that the daily reports now add up to more, and the monthly report's
    history says which day changed it."""
    with scopes_disabled():
        DailyReportFactory(placement=placement, date=datetime.date(2026, 11, 25), hours=Decimal(7))
        DailyReportFactory(placement=placement, date=THU, hours=Decimal(7))
    page = url("monthly_detail", tenant, pk=placement.pk, month="2026-11")
    with at(datetime.date(2026, 12, 1)):
        client.force_login(members[Role.STUDENT])
        client.post(page, {"summary": "まとめ", "reflection": "", "action": "submit"})
        client.force_login(members[Role.PARTNER])
        client.post(url("monthly_feedback", tenant, pk=placement.pk, month="2026-11"), {"text": "良い"})
        client.force_login(members[Role.FACULTY])
        client.post(url("monthly_comment", tenant, pk=placement.pk, month="2026-11"), {"text": "確認"})
        client.post(url("daily_unlock", tenant, pk=placement.pk, day=datetime.date(2026, 11, 27)), {"days": "2"})
    with scopes_disabled():
        report = MonthlyReport.objects.get(placement=placement)
    assert (report.state, report.days_reported, report.hours_total) == (MonthlyReport.State.REVIEWED, 2, 14)

    with at(datetime.date(2026, 12, 2)):
        client.force_login(members[Role.STUDENT])
        late = url("daily_edit", tenant, pk=placement.pk, day=datetime.date(2026, 11, 27))
        assert client.post(late, {**FORM, "hours": "8", "action": "submit"}).status_code == 302
        client.force_login(members[Role.FACULTY])
        response = client.get(page)

    report.refresh_from_db()
    assert (report.state, report.days_reported, report.hours_total) == (MonthlyReport.State.REVIEWED, 2, 14)
    figures = response.context["figures"]
    assert (figures.days_reported, figures.hours_total) == (2, 14)
    text = response.text
    assert "この月報の提出後に日報が変わりました。日報の合計は現在 3日・22時間です。" in text
    with scopes_disabled():
        entry = HistoryEntry.objects.get(object_id=report.pk, action="monthly_report.daily_changed")
    assert entry.note == (
        "この月報の提出後に2026-11-27の日報が変わりました。日報の合計は現在 3日・22時間です（提出時: 2日・14時間）。"
    )


def test_a_draft_month_shows_the_live_roll_up(client, tenant, members, placement):
    with scopes_disabled():
        DailyReportFactory(placement=placement, date=THU, hours=Decimal(7))
    client.force_login(members[Role.STUDENT])
    with at(datetime.date(2026, 11, 27)):
        response = client.get(url("monthly_detail", tenant, pk=placement.pk, month="2026-11"))
    figures = response.context["figures"]
    assert (figures.days_reported, figures.hours_total) == (1, 7)
    assert "この月報の提出後に日報が変わりました" not in response.text


def test_a_finished_placement_keeps_its_reports_open_for_the_last_days(client, tenant, members):
    """A completed placement still takes the reports of its last days (REPORTING_STATES)."""
    placement = running_placement(
        tenant,
        student=members[Role.STUDENT],
        starts_on=datetime.date(2026, 10, 1),
        ends_on=THU,
        state=Placement.State.COMPLETED,
    )
    client.force_login(members[Role.STUDENT])
    with at(datetime.date(2026, 11, 27)):
        response = client.post(url("daily_edit", tenant, pk=placement.pk, day=THU), {**FORM, "action": "submit"})
    assert response.status_code == 302
    (report,) = daily(placement)
    assert report.state == DailyReport.State.SUBMITTED


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"hours": "", "done": ""}, "提出済みの日報には次の記入が必要です：就業時間, 実施内容。"),
        ({"hours": "8", "done": " "}, "提出済みの日報には次の記入が必要です：実施内容。"),
    ],
)
def test_a_submitted_report_cannot_be_emptied(client, tenant, members, placement, data, error):
    """Before the fix, saving a submitted report with no hours and nothing done kept it
    "submitted" with 0 hours: a day counted as reported with nothing in it."""
    with scopes_disabled():
        report = DailyReportFactory(placement=placement, date=THU, hours=Decimal(8), done="初めの内容")
    client.force_login(members[Role.STUDENT])
    with at(THU):
        response = client.post(url("daily_edit", tenant, pk=placement.pk, day=THU), {**FORM, **data, "action": "save"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": [error]}
    report.refresh_from_db()
    assert (report.hours, report.done, report.state) == (Decimal(8), "初めの内容", DailyReport.State.SUBMITTED)


def test_autosave_of_a_draft_answers_with_a_fragment(client, tenant, members, placement):
    client.force_login(members[Role.STUDENT])
    with at(THU, hour=9):
        response = client.post(
            url("daily_edit", tenant, pk=placement.pk, day=THU),
            {**FORM, "hours": "", "action": "save"},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    assert response.text.strip() == "09:00に下書きを保存しました。"
    (report,) = daily(placement)
    assert (report.state, report.done) == (DailyReport.State.DRAFT, FORM["done"])


@pytest.mark.parametrize(
    ("hours", "shown"),
    [
        ("25", "就業時間: この値は 24 以下でなければなりません。"),
        ("x", "就業時間: 数値を入力してください。"),
    ],
)
def test_autosave_says_which_field_is_wrong(client, tenant, members, placement, hours, shown):
    """Before the fix the fragment said only "check the fields", and the fields it names are not
    on the fragment: the student could not see what was wrong."""
    client.force_login(members[Role.STUDENT])
    with at(THU):
        response = client.post(
            url("daily_edit", tenant, pk=placement.pk, day=THU),
            {**FORM, "hours": hours, "action": "save"},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    assert "まだ保存していません。入力内容を確認してください。" in response.text
    assert shown in response.text
    assert daily(placement) == []
