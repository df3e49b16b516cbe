"""Writes of the reports app. Each state change checks the transition, writes, records history
and queues notifications on commit (coop.workflow, coop.notifications).

Who may call what is checked by the views (roles) and here (the relation to the placement:
only the placement's student writes its reports; only its partner supervisors give feedback).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.clock import tenant_today
from coop.notifications import notify
from coop.workflow import record, transition
from placements.models import Placement

from ..access import is_partner_supervisor
from ..models import (
    ClosurePeriod,
    DailyReport,
    FinalPresentation,
    FinalReport,
    FinalReportFile,
    MonthlyReport,
    ReportSettings,
    ReportTally,
)
from ..selectors import (
    REPORTING_STATES,
    can_report_on,
    is_locked,
    month_end,
    month_rollup,
    month_start,
    partner_supervisor_users,
    placement_months,
    report_settings_for,
)

MAX_UNLOCK_DAYS = 30


def _check_student(placement, by):
    if by is None or placement.student_id != by.pk:
        raise ValidationError(_("Only the student of this placement writes its reports."))


# --- Settings -----------------------------------------------------------------------------


@transaction.atomic
def report_settings_save(*, tenant, by, edit_days_after, national_holidays_off=True):
    settings, _created = ReportSettings.objects.get_or_create(tenant=tenant)
    old = (settings.edit_days_after, settings.national_holidays_off)
    settings.edit_days_after = edit_days_after
    settings.national_holidays_off = national_holidays_off
    settings.full_clean(validate_constraints=False)
    settings.save()
    record(
        settings,
        action="report_settings.saved",
        by=by,
        note=(
            f"edit_days_after: {old[0]} → {edit_days_after}; national_holidays_off: {old[1]} → {national_holidays_off}"
        ),
    )
    return settings


# --- Closures and suspensions: days no report is expected -----------------------------------


@transaction.atomic
def closure_add(*, tenant, by, starts_on, ends_on, reason, placement=None):
    """A closure of the whole tenant (no placement) or a suspension of one placement."""
    if placement is not None and not (placement.starts_on <= ends_on and starts_on <= placement.ends_on):
        raise ValidationError(
            _("The suspension must overlap the placement's period (%(start)s to %(end)s).")
            % {"start": placement.starts_on.isoformat(), "end": placement.ends_on.isoformat()}
        )
    closure = ClosurePeriod(
        tenant=tenant, placement=placement, starts_on=starts_on, ends_on=ends_on, reason=reason, created_by=by
    )
    closure.full_clean(validate_constraints=False)
    closure.save()
    record(placement or closure, action="closure.added", by=by, note=f"{starts_on}–{ends_on} {reason}")
    return closure


@transaction.atomic
def closure_delete(*, closure, by):
    owner = closure.placement or closure
    record(owner, action="closure.removed", by=by, note=f"{closure.starts_on}–{closure.ends_on} {closure.reason}")
    closure.delete()


# --- Daily reports --------------------------------------------------------------------------


@transaction.atomic
def daily_report_save(*, placement, day, by, submit=False, today=None, **values):
    """Creates or changes the student's report of `day`; with `submit`, also submits it.

    Open to the student until the tenant's cut-off (or an unlock). A change to a submitted
    report keeps the old values in the report's history.
    """
    today = today or tenant_today()
    _check_student(placement, by)
    if not can_report_on(placement, day, today):
        raise ValidationError(_("There is no report to write for this day."))
    report = DailyReport.objects.select_for_update().filter(placement=placement, date=day).first()
    if is_locked(day, report, report_settings_for(placement.tenant_id), today):
        raise ValidationError(_("This report is locked. Ask your faculty supervisor to unlock it."))
    if report is None:
        report = DailyReport(tenant_id=placement.tenant_id, placement=placement, date=day)
    old = {name: getattr(report, name) for name in DailyReport.CONTENT_FIELDS}
    for name in DailyReport.CONTENT_FIELDS:
        if name in values:
            setattr(report, name, values[name])
    report.full_clean(exclude=["tenant", "placement"], validate_constraints=False)
    was_submitted = report.state == DailyReport.State.SUBMITTED
    if submit or was_submitted:
        # A submitted report counts as a reported day: it keeps its hours and what was done.
        missing = []
        if report.hours is None:
            missing.append(str(DailyReport._meta.get_field("hours").verbose_name))
        if not report.done.strip():
            missing.append(str(DailyReport._meta.get_field("done").verbose_name))
        if missing and was_submitted:
            raise ValidationError(_("A submitted report needs: %(fields)s.") % {"fields": ", ".join(missing)})
        if missing:
            raise ValidationError(_("Fill in before submitting: %(fields)s.") % {"fields": ", ".join(missing)})
    if submit and not was_submitted and report.pk is not None:
        # A draft submitted with one tap: its text and its state in one write.
        report.submitted_at = timezone.now()
        transition(
            report,
            to=DailyReport.State.SUBMITTED,
            by=by,
            allowed=DailyReport.TRANSITIONS,
            action="daily_report.submitted",
            extra_fields=(*DailyReport.CONTENT_FIELDS, "submitted_at", "updated_at"),
        )
        _record_monthly_change(report, by, today)
        return report
    report.save()
    if was_submitted:
        changes = [
            f"{DailyReport._meta.get_field(name).verbose_name}: {old[name] if old[name] not in (None, '') else '—'}"
            for name in DailyReport.CONTENT_FIELDS
            if old[name] != getattr(report, name)
        ]
        if changes:
            note = _("Changed after submission; the earlier text was:") + "\n" + "\n".join(changes)
            record(report, action="daily_report.revised", by=by, note=note)
    elif submit:
        report.submitted_at = timezone.now()
        transition(
            report,
            to=DailyReport.State.SUBMITTED,
            by=by,
            action="daily_report.submitted",
            allowed=DailyReport.TRANSITIONS,
            extra_fields=("submitted_at", "updated_at"),
        )
    if report.state == DailyReport.State.SUBMITTED:
        _record_monthly_change(report, by, today)
    return report


def _hours_text(hours):
    return f"{hours.normalize():f}"


def _record_monthly_change(report, by, today):
    """A daily report submitted or changed after its month's report was submitted: the
    monthly report keeps the numbers that were submitted (and confirmed), and its history
    says which day changed what the daily reports now add up to."""
    monthly = _locked_monthly(report.placement, month_start(report.date))
    if monthly is None or monthly.state == MonthlyReport.State.DRAFT:
        return
    rollup = month_rollup(report.placement, monthly.month, today)
    if (rollup.days_reported, rollup.hours_total) == (monthly.days_reported, monthly.hours_total):
        return
    note = _(
        "The daily report of %(day)s changed after this monthly report was submitted: the daily reports now "
        "add up to %(days)s days / %(hours)s h (submitted: %(submitted_days)s days / %(submitted_hours)s h)."
    ) % {
        "day": report.date.isoformat(),
        "days": rollup.days_reported,
        "hours": _hours_text(rollup.hours_total),
        "submitted_days": monthly.days_reported,
        "submitted_hours": _hours_text(monthly.hours_total),
    }
    record(monthly, action="monthly_report.daily_changed", by=by, note=note)


@transaction.atomic
def daily_report_unlock(*, placement, day, days, by, today=None):
    """Lets the student change (or write) the report of `day` for `days` more days."""
    today = today or tenant_today()
    if not can_report_on(placement, day, today):
        raise ValidationError(_("There is no report to write for this day."))
    if not 1 <= days <= MAX_UNLOCK_DAYS:
        raise ValidationError(_("Unlock for 1 to %(max)s days.") % {"max": MAX_UNLOCK_DAYS})
    report, _created = DailyReport.objects.select_for_update().get_or_create(
        tenant_id=placement.tenant_id, placement=placement, date=day
    )
    report.unlocked_until = today + datetime.timedelta(days=days)
    report.save(update_fields=["unlocked_until", "updated_at"])
    record(
        report,
        action="daily_report.unlocked",
        by=by,
        values={"date": report.unlocked_until.isoformat()},
    )
    notify(obj=report, event="reports/daily_unlocked", users=[placement.student])
    return report


# --- Monthly reports ------------------------------------------------------------------------


def _check_month(placement, month, today):
    if month not in placement_months(placement) or month > month_start(today):
        raise ValidationError(_("There is no monthly report to write for this month."))
    if placement.state not in REPORTING_STATES:
        raise ValidationError(_("Reports are written while the placement runs."))


def _locked_monthly(placement, month):
    return MonthlyReport.objects.select_for_update().filter(placement=placement, month=month).first()


@transaction.atomic
def monthly_report_save(*, placement, month, by, submit=False, today=None, summary=None, reflection=None):
    """The student writes (and with `submit`, submits) the month's summary and reflection.
    On submission the roll-up of the daily reports is kept with the report."""
    today = today or tenant_today()
    _check_student(placement, by)
    _check_month(placement, month, today)
    report = _locked_monthly(placement, month)
    if report is None:
        report = MonthlyReport(tenant_id=placement.tenant_id, placement=placement, month=month)
    elif report.state != MonthlyReport.State.DRAFT:
        raise ValidationError(_("This monthly report was submitted already."))
    if summary is not None:
        report.summary = summary
    if reflection is not None:
        report.reflection = reflection
    if submit and not report.summary.strip():
        raise ValidationError(_("Write a summary of the month before submitting."))
    created = report.pk is None
    report.save()
    if created:
        record(report, action="monthly_report.created", by=by, to_state=report.state)
    if submit:
        rollup = month_rollup(placement, month, today)
        report.hours_total, report.days_reported, report.days_missed = (
            rollup.hours_total,
            rollup.days_reported,
            rollup.days_missed,
        )
        report.submitted_at = timezone.now()
        transition(
            report,
            to=MonthlyReport.State.SUBMITTED,
            by=by,
            action="monthly_report.submitted",
            allowed=MonthlyReport.TRANSITIONS,
            extra_fields=("submitted_at", "hours_total", "days_reported", "days_missed", "updated_at"),
        )
        notify(
            obj=report,
            event="reports/monthly_submitted",
            users=[placement.faculty_supervisor, *partner_supervisor_users(placement)],
        )
    return report


def _reviewed_when_answered(report, placement, by):
    """Submitted → reviewed once the faculty comment and (if the placement has a partner
    supervisor with a portal account) the partner feedback are both written."""
    needs_feedback = bool(partner_supervisor_users(placement))
    answered = report.faculty_comment and (report.partner_feedback or not needs_feedback)
    if report.state == MonthlyReport.State.SUBMITTED and answered:
        transition(
            report,
            to=MonthlyReport.State.REVIEWED,
            by=by,
            allowed=MonthlyReport.TRANSITIONS,
            action="monthly_report.reviewed",
        )


def _check_answerable(report):
    if report.state == MonthlyReport.State.DRAFT:
        raise ValidationError(_("The student has not submitted this monthly report yet."))


@transaction.atomic
def monthly_report_feedback(*, report, by, text):
    """企業フィードバック: a partner supervisor of the placement answers the monthly report."""
    report = MonthlyReport.objects.select_for_update().select_related("placement").get(pk=report.pk)
    placement = report.placement
    _check_answerable(report)
    if not is_partner_supervisor(by, placement):
        raise ValidationError(_("Only a partner supervisor of this placement gives feedback."))
    return write_feedback(report, text=text, by=by)


def write_feedback(report, *, text, by=None, name=""):
    """Writes the partner's feedback on a locked, answerable report: by a signed-in partner
    supervisor (`by`), or through an emailed link (`name` of the contact, `by` None)."""
    placement = report.placement
    if not text.strip():
        raise ValidationError(_("Write the feedback."))
    report.partner_feedback, report.partner_feedback_by, report.partner_feedback_at = text, by, timezone.now()
    report.partner_feedback_name = name
    report.save(
        update_fields=[
            "partner_feedback",
            "partner_feedback_by",
            "partner_feedback_name",
            "partner_feedback_at",
            "updated_at",
        ]
    )
    note = f"{name}: {text}" if name else text
    record(report, action="monthly_report.feedback", by=by, note=note)
    _reviewed_when_answered(report, placement, by)
    notify(obj=report, event="reports/monthly_feedback", users=[placement.student], note=text)
    return report


@transaction.atomic
def monthly_report_comment(*, report, by, text):
    """The faculty supervisor's comment on the monthly report."""
    report = MonthlyReport.objects.select_for_update().select_related("placement").get(pk=report.pk)
    placement = report.placement
    _check_answerable(report)
    if not text.strip():
        raise ValidationError(_("Write the comment."))
    report.faculty_comment, report.faculty_comment_by, report.faculty_comment_at = text, by, timezone.now()
    report.save(update_fields=["faculty_comment", "faculty_comment_by", "faculty_comment_at", "updated_at"])
    record(report, action="monthly_report.comment", by=by, note=text)
    _reviewed_when_answered(report, placement, by)
    notify(obj=report, event="reports/monthly_commented", users=[placement.student], note=text)
    return report


@transaction.atomic
def monthly_report_return(*, report, by, reason):
    """Sends a submitted monthly report back to the student (e.g. to add what is missing)."""
    report = MonthlyReport.objects.select_for_update().select_related("placement").get(pk=report.pk)
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    transition(
        report,
        to=MonthlyReport.State.DRAFT,
        by=by,
        allowed=MonthlyReport.TRANSITIONS,
        action="monthly_report.returned",
        note=reason,
    )
    notify(obj=report, event="reports/monthly_returned", users=[report.placement.student], note=reason)
    return report


# --- Final reports --------------------------------------------------------------------------


@transaction.atomic
def final_report_save(*, placement, by, text, files=(), submit=False):
    _check_student(placement, by)
    if placement.state not in REPORTING_STATES:
        raise ValidationError(_("Reports are written while the placement runs."))
    report = FinalReport.objects.select_for_update().filter(placement=placement).first()
    if report is None:
        report = FinalReport(tenant_id=placement.tenant_id, placement=placement)
    elif report.state != FinalReport.State.DRAFT:
        raise ValidationError(_("The final report was submitted already."))
    report.text = text
    if submit and not text.strip():
        raise ValidationError(_("Write the report before submitting."))
    created = report.pk is None
    report.save()
    if created:
        record(report, action="final_report.created", by=by, to_state=report.state)
    for upload in files:
        FinalReportFile.objects.create(
            tenant_id=placement.tenant_id, report=report, file=upload, name=upload.name[:200], uploaded_by=by
        )
        record(report, action="final_report.file_added", by=by, note=upload.name)
    if submit:
        report.submitted_at = timezone.now()
        transition(
            report,
            to=FinalReport.State.SUBMITTED,
            by=by,
            action="final_report.submitted",
            allowed=FinalReport.TRANSITIONS,
            extra_fields=("submitted_at", "updated_at"),
        )
        notify(
            obj=report,
            event="reports/final_submitted",
            users=[placement.faculty_supervisor, *partner_supervisor_users(placement)],
        )
    return report


@transaction.atomic
def final_report_file_delete(*, file, by):
    report = file.report
    _check_student(report.placement, by)
    if report.state != FinalReport.State.DRAFT:
        raise ValidationError(_("The final report was submitted already."))
    name = file.name
    file.file.delete(save=False)
    file.delete()
    record(report, action="final_report.file_removed", by=by, note=name)


@transaction.atomic
def final_report_reopen(*, report, by, reason):
    report = FinalReport.objects.select_for_update().select_related("placement").get(pk=report.pk)
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    transition(
        report,
        to=FinalReport.State.DRAFT,
        by=by,
        allowed=FinalReport.TRANSITIONS,
        action="final_report.returned",
        note=reason,
    )
    notify(obj=report, event="reports/final_returned", users=[report.placement.student], note=reason)
    return report


# --- Final presentation meetings -------------------------------------------------------------

PRESENTATION_FIELDS = ("title", "starts_at", "place", "attendees", "notes")


@transaction.atomic
def presentation_save(*, tenant, by, presentation=None, placements=(), **values):
    """Creates or changes a final presentation meeting and its presenting placements, in order."""
    presentation = presentation or FinalPresentation(tenant=tenant)
    created = presentation.pk is None
    for name in PRESENTATION_FIELDS:
        if name in values:
            setattr(presentation, name, values[name])
    presentation.full_clean(exclude=["tenant"])
    presentation.save()
    for placement in placements:
        if placement.tenant_id != tenant.pk or placement.state not in REPORTING_STATES:
            raise ValidationError(_("Only running or finished placements can present."))
    wanted = [p.pk for p in placements]
    presentation.slots.exclude(placement_id__in=wanted).delete()
    existing = {slot.placement_id: slot for slot in presentation.slots.all()}
    added = []
    for order, placement in enumerate(placements, start=1):
        slot = existing.get(placement.pk)
        if slot is None:
            presentation.slots.create(tenant=tenant, placement=placement, order=order)
            added.append(placement.student)
        elif slot.order != order:
            slot.order = order
            slot.save(update_fields=["order"])
    record(presentation, action="final_presentation.created" if created else "final_presentation.updated", by=by)
    notify(obj=presentation, event="reports/presentation_scheduled", users=added)
    return presentation


def report_tally_refresh(*, tenant_id, placement_id, month):
    """Counts the placement's submitted daily reports of `month` again into its ReportTally
    (called on every save and delete of a daily report, reports.apps). The placement's row is
    locked first, so two reports saved at once are counted one after the other and the last
    count sees both."""
    with transaction.atomic():
        Placement._base_manager.select_for_update().filter(pk=placement_id).values_list("pk").first()
        found = DailyReport._base_manager.filter(
            tenant_id=tenant_id,
            placement_id=placement_id,
            state=DailyReport.State.SUBMITTED,
            date__gte=month,
            date__lte=month_end(month),
        ).aggregate(n=Count("pk"), latest=Max("date"))
        tallies = ReportTally._base_manager.filter(tenant_id=tenant_id, placement_id=placement_id, month=month)
        if not found["n"]:  # also when the placement itself is being deleted: nothing is written
            tallies.delete()
            return
        ReportTally._base_manager.bulk_create(
            [
                ReportTally(
                    tenant_id=tenant_id,
                    placement_id=placement_id,
                    month=month,
                    submitted=found["n"],
                    latest=found["latest"],
                )
            ],
            update_conflicts=True,
            unique_fields=["tenant", "placement", "month"],
            update_fields=["submitted", "latest"],
        )


def report_tallies_recount(*, tenant_id):
    """Counts every placement's months of the tenant again (after a bulk insert of daily
    reports, which sends no signals: the bench's seeded reports)."""
    rows = (
        DailyReport._base_manager.filter(tenant_id=tenant_id, state=DailyReport.State.SUBMITTED)
        .annotate(month=TruncMonth("date"))
        .values("placement_id", "month")
        .annotate(n=Count("pk"), latest=Max("date"))
        .order_by()
    )
    with transaction.atomic():
        ReportTally._base_manager.filter(tenant_id=tenant_id).delete()
        ReportTally._base_manager.bulk_create(
            (
                ReportTally(
                    tenant_id=tenant_id,
                    placement_id=row["placement_id"],
                    month=row["month"],
                    submitted=row["n"],
                    latest=row["latest"],
                )
                for row in rows.iterator(chunk_size=2000)
            ),
            batch_size=2000,
        )
