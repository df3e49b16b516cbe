"""Reads of the reports app: which days are due, the monthly roll-up, the calendar, who may do
what, and the lists for each person. Visibility always starts from
placements.selectors.visibility.placements_for_user (one query with subqueries)."""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django_scopes import get_scope

from coop.access import MANAGERS
from coop.cache import cached_while_unchanged
from coop.clock import tenant_today
from coop.models import Role
from coop.workflow import history_for
from placements.models import Placement, PlacementSupervisor
from placements.selectors.visibility import placements_for_user

from ..models import (
    DailyReport,
    FinalPresentation,
    FinalReport,
    MonthlyReport,
    PresentationSlot,
    ReportGuide,
    ReportSettings,
)
from .days_off import DaysOff

# Daily reports are due while the placement runs, and stay readable and fixable after it ends.
REPORTING_STATES = (Placement.State.ACTIVE, Placement.State.SUSPENDED, Placement.State.COMPLETED)
# Evaluations and emailed links: for the same placements.
EVALUATION_STATES = REPORTING_STATES


# --- Dates ---------------------------------------------------------------------------------


def month_start(day):
    return day.replace(day=1)


def month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def working_days(placement, first, last, days_off=None):
    """The placement's expected report days between `first` and `last` (inclusive): its weekly
    schedule inside its period, less the days off (national holidays, closures, suspensions).
    None for a placement that is planned or was terminated. Pass `days_off` when asking for
    many placements (DaysOff.load once); without it, it is loaded for this placement."""
    if placement.state not in REPORTING_STATES:
        return []
    first, last = max(first, placement.starts_on), min(last, placement.ends_on)
    if first > last:
        return []
    if days_off is None:
        days_off = DaysOff.load(placement.tenant_id, first, last, [placement.pk])
    weekdays = set(placement.weekday_numbers)
    days, day = [], first
    while day <= last:
        if day.weekday() in weekdays and not days_off.is_off(placement.pk, day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def due_days(placement, first, last, today, reported=(), days_off=None):
    """The expected report days up to today that count: every one before today, and today only
    once it is reported (in the morning, today's report is not missing yet)."""
    return [d for d in working_days(placement, first, min(last, today), days_off) if d < today or d in reported]


def placement_months(placement):
    """The months of the placement, first to last."""
    months, month = [], month_start(placement.starts_on)
    while month <= placement.ends_on:
        months.append(month)
        month = add_months(month, 1)
    return months


# --- Settings and rules --------------------------------------------------------------------


def report_settings_for(tenant):
    """The tenant's settings row, or unsaved defaults (a read never writes)."""
    tenant_id = getattr(tenant, "pk", tenant)
    return ReportSettings.objects.filter(tenant_id=tenant_id).first() or ReportSettings(tenant_id=tenant_id)


def report_guide_for(program):
    """The program's report guide, or None (its students see the fields' own labels)."""
    return ReportGuide.objects.filter(tenant_id=program.tenant_id, program=program).first()


def can_report_on(placement, day, today=None):
    """Whether a daily report may exist for `day` at all: inside the placement period, not in
    the future, and the placement is running or finished."""
    today = today or tenant_today()
    return placement.state in REPORTING_STATES and placement.starts_on <= day <= min(placement.ends_on, today)


def edit_deadline(day, settings, report=None):
    """The last day on which the student may still change the report of `day`: the tenant's
    cut-off, or the day a faculty unlock runs until when that is later."""
    deadline = day + datetime.timedelta(days=settings.edit_days_after)
    if report is not None and report.unlocked_until and report.unlocked_until > deadline:
        return report.unlocked_until
    return deadline


def is_locked(day, report, settings, today=None):
    """A report is locked after its edit deadline (the cut-off, or a later unlock)."""
    today = today or tenant_today()
    return today > edit_deadline(day, settings, report)


def practitioner_user(placement):
    """The practitioner faculty's portal account, if the placement has one."""
    practitioner = placement.practitioner
    return practitioner.contact.user if practitioner is not None else None


def reporting_placements_for_student(user):
    return (
        Placement.objects.filter(student=user, state__in=(Placement.State.ACTIVE, Placement.State.SUSPENDED))
        .select_related("partner", "theme")
        .order_by("-starts_on", "-id")
    )


# --- The monthly roll-up -------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    working: bool
    in_period: bool
    report: DailyReport = None
    future: bool = False
    today: bool = False
    # A holiday's name or a closure's reason when the schedule says work but the day is off.
    off_reason: str = None

    @property
    def status(self):
        if self.report is not None:
            return self.report.state
        if self.future or not self.in_period:
            return "none"
        if not self.working:
            return "off"
        return "open" if self.today else "missing"


@dataclass
class Rollup:
    month: datetime.date
    reports: list
    due_days: list
    hours_total: Decimal = Decimal(0)
    days_reported: int = 0
    days_missed: int = 0
    missed: list = field(default_factory=list)
    drafts: int = 0
    days_off: DaysOff = None


def month_rollup(placement, month, today=None):
    """The month built from its daily reports: hours of submitted reports, days with a
    submitted report, and working days up to today without one (missed)."""
    today = today or tenant_today()
    last = month_end(month)
    reports = list(DailyReport.objects.filter(placement=placement, date__gte=month, date__lte=last).order_by("date"))
    submitted = {r.date: r for r in reports if r.state == DailyReport.State.SUBMITTED}
    days_off = DaysOff.load(placement.tenant_id, month, last, [placement.pk])
    due = due_days(placement, month, last, today, submitted, days_off)
    missed = [d for d in due if d not in submitted]
    return Rollup(
        days_off=days_off,
        month=month,
        reports=reports,
        due_days=due,
        hours_total=sum((r.hours or Decimal(0) for r in submitted.values()), Decimal(0)),
        days_reported=len(submitted),
        days_missed=len(missed),
        missed=missed,
        drafts=sum(1 for r in reports if r.state == DailyReport.State.DRAFT),
    )


def month_calendar(placement, month, reports, today=None, days_off=None):
    """Weeks (Monday first) of Day cells for the month view; days outside the month are None.
    Pass the roll-up's `days_off` to save loading them again."""
    today = today or tenant_today()
    by_date = {r.date: r for r in reports}
    weekdays = set(placement.weekday_numbers)
    if days_off is None:
        days_off = DaysOff.load(placement.tenant_id, month, month_end(month), [placement.pk])
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        row = []
        for day in week:
            if day.month != month.month:
                row.append(None)
                continue
            in_period = placement.starts_on <= day <= placement.ends_on and placement.state in REPORTING_STATES
            off_reason = days_off.reason(placement.pk, day) if in_period and day.weekday() in weekdays else None
            row.append(
                Day(
                    date=day,
                    working=in_period and day.weekday() in weekdays and off_reason is None,
                    in_period=in_period,
                    report=by_date.get(day),
                    future=day > today,
                    today=day == today,
                    off_reason=off_reason,
                )
            )
        weeks.append(row)
    return weeks


def monthly_report_for(placement, month):
    return (
        MonthlyReport.objects.filter(placement=placement, month=month)
        .select_related("partner_feedback_by", "faculty_comment_by")
        .first()
    )


def monthly_reports_of_placement(placement):
    return {r.month: r for r in MonthlyReport.objects.filter(placement=placement)}


def daily_report_context(report):
    return {"history": history_for(report)[:50] if report is not None and report.pk else []}


# --- Lists ----------------------------------------------------------------------------------


def monthly_reports_for_user(user, role, *, waiting=False):
    """Monthly reports of the placements this person may see. With `waiting`, only those that
    wait for this person: feedback from a partner supervisor, a comment from faculty."""
    qs = MonthlyReport.objects.filter(placement__in=placements_for_user(user, role))
    if role != Role.STUDENT:
        qs = qs.exclude(state=MonthlyReport.State.DRAFT)
    if waiting:
        if role == Role.PARTNER:
            supervised = PlacementSupervisor.objects.filter(contact__user=user).values("placement_id")
            qs = qs.filter(placement_id__in=supervised, partner_feedback="")
        elif role == Role.FACULTY:
            qs = qs.filter(faculty_comment="")
        elif role in MANAGERS:
            qs = qs.filter(state=MonthlyReport.State.SUBMITTED)
        else:
            qs = qs.filter(state=MonthlyReport.State.DRAFT)
    return qs.select_related("placement", "placement__student", "placement__partner").order_by(
        "-month", "placement__student__full_name", "id"
    )


def student_month_status(user, today=None):
    """For the student's dashboard: each running placement with today's report and the month so far."""
    today = today or tenant_today()
    rows = []
    for placement in reporting_placements_for_student(user):
        rollup = month_rollup(placement, month_start(today), today)
        todays = next((r for r in rollup.reports if r.date == today), None)
        rows.append(
            {
                "placement": placement,
                "rollup": rollup,
                "today_report": todays,
                "today_due": bool(working_days(placement, today, today, rollup.days_off)),
                "can_report_today": can_report_on(placement, today, today),
            }
        )
    return rows


def final_report_for(placement):
    return FinalReport.objects.filter(placement=placement).prefetch_related("files").first()


def final_presentations_for_user(user, role):
    if role in MANAGERS:
        return FinalPresentation.objects.all()
    visible = placements_for_user(user, role)
    return FinalPresentation.objects.filter(
        pk__in=PresentationSlot.objects.filter(placement__in=visible).values("presentation_id")
    )


def presentation_slots(presentation, user=None, role=None):
    """The presentation's slots; with `user` and `role`, each says whether that person may open
    its placement (`openable`), so a page links only what its reader can open."""
    slots = presentation.slots.select_related(
        "placement", "placement__student", "placement__partner", "placement__theme"
    )
    if user is not None:
        visible = placements_for_user(user, role).filter(pk=OuterRef("placement_id"))
        slots = slots.annotate(openable=Exists(visible))
    return slots


def presentable_placements(tenant):
    """Placements that may present: running or finished."""
    return (
        Placement.objects.filter(tenant=tenant, state__in=REPORTING_STATES)
        .select_related("student", "partner")
        .order_by("student__full_name", "id")
    )


def placement_report_summary(placement):
    """Monthly reports and the final report of a placement, for its reports page."""
    return {
        "monthly": monthly_reports_of_placement(placement),
        "final": FinalReport.objects.filter(placement=placement).first(),
        "presentations": FinalPresentation.objects.filter(
            pk__in=PresentationSlot.objects.filter(placement=placement).values("presentation_id")
        ).order_by("starts_at"),
    }


def partner_supervisor_users(placement):
    return [
        s.contact.user
        for s in placement.supervisors.select_related("contact__user").filter(contact__user__isnull=False)
    ]


# --- Compliance overview --------------------------------------------------------------------


@dataclass
class ComplianceRow:
    placement: Placement
    due: int
    reported: int
    missed: int
    hours: Decimal
    monthly: MonthlyReport = None

    @property
    def rate(self):
        """Share of the month's working days so far with a submitted report, in percent."""
        return 100 if not self.due else round(100 * (self.due - self.missed) / self.due)


def running_placements_for_user(user, role, month):
    """The placements the person may see that run (or ran) in `month`: the overview's rows."""
    return placements_for_user(user, role).filter(
        state__in=REPORTING_STATES, starts_on__lte=month_end(month), ends_on__gte=month
    )


def month_overview_count(user, role, month):
    """How many rows the month's overview has (kept like its pages, below)."""
    return cached_while_unchanged(
        "records",
        get_scope()["tenant"].pk,
        ("overview-count", user.pk, role, month),
        lambda: running_placements_for_user(user, role, month).count(),
    )


def month_overview_page(user, role, month, today, *, offset, limit):
    """A page of the month's overview (compliance_for_user), kept while the tenant's placement
    and report records are unchanged (coop.cache.cached_while_unchanged): at 10,000 running
    placements ordering them by the students' names is most of the page's time."""
    return cached_while_unchanged(
        "records",
        get_scope()["tenant"].pk,
        ("overview", user.pk, role, month, today, offset, limit),
        lambda: compliance_for_user(user, role, month, today, limit=limit, offset=offset),
    )


def compliance_for_user(user, role, month, today=None, limit=300, offset=0):
    """This month's daily-report compliance of the running placements the person may see, a
    page of them (`offset`, `limit`) in the order of the students' names. Five queries whatever
    the number of rows: the page's placements, their submitted reports of the month, their
    monthly reports of the month, and the days off (report settings, closures)."""
    today = today or tenant_today()
    last = month_end(month)
    placements = (
        running_placements_for_user(user, role, month)
        .select_related("student", "partner", "theme")
        .order_by("student__full_name", "id")
    )
    rows = list(placements[offset : offset + limit])
    visible = [p.pk for p in rows]
    submitted = {}
    for placement_id, day, hours in DailyReport.objects.filter(
        placement__in=visible, state=DailyReport.State.SUBMITTED, date__gte=month, date__lte=last
    ).values_list("placement_id", "date", "hours"):
        submitted.setdefault(placement_id, {})[day] = hours or Decimal(0)
    monthly = {r.placement_id: r for r in MonthlyReport.objects.filter(placement__in=visible, month=month)}
    days_off = DaysOff.load(rows[0].tenant_id, month, last, [p.pk for p in rows]) if rows else None
    result = []
    for placement in rows:
        days = submitted.get(placement.pk, {})
        due = due_days(placement, month, last, today, days, days_off)
        result.append(
            ComplianceRow(
                placement=placement,
                due=len(due),
                reported=len(days),
                missed=sum(1 for d in due if d not in days),
                hours=sum(days.values(), Decimal(0)),
                monthly=monthly.get(placement.pk),
            )
        )
    return result
