"""Services and roll-up of the reports app, against hand-computed calendars.

September 2026 starts on a Tuesday: its Wednesdays are the 2nd, 9th, 16th, 23rd and 30th;
the 19th is a Saturday. Monday 21 to Wednesday 23 are national holidays (敬老の日, 国民の休日,
秋分の日): no report is expected on them. December 2026 starts on a Tuesday.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coop.models import Role
from coop.workflow import history_for
from placements.models import Placement
from reports import selectors, services
from reports.models import DailyReport, FinalReport, MonthlyReport, ReportSettings

from ..clock import at
from ..factories import member, partner_person
from .factories import DailyReportFactory, running_placement

# Placements, reports and links count from today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

D = datetime.date
SEPTEMBER = D(2026, 9, 1)


@pytest.fixture
def people(in_tenant, members):
    return members


@pytest.fixture
def dual(in_tenant, people):
    """A dual-system placement: Wednesdays only, September 2026 to February 2027."""
    return running_placement(
        in_tenant,
        student=people[Role.STUDENT],
        faculty=people[Role.FACULTY],
        partner_user=people[Role.PARTNER],
        starts_on=D(2026, 9, 1),
        ends_on=D(2027, 2, 28),
        schedule=Placement.Schedule.WEEKLY_DAYS,
        weekdays="2",
    )


@pytest.fixture
def full_time(in_tenant, people):
    """Full time (Monday to Friday) from Monday 14 September to Friday 18 December 2026."""
    return running_placement(
        in_tenant,
        student=people[Role.STUDENT],
        faculty=people[Role.FACULTY],
        partner_user=people[Role.PARTNER],
        starts_on=D(2026, 9, 14),
        ends_on=D(2026, 12, 18),
    )


def write(placement, day, *, submit=True, hours="8", today=None, **values):
    return services.daily_report_save(
        placement=placement,
        day=day,
        by=placement.student,
        submit=submit,
        today=today or day,
        hours=Decimal(hours),
        done=values.pop("done", "作業した。"),
        **values,
    )


# --- Working days and the monthly roll-up ------------------------------------------------------


def test_wednesday_only_placement_has_wednesdays_as_working_days(dual):
    days = selectors.working_days(dual, SEPTEMBER, D(2026, 9, 30))
    assert days == [D(2026, 9, 2), D(2026, 9, 9), D(2026, 9, 16), D(2026, 9, 30)]  # the 23rd: 秋分の日


def test_full_time_placement_counts_weekdays_inside_its_period_only(full_time):
    assert len(selectors.working_days(full_time, SEPTEMBER, D(2026, 9, 30))) == 10  # 14-18, 24-25, 28-30
    assert len(selectors.working_days(full_time, D(2026, 12, 1), D(2026, 12, 31))) == 14  # 1-4, 7-11, 14-18
    assert selectors.working_days(full_time, D(2026, 8, 1), D(2026, 8, 31)) == []


def test_no_report_is_due_for_a_planned_or_terminated_placement(full_time):
    for state in (Placement.State.PLANNED, Placement.State.TERMINATED):
        full_time.state = state
        assert selectors.working_days(full_time, SEPTEMBER, D(2026, 9, 30)) == []


def test_rollup_of_a_wednesday_only_month_so_far(dual):
    write(dual, D(2026, 9, 2), hours="6")
    write(dual, D(2026, 9, 9), hours="5.5")
    write(dual, D(2026, 9, 16), submit=False, hours="4")  # a draft does not count
    write(dual, D(2026, 9, 19), hours="3")  # an extra Saturday counts as a reported day
    rollup = selectors.month_rollup(dual, SEPTEMBER, today=D(2026, 9, 25))
    assert rollup.due_days == [D(2026, 9, 2), D(2026, 9, 9), D(2026, 9, 16)]  # not the 23rd, a holiday
    assert rollup.days_reported == 3
    assert rollup.hours_total == Decimal("14.5")
    assert rollup.missed == [D(2026, 9, 16)]
    assert rollup.days_missed == 1
    assert rollup.drafts == 1
    # After the month: the 30th is missed too.
    assert selectors.month_rollup(dual, SEPTEMBER, today=D(2026, 10, 5)).days_missed == 2


def test_rollup_of_a_full_time_month_that_starts_mid_month(full_time):
    for day in (D(2026, 9, 14), D(2026, 9, 15), D(2026, 9, 16), D(2026, 9, 17), D(2026, 9, 18)):
        write(full_time, day, hours="7.5")
    rollup = selectors.month_rollup(full_time, SEPTEMBER, today=D(2026, 10, 1))
    assert (rollup.days_reported, rollup.days_missed, rollup.hours_total) == (5, 5, Decimal("37.5"))
    assert rollup.missed[0] == D(2026, 9, 24)  # 21-23 are holidays


def test_calendar_marks_each_day(dual):
    write(dual, D(2026, 9, 2))
    write(dual, D(2026, 9, 9), submit=False)
    rollup = selectors.month_rollup(dual, SEPTEMBER, today=D(2026, 9, 20))
    weeks = selectors.month_calendar(dual, SEPTEMBER, rollup.reports, today=D(2026, 9, 20))
    status = {cell.date.day: cell.status for week in weeks for cell in week if cell}
    assert weeks[0][0] is None  # Monday 31 August belongs to August
    assert (status[2], status[9], status[16], status[17], status[23]) == (
        "submitted",
        "draft",
        "missing",
        "off",
        "none",
    )


# --- Daily reports: writing, cut-off, unlock, history -------------------------------------------


def test_submit_needs_hours_and_what_was_done(dual):
    with pytest.raises(ValidationError) as refused:
        services.daily_report_save(placement=dual, day=D(2026, 9, 2), by=dual.student, submit=True, today=D(2026, 9, 2))
    assert refused.value.messages == ["提出前に記入してください：就業時間, 実施内容。"]
    report = write(dual, D(2026, 9, 2))
    assert report.state == DailyReport.State.SUBMITTED and report.submitted_at is not None
    assert [e.to_state for e in history_for(report)] == ["submitted"]


def test_only_the_placements_student_writes_and_only_for_days_of_the_placement(dual, people, in_tenant):
    with pytest.raises(ValidationError) as refused:
        services.daily_report_save(
            placement=dual, day=D(2026, 9, 2), by=member(in_tenant, Role.STUDENT), today=D(2026, 9, 2), done="x"
        )
    assert refused.value.messages == ["この就業の報告を書けるのは、その学生だけです。"]
    with pytest.raises(ValidationError) as refused:  # the future
        services.daily_report_save(placement=dual, day=D(2026, 9, 9), by=dual.student, today=D(2026, 9, 2), done="x")
    assert refused.value.messages == ["この日に書く日報はありません。"]
    with pytest.raises(ValidationError) as refused:  # before the placement
        services.daily_report_save(placement=dual, day=D(2026, 8, 26), by=dual.student, today=D(2026, 9, 2), done="x")
    assert refused.value.messages == ["この日に書く日報はありません。"]


def test_cut_off_locks_a_report_after_the_tenants_number_of_days(dual, in_tenant):
    day = D(2026, 9, 2)
    write(dual, day, submit=False, today=day + datetime.timedelta(days=3))  # default 3 days: still open
    with pytest.raises(ValidationError) as refused:
        write(dual, day, today=day + datetime.timedelta(days=4))
    assert refused.value.messages == ["この日報はロックされています。指導教員にロックの解除を依頼してください。"]
    ReportSettings.objects.create(tenant=in_tenant, edit_days_after=0)
    with pytest.raises(ValidationError) as refused:
        write(dual, D(2026, 9, 9), today=D(2026, 9, 10))
    assert refused.value.messages == ["この日報はロックされています。指導教員にロックの解除を依頼してください。"]
    write(dual, D(2026, 9, 9), today=D(2026, 9, 9))


def test_faculty_unlocks_a_locked_day_for_n_days(dual, people, mailoutbox, django_capture_on_commit_callbacks):
    day = D(2026, 9, 2)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.daily_report_unlock(
            placement=dual, day=day, days=2, by=people[Role.FACULTY], today=D(2026, 9, 20)
        )
    assert report.unlocked_until == D(2026, 9, 22) and report.state == DailyReport.State.DRAFT
    assert [m.to for m in mailoutbox] == [[dual.student.email]]
    write(dual, day, today=D(2026, 9, 22))
    with pytest.raises(ValidationError) as refused:
        write(dual, day, done="もう一度", today=D(2026, 9, 23))
    assert refused.value.messages == ["この日報はロックされています。指導教員にロックの解除を依頼してください。"]
    with pytest.raises(ValidationError) as refused:
        services.daily_report_unlock(placement=dual, day=day, days=0, by=people[Role.FACULTY], today=D(2026, 9, 20))
    assert refused.value.messages == ["1〜30日の間でロックを解除します。"]


def test_a_change_after_submission_keeps_the_old_text_in_the_history(dual):
    day = D(2026, 9, 2)
    write(dual, day, done="最初の内容", hours="6")
    report = write(dual, day, done="書き直した内容", hours="6", today=day + datetime.timedelta(days=1))
    assert report.state == DailyReport.State.SUBMITTED and report.done == "書き直した内容"
    revised = history_for(report).filter(action="daily_report.revised").get()
    assert "最初の内容" in revised.note and len(revised.note.splitlines()) == 2  # only what changed
    write(dual, day, done="書き直した内容", hours="6", today=day)  # no change, no entry
    assert history_for(report).filter(action="daily_report.revised").count() == 1


# --- Monthly reports --------------------------------------------------------------------------


def test_submitting_a_monthly_report_keeps_the_rollup_and_tells_the_supervisors(
    dual, people, mailoutbox, django_capture_on_commit_callbacks
):
    write(dual, D(2026, 9, 2), hours="6")
    write(dual, D(2026, 9, 9), hours="6")
    with pytest.raises(ValidationError) as refused:  # a summary is needed
        services.monthly_report_save(
            placement=dual, month=SEPTEMBER, by=dual.student, submit=True, today=D(2026, 10, 1)
        )
    assert refused.value.messages == ["提出前に月のまとめを書いてください。"]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.monthly_report_save(
            placement=dual,
            month=SEPTEMBER,
            by=dual.student,
            submit=True,
            today=D(2026, 10, 1),
            summary="今月のまとめ",
            reflection="振り返り",
        )
    assert (report.state, report.days_reported, report.days_missed, report.hours_total) == (
        MonthlyReport.State.SUBMITTED,
        2,
        2,  # the 16th and the 30th; the 23rd is a holiday
        Decimal("12"),
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people[Role.FACULTY].email, people[Role.PARTNER].email])
    with pytest.raises(ValidationError) as refused:
        services.monthly_report_save(
            placement=dual, month=SEPTEMBER, by=dual.student, summary="変更", today=D(2026, 10, 1)
        )
    assert refused.value.messages == ["この月報はすでに提出されています。"]


def test_monthly_report_for_a_month_not_begun_is_refused(dual):
    with pytest.raises(ValidationError) as refused:
        services.monthly_report_save(
            placement=dual, month=D(2026, 10, 1), by=dual.student, summary="x", today=D(2026, 9, 30)
        )
    assert refused.value.messages == ["この月に書く月報はありません。"]
    with pytest.raises(ValidationError) as refused:
        services.monthly_report_save(
            placement=dual, month=D(2026, 8, 1), by=dual.student, summary="x", today=D(2026, 9, 30)
        )
    assert refused.value.messages == ["この月に書く月報はありません。"]


def _submitted(placement):
    return services.monthly_report_save(
        placement=placement, month=SEPTEMBER, by=placement.student, submit=True, today=D(2026, 10, 1), summary="まとめ"
    )


def test_feedback_and_comment_make_the_report_reviewed_and_tell_the_student(
    dual, people, mailoutbox, django_capture_on_commit_callbacks
):
    report = _submitted(dual)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.monthly_report_feedback(report=report, by=people[Role.PARTNER], text="丁寧な仕事でした。")
    assert report.state == MonthlyReport.State.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        report = services.monthly_report_comment(report=report, by=people[Role.FACULTY], text="順調です。")
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.REVIEWED
    assert (report.partner_feedback_by, report.faculty_comment_by) == (people[Role.PARTNER], people[Role.FACULTY])
    actions = [e.action for e in history_for(report)]
    assert {"monthly_report.feedback", "monthly_report.comment", "monthly_report.reviewed"} <= set(actions)
    assert [m.to for m in mailoutbox[-2:]] == [[dual.student.email], [dual.student.email]]


def test_only_a_partner_supervisor_of_the_placement_gives_feedback(dual, in_tenant):
    report = _submitted(dual)
    same_partner_not_supervisor = partner_person(dual.partner)
    with pytest.raises(ValidationError) as refused:
        services.monthly_report_feedback(report=report, by=same_partner_not_supervisor, text="x")
    assert refused.value.messages == ["フィードバックを書けるのは、この就業の企業担当者だけです。"]


def test_a_draft_gets_no_feedback_and_a_returned_report_can_be_resubmitted(dual, people):
    draft = services.monthly_report_save(
        placement=dual, month=SEPTEMBER, by=dual.student, summary="まとめ", today=D(2026, 10, 1)
    )
    with pytest.raises(ValidationError) as refused:
        services.monthly_report_comment(report=draft, by=people[Role.FACULTY], text="x")
    assert refused.value.messages == ["学生はまだこの月報を提出していません。"]
    report = _submitted(dual)
    report = services.monthly_report_return(report=report, by=people[Role.FACULTY], reason="追記を")
    assert report.state == MonthlyReport.State.DRAFT
    assert _submitted(dual).state == MonthlyReport.State.SUBMITTED


def test_without_a_partner_account_the_faculty_comment_alone_reviews(in_tenant, people):
    placement = running_placement(
        in_tenant, student=people[Role.STUDENT], starts_on=D(2026, 9, 1), ends_on=D(2026, 12, 31)
    )
    report = _submitted(placement)
    report = services.monthly_report_comment(report=report, by=people[Role.FACULTY], text="順調です。")
    assert report.state == MonthlyReport.State.REVIEWED


# --- Final reports and presentations ---------------------------------------------------------------


def test_final_report_with_files_is_submitted_once_until_reopened(dual, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides")
    report = services.final_report_save(placement=dual, by=dual.student, text="最終報告", files=[upload])
    assert report.files.get().name == "slides.pdf"
    report = services.final_report_save(placement=dual, by=dual.student, text="最終報告 完成", submit=True)
    assert report.state == FinalReport.State.SUBMITTED and report.submitted_at
    with pytest.raises(ValidationError) as refused:
        services.final_report_save(placement=dual, by=dual.student, text="変更")
    assert refused.value.messages == ["最終報告書はすでに提出されています。"]
    services.final_report_reopen(report=report, by=people[Role.FACULTY], reason="図を追加")
    assert services.final_report_save(placement=dual, by=dual.student, text="変更").state == FinalReport.State.DRAFT


def test_presentation_keeps_its_placements_in_order(
    dual, full_time, in_tenant, people, mailoutbox, django_capture_on_commit_callbacks
):
    planned = running_placement(in_tenant, state=Placement.State.PLANNED)
    when = datetime.datetime(2027, 2, 20, 4, 0, tzinfo=datetime.UTC)  # 13:00 in Tokyo
    with django_capture_on_commit_callbacks(execute=True):
        presentation = services.presentation_save(
            tenant=in_tenant, by=people[Role.STAFF], placements=[full_time, dual], title="最終報告会", starts_at=when
        )
    assert [s.placement_id for s in presentation.slots.all()] == [full_time.pk, dual.pk]
    assert len(mailoutbox) == 1 and "2027-02-20 13:00" in mailoutbox[0].body  # one student, in local time
    services.presentation_save(
        tenant=in_tenant, by=people[Role.STAFF], presentation=presentation, placements=[dual], title="最終報告会"
    )
    assert [s.placement_id for s in presentation.slots.all()] == [dual.pk]
    with pytest.raises(ValidationError) as refused:
        services.presentation_save(
            tenant=in_tenant, by=people[Role.STAFF], presentation=presentation, placements=[planned], title="x"
        )
    assert refused.value.messages == ["発表できるのは、就業中または就業を終えた学生だけです。"]


def test_lists_waiting_for_each_person(dual, people, in_tenant):
    report = _submitted(dual)
    waiting = selectors.monthly_reports_for_user
    assert list(waiting(people[Role.PARTNER], Role.PARTNER, waiting=True)) == [report]
    assert list(waiting(people[Role.FACULTY], Role.FACULTY, waiting=True)) == [report]
    other_faculty = member(in_tenant, Role.FACULTY)
    assert list(waiting(other_faculty, Role.FACULTY, waiting=True)) == []
    services.monthly_report_feedback(report=report, by=people[Role.PARTNER], text="よい")
    assert list(waiting(people[Role.PARTNER], Role.PARTNER, waiting=True)) == []
    DailyReportFactory(placement=dual, date=D(2026, 9, 9))
    assert list(waiting(people[Role.STUDENT], Role.STUDENT)) == [report]


def test_compliance_overview_counts_each_placement(dual, full_time, people):
    write(dual, D(2026, 9, 2), hours="6")
    write(full_time, D(2026, 9, 14), hours="7.5")
    write(full_time, D(2026, 9, 15), hours="7.5", submit=False)
    rows = selectors.compliance_for_user(people[Role.STAFF], Role.STAFF, SEPTEMBER, today=D(2026, 9, 16))
    by_id = {row.placement.pk: row for row in rows}
    # Today (the 16th) is not due until reported. Wednesdays 2 and 9 due, only the 2nd reported;
    # weekdays 14 and 15 due, only the 14th submitted.
    assert (by_id[dual.pk].due, by_id[dual.pk].missed, by_id[dual.pk].rate) == (2, 1, 50)
    assert (by_id[full_time.pk].due, by_id[full_time.pk].missed, by_id[full_time.pk].hours) == (2, 1, Decimal("7.5"))
    assert selectors.compliance_for_user(people[Role.STUDENT], Role.STUDENT, D(2026, 8, 1), today=D(2026, 9, 16)) == []
