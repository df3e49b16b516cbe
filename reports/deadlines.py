"""Deadline providers of the reports app (registered in apps.ready): daily reports missing for
N working days, monthly reports due on day D of the next month, evaluations due N days after
a placement ends.

They read plain values, not model instances: a scan covers every running placement of a tenant
(10,000 a term at the target scale) in a few queries."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from coop.reminders import Due
from placements.models import Placement, PlacementSupervisor

from .models import DailyReport, Evaluation, MonthlyReport
from .selectors import REPORTING_STATES, DaysOff, add_months, month_end, month_start

FULL_TIME = (0, 1, 2, 3, 4)
# How far back a missing-report streak is looked for.
WINDOW_DAYS = 28


def _weekdays(schedule, weekdays):
    if schedule == Placement.Schedule.FULL_TIME:
        return FULL_TIME
    return tuple(sorted({int(d) for d in weekdays.split(",") if d.strip().isdigit()}))


def _last_working_days(pk, starts_on, ends_on, weekdays, before, count, days_off):
    """The `count` last expected report days before `before`, newest first, inside the period."""
    days, day = [], min(before - datetime.timedelta(days=1), ends_on)
    while day >= starts_on and len(days) < count and (before - day).days <= WINDOW_DAYS:
        if day.weekday() in weekdays and not days_off.is_off(pk, day):
            days.append(day)
        day -= datetime.timedelta(days=1)
    return days


def daily_reports_missing(tenant, settings, today):
    needed = settings.daily_report_missing_days
    if not needed:
        return
    running = list(
        Placement.objects.filter(tenant=tenant, state=Placement.State.ACTIVE, starts_on__lt=today).values_list(
            "pk", "student_id", "starts_on", "ends_on", "schedule", "weekdays"
        )
    )
    if not running:
        return
    window_start = today - datetime.timedelta(days=WINDOW_DAYS)
    submitted = set(
        DailyReport.objects.filter(
            tenant=tenant, date__gte=window_start, date__lt=today, state=DailyReport.State.SUBMITTED
        ).values_list("placement_id", "date")
    )
    days_off = DaysOff.load(tenant.pk, window_start, today)
    url = reverse("reports:today", kwargs={"tenant_slug": tenant.slug})
    title = _("Daily reports are missing: write them while you remember")
    for pk, student_id, starts_on, ends_on, schedule, weekdays in running:
        last = _last_working_days(pk, starts_on, ends_on, _weekdays(schedule, weekdays), today, needed, days_off)
        if len(last) == needed and not any((pk, day) in submitted for day in last):
            yield Due(
                key=f"daily-missing:{pk}:{last[0]:%Y-%m-%d}", user_id=student_id, title=title, url=url, due_on=today
            )


def monthly_reports_due(tenant, settings, today):
    """Last month's report, from its due day on, for placements that worked last month."""
    if today.day < settings.monthly_report_due_day:
        return
    month = add_months(month_start(today), -1)
    due_on = today.replace(day=settings.monthly_report_due_day)
    placements = Placement.objects.filter(
        tenant=tenant, state__in=REPORTING_STATES, starts_on__lte=month_end(month), ends_on__gte=month
    ).exclude(
        pk__in=MonthlyReport.objects.filter(
            tenant=tenant, month=month, state__in=(MonthlyReport.State.SUBMITTED, MonthlyReport.State.REVIEWED)
        ).values("placement_id")
    )
    title = _("Monthly report for %(month)s is due") % {"month": f"{month:%Y-%m}"}
    for pk, student_id in placements.values_list("pk", "student_id"):
        url = reverse("reports:monthly_detail", kwargs={"tenant_slug": tenant.slug, "pk": pk, "month": month})
        yield Due(key=f"monthly-due:{pk}:{month:%Y-%m}", user_id=student_id, title=title, url=url, due_on=due_on)


def evaluations_due(tenant, settings, today):
    """From the placement's last day on, the partner supervisors (with an account) and the
    faculty supervisor are reminded of the evaluation they have not submitted; it is due
    `evaluation_due_days` after the end. Placements that ended long ago are left alone."""

    window_start = today - datetime.timedelta(days=settings.evaluation_due_days + WINDOW_DAYS * 3)
    ended = Placement.objects.filter(
        tenant=tenant,
        state__in=(Placement.State.ACTIVE, Placement.State.COMPLETED),
        ends_on__lte=today,
        ends_on__gte=window_start,
    )
    placements = list(ended.values_list("pk", "ends_on", "faculty_supervisor_id"))
    if not placements:
        return
    ids = ended.values("pk")
    done = set(
        Evaluation.objects.filter(tenant=tenant, placement_id__in=ids, state=Evaluation.State.SUBMITTED).values_list(
            "placement_id", "kind"
        )
    )
    supervisors = {}
    for placement_id, user_id in PlacementSupervisor.objects.filter(
        tenant=tenant, placement_id__in=ids, contact__user__isnull=False
    ).values_list("placement_id", "contact__user_id"):
        supervisors.setdefault(placement_id, set()).add(user_id)
    title = _("An evaluation of a placement is due")
    for pk, ends_on, faculty_id in placements:
        due_on = ends_on + datetime.timedelta(days=settings.evaluation_due_days)
        url = reverse("reports:evaluations", kwargs={"tenant_slug": tenant.slug, "pk": pk})
        wanted = []
        if (pk, Evaluation.Kind.FACULTY) not in done and faculty_id:
            wanted.append((Evaluation.Kind.FACULTY, faculty_id))
        if (pk, Evaluation.Kind.PARTNER) not in done:
            wanted.extend((Evaluation.Kind.PARTNER, user_id) for user_id in sorted(supervisors.get(pk, ())))
        for kind, user_id in wanted:
            yield Due(key=f"evaluation-due:{pk}:{kind}:{user_id}", user_id=user_id, title=title, url=url, due_on=due_on)
