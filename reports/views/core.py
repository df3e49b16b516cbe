import datetime
from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coop.access import ADMINS, EVERY_ROLE, MANAGERS, require_role
from coop.clock import tenant_today
from coop.downloads import file_download
from coop.http import error_text, run_action
from coop.lists import Filter, ListSpec, list_response, search_filter, sequence_page
from coop.models import Role
from coop.workflow import history_for
from placements.access import get_placement_for_user
from placements.models import Program
from placements.selectors import lists

from .. import access, selectors, services
from ..forms import (
    ClosurePeriodForm,
    CommentForm,
    DailyReportForm,
    FeedbackForm,
    FinalReportForm,
    MonthlyReportForm,
    PresentationForm,
    ReasonForm,
    ReportGuideForm,
    ReportSettingsForm,
    UnlockForm,
)
from ..models import AccessLink, ClosurePeriod, DailyReport, FinalReport, MonthlyReport, ReportGuide
from .links import link_send_form

MONTHLY_LIST = ListSpec(
    template="reports/monthly/list.html",
    search=search_filter(lists.search_people("placement__student"), lists.search_partners("placement__partner")),
    filters=(
        lists.state_filter(MonthlyReport),
        lists.program_filter("placement__theme__program"),
        lists.term_filter("placement__theme__term"),
        lists.partner_filter("placement__partner"),
    ),
    sorts={
        "month": (gettext_lazy("Month"), ["month", "placement__student__full_name"]),
        "student": (gettext_lazy("Student"), ["placement__student__full_name", "-month"]),
        "state": (gettext_lazy("State"), ["state", "-month"]),
    },
    default_sort="-month",
    rows=lambda page: page.select_related("placement", "placement__student", "placement__partner"),
)

PRESENTATION_LIST = ListSpec(
    template="reports/presentations/list.html",
    search=search_filter("title", "place"),
    sorts={
        "title": (gettext_lazy("Title"), ["title"]),
        "starts": (gettext_lazy("Date and time"), ["starts_at"]),
    },
    default_sort="-starts",
)

FACULTY_AND_MANAGERS = frozenset({Role.FACULTY, *MANAGERS})


def _role(request):
    return request.membership.role


def _placement_url(placement, month=None):
    url = reverse("reports:placement", kwargs={"tenant_slug": placement.tenant_slug, "pk": placement.pk})
    return f"{url}?month={month:%Y-%m}" if month else url


# --- Daily reports ----------------------------------------------------------------------------


@require_role(Role.STUDENT)
def today(request, tenant_slug):
    """Phone first: straight to today's report of the student's running placement."""
    day = tenant_today(request.tenant)
    running = list(selectors.reporting_placements_for_student(request.user))
    reportable = [p for p in running if selectors.can_report_on(p, day, day)]
    if len(reportable) == 1:
        return redirect("reports:daily_edit", tenant_slug=tenant_slug, pk=reportable[0].pk, day=day)
    context = {"placements": reportable, "others": [p for p in running if p not in reportable], "today": day}
    return render(request, "reports/today.html", context)


def _neighbour_days(placement, day, today, days_off):
    """The previous and next working days with a report to write, for quick moving on a phone."""
    weekdays = set(placement.weekday_numbers)
    found = []
    for step in (-1, 1):
        other = day + datetime.timedelta(days=step)
        for _i in range(14):
            if other.weekday() in weekdays and not days_off.is_off(placement.pk, other):
                break
            other += datetime.timedelta(days=step)
        found.append(other if selectors.can_report_on(placement, other, today) else None)
    return found


@require_role(EVERY_ROLE)
def daily_edit(request, tenant_slug, pk, day):
    placement = get_placement_for_user(request, pk)
    today_ = tenant_today(request.tenant)
    if not selectors.can_report_on(placement, day, today_):
        raise Http404
    if request.method == "POST":
        # The service loads (and locks) the report and checks the cut-off itself.
        if placement.student_id != request.user.pk:
            raise PermissionDenied
        submit = request.POST.get("action") == "submit"
        form = DailyReportForm(request.POST, guide=selectors.report_guide_for(placement.theme.program))
        report = None
        if form.is_valid():
            try:
                report = services.daily_report_save(
                    placement=placement, day=day, by=request.user, submit=submit, **form.service_values()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if request.htmx:
                    return render(request, "reports/daily/_saved.html", {"report": report, "ok": True})
                if submit:
                    messages.success(request, _("Your report of %(day)s is submitted.") % {"day": day.isoformat()})
                else:
                    messages.success(request, _("Saved."))
                return redirect(report)
        if request.htmx:
            return render(request, "reports/daily/_saved.html", {"report": report, "ok": False, "form": form})
        report = DailyReport.objects.filter(placement=placement, date=day).first()
    else:
        report = DailyReport.objects.filter(placement=placement, date=day).first()
        # The program's prompts are for the student who writes (one query, theirs only).
        guide = selectors.report_guide_for(placement.theme.program) if placement.student_id == request.user.pk else None
        form = DailyReportForm(instance=report, guide=guide)
    settings = selectors.report_settings_for(request.tenant)
    editable = access.student_may_edit(request.user, placement, day, report, settings, today_)
    days_off = selectors.DaysOff.load(
        placement.tenant_id, day - datetime.timedelta(days=14), day + datetime.timedelta(days=14), [placement.pk]
    )
    off_reason = days_off.reason(placement.pk, day) if day.weekday() in placement.weekday_numbers else None
    previous_day, next_day = _neighbour_days(placement, day, today_, days_off)
    context = {
        "placement": placement,
        "day": day,
        "today": today_,
        "report": report,
        "form": form,
        "editable": editable,
        "is_student": placement.student_id == request.user.pk,
        "locked": selectors.is_locked(day, report, settings, today_),
        "deadline": selectors.edit_deadline(day, settings, report),
        "working": day.weekday() in placement.weekday_numbers and off_reason is None,
        "off_reason": off_reason,
        "may_unlock": access.may_unlock(request.user, _role(request), placement),
        "unlock_form": UnlockForm(),
        "previous_day": previous_day,
        "next_day": next_day,
        "month": selectors.month_start(day),
        "history": history_for(report)[:50] if report is not None else [],
    }
    return render(request, "reports/daily/edit.html", context)


@require_POST
@require_role(FACULTY_AND_MANAGERS)
def daily_unlock(request, tenant_slug, pk, day):
    placement = get_placement_for_user(request, pk)
    form = UnlockForm(request.POST)

    def unlock():
        if not form.is_valid():
            raise ValidationError(_("Unlock for 1 to %(max)s days.") % {"max": services.MAX_UNLOCK_DAYS})
        services.daily_report_unlock(placement=placement, day=day, days=form.cleaned_data["days"], by=request.user)

    return run_action(
        request,
        unlock,
        success=_("The report is unlocked."),
        redirect_to=reverse("reports:daily_edit", kwargs={"tenant_slug": tenant_slug, "pk": placement.pk, "day": day}),
    )


# --- A placement's reports: the month calendar ---------------------------------------------------


def _month_param(request, placement):
    """The month asked for (?month=YYYY-MM), else this month clamped to the placement period."""
    today_ = tenant_today(request.tenant)
    months = selectors.placement_months(placement)
    try:
        month = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        month = selectors.month_start(today_)
    if months and month < months[0]:
        month = months[0]
    if months and month > months[-1]:
        month = months[-1]
    return month


@require_role(EVERY_ROLE)
def placement_reports(request, tenant_slug, pk):
    placement = get_placement_for_user(request, pk)
    today_ = tenant_today(request.tenant)
    month = _month_param(request, placement)
    rollup = selectors.month_rollup(placement, month, today_)
    months = selectors.placement_months(placement)
    summary = selectors.placement_report_summary(placement)
    context = {
        "placement": placement,
        "month": month,
        "today": today_,
        "rollup": rollup,
        "weeks": selectors.month_calendar(placement, month, rollup.reports, today_, rollup.days_off),
        "weekday_labels": [label for _n, label in placement.WEEKDAYS],
        "previous_month": selectors.add_months(month, -1) if months and month > months[0] else None,
        "next_month": selectors.add_months(month, 1) if months and month < months[-1] else None,
        "months": [(m, summary["monthly"].get(m)) for m in months if m <= selectors.month_start(today_)],
        "monthly_report": summary["monthly"].get(month),
        "final_report": summary["final"],
        "presentations": summary["presentations"],
        "is_student": placement.student_id == request.user.pk,
    }
    role = _role(request)
    if role != Role.STUDENT:
        context["evaluations"] = selectors.evaluations_of_placement(placement)
    result = selectors.result_for(placement)
    context["result"] = result if role != Role.STUDENT or (result is not None and result.is_final) else None
    if role in MANAGERS:
        context["suspensions"] = selectors.closures_of_placement(placement)
        context["suspension_form"] = ClosurePeriodForm()
        context["links"] = selectors.access_links_of_placement(placement)
        context["link_form"] = link_send_form(placement)
        context["link_valid_days"] = AccessLink.VALID_DAYS
    return render(request, "reports/placement.html", context)


# --- Overview: every visible placement's month at a glance ----------------------------------------


@require_role(EVERY_ROLE)
def overview(request, tenant_slug):
    today_ = tenant_today(request.tenant)
    try:
        month = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        month = selectors.month_start(today_)
    month = min(month, selectors.month_start(today_))
    role = _role(request)

    class MonthRows:
        """The month's rows as a sequence the pager slices: one page is computed at a time."""

        def __len__(self):
            return selectors.month_overview_count(request.user, role, month)

        def __getitem__(self, page):
            size = page.stop - page.start
            return selectors.month_overview_page(request.user, role, month, today_, offset=page.start, limit=size)

    rows = sequence_page(request, MonthRows(), query={"month": f"{month:%Y-%m}"})
    context = {
        "month": month,
        "list": rows,
        "rows": rows.rows,
        "previous_month": selectors.add_months(month, -1),
        "next_month": selectors.add_months(month, 1) if month < selectors.month_start(today_) else None,
    }
    template = "reports/overview.html#results" if request.htmx else "reports/overview.html"
    return render(request, template, context)


# --- Monthly reports ------------------------------------------------------------------------


def _monthly_or_404(request, pk, month):
    placement = get_placement_for_user(request, pk)
    report = selectors.monthly_report_for(placement, month)
    if report is None:
        raise Http404
    return placement, report


@require_role(EVERY_ROLE)
def monthly_list(request, tenant_slug):
    """Paged and searchable; "waiting for me" is a filter of its own (`?waiting=1`)."""
    role = _role(request)
    waiting = Filter(
        "waiting",
        gettext_lazy("Waiting for me"),
        lambda qs, value: qs.filter(pk__in=selectors.monthly_reports_for_user(request.user, role, waiting=True)),
    )
    spec = replace(MONTHLY_LIST, filters=(waiting, *MONTHLY_LIST.filters))
    queryset = selectors.monthly_reports_for_user(request.user, role)
    context = {"search_hint": _("Student, kana, email, student number or partner")}
    return list_response(request, queryset, spec, context)


@require_role(EVERY_ROLE)
def monthly_detail(request, tenant_slug, pk, month):
    placement = get_placement_for_user(request, pk)
    today_ = tenant_today(request.tenant)
    if month not in selectors.placement_months(placement) or month > selectors.month_start(today_):
        raise Http404
    report = selectors.monthly_report_for(placement, month)
    is_student = placement.student_id == request.user.pk
    student_may_write = is_student and (report is None or report.state == MonthlyReport.State.DRAFT)
    guide = selectors.report_guide_for(placement.theme.program) if student_may_write else None
    form = MonthlyReportForm(request.POST or None, instance=report, guide=guide)
    if request.method == "POST":
        if not is_student:
            raise PermissionDenied
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                report = services.monthly_report_save(
                    placement=placement, month=month, by=request.user, submit=submit, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The monthly report is submitted.") if submit else _("Saved."))
                return redirect(report)
    role = _role(request)
    rollup = selectors.month_rollup(placement, month, today_)
    submitted_reports = [r for r in rollup.reports if r.state == DailyReport.State.SUBMITTED]
    answerable = report is not None and report.state != MonthlyReport.State.DRAFT
    # A submitted month shows the numbers that were submitted (and answered); when the daily
    # reports add up to something else now (a late report after an unlock), that is marked.
    figures = report if answerable else rollup
    changed = answerable and (rollup.days_reported, rollup.hours_total) != (report.days_reported, report.hours_total)
    context = {
        "placement": placement,
        "month": month,
        "report": report,
        "rollup": rollup,
        "entries": submitted_reports,
        "figures": figures,
        "rollup_changed": changed,
        "form": form,
        "student_may_write": student_may_write,
        "may_feedback": answerable and access.may_write_feedback(request.user, role, placement),
        "may_comment": answerable and access.may_comment(request.user, role, placement),
        "may_return": report is not None
        and report.state == MonthlyReport.State.SUBMITTED
        and role in FACULTY_AND_MANAGERS,
        "feedback_form": FeedbackForm(initial={"text": report.partner_feedback if report else ""}),
        "comment_form": CommentForm(initial={"text": report.faculty_comment if report else ""}),
        "reason_form": ReasonForm(),
        "history": history_for(report)[:50] if report is not None else [],
    }
    return render(request, "reports/monthly/detail.html", context)


@require_POST
@require_role(Role.PARTNER)
def monthly_feedback(request, tenant_slug, pk, month):
    placement, report = _monthly_or_404(request, pk, month)
    if not access.is_partner_supervisor(request.user, placement):
        raise PermissionDenied
    form = FeedbackForm(request.POST)
    return run_action(
        request,
        lambda: services.monthly_report_feedback(report=report, by=request.user, text=form.data.get("text", "")),
        success=_("Your feedback is saved and the student is told."),
        redirect_to=report,
    )


@require_POST
@require_role(Role.FACULTY)
def monthly_comment(request, tenant_slug, pk, month):
    placement, report = _monthly_or_404(request, pk, month)
    form = CommentForm(request.POST)
    return run_action(
        request,
        lambda: services.monthly_report_comment(report=report, by=request.user, text=form.data.get("text", "")),
        success=_("Your comment is saved and the student is told."),
        redirect_to=report,
    )


@require_POST
@require_role(FACULTY_AND_MANAGERS)
def monthly_return(request, tenant_slug, pk, month):
    placement, report = _monthly_or_404(request, pk, month)
    form = ReasonForm(request.POST)
    return run_action(
        request,
        lambda: services.monthly_report_return(report=report, by=request.user, reason=form.data.get("reason", "")),
        success=_("The monthly report is back with the student."),
        redirect_to=report,
    )


# --- Final reports --------------------------------------------------------------------------


@require_role(EVERY_ROLE)
def final_report(request, tenant_slug, pk):
    placement = get_placement_for_user(request, pk)
    report = selectors.final_report_for(placement)
    is_student = placement.student_id == request.user.pk
    student_may_write = (
        is_student
        and placement.state in selectors.REPORTING_STATES
        and (report is None or report.state == FinalReport.State.DRAFT)
    )
    form = FinalReportForm(request.POST or None, request.FILES or None, instance=report)
    if request.method == "POST":
        if not is_student:
            raise PermissionDenied
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                report = services.final_report_save(
                    placement=placement,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["files"],
                    submit=submit,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The final report is submitted.") if submit else _("Saved."))
                return redirect(report)
    context = {
        "placement": placement,
        "report": report,
        "files": list(report.files.all()) if report is not None else [],
        "form": form,
        "student_may_write": student_may_write,
        "may_reopen": report is not None
        and report.state == FinalReport.State.SUBMITTED
        and _role(request) in FACULTY_AND_MANAGERS,
        "reason_form": ReasonForm(),
        "history": history_for(report)[:50] if report is not None else [],
    }
    return render(request, "reports/final/detail.html", context)


@never_cache
@require_GET
@require_role(EVERY_ROLE)
def final_file(request, tenant_slug, pk):
    file = access.get_final_file_for_user(request, pk)
    return file_download(
        request, file.file, filename=file.name, what=f"final_report_file:{file.pk}", as_attachment=True
    )


@require_POST
@require_role(Role.STUDENT)
def final_file_delete(request, tenant_slug, pk):
    file = access.get_final_file_for_user(request, pk)
    report = file.report
    return run_action(
        request,
        lambda: services.final_report_file_delete(file=file, by=request.user),
        success=_("The file is removed."),
        redirect_to=report,
    )


@require_POST
@require_role(FACULTY_AND_MANAGERS)
def final_reopen(request, tenant_slug, pk):
    placement = get_placement_for_user(request, pk)
    report = selectors.final_report_for(placement)
    if report is None:
        raise Http404
    form = ReasonForm(request.POST)
    return run_action(
        request,
        lambda: services.final_report_reopen(report=report, by=request.user, reason=form.data.get("reason", "")),
        success=_("The final report is back with the student."),
        redirect_to=report,
    )


# --- Final presentation meetings -------------------------------------------------------------


@require_role(EVERY_ROLE)
def presentation_list(request, tenant_slug):
    queryset = selectors.final_presentations_for_user(request.user, _role(request))
    return list_response(request, queryset, PRESENTATION_LIST, {"search_hint": _("Title or place")})


@require_role(EVERY_ROLE)
def presentation_detail(request, tenant_slug, pk):
    presentation = get_object_or_404(selectors.final_presentations_for_user(request.user, _role(request)), pk=pk)
    context = {
        "presentation": presentation,
        "slots": selectors.presentation_slots(presentation, request.user, _role(request)),
        "history": history_for(presentation)[:50] if _role(request) in MANAGERS else [],
    }
    return render(request, "reports/presentations/detail.html", context)


def _presentation_form(request, presentation=None):
    form = PresentationForm(
        request.POST or None, instance=presentation, placements=selectors.presentable_placements(request.tenant)
    )
    if request.method == "POST" and form.is_valid():
        try:
            presentation = services.presentation_save(
                tenant=request.tenant,
                by=request.user,
                presentation=presentation,
                placements=list(form.cleaned_data["placements"]),
                **form.service_values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Final presentation saved."))
            return redirect(presentation)
    return render(request, "reports/presentations/form.html", {"form": form, "presentation": presentation})


@require_role(MANAGERS)
def presentation_create(request, tenant_slug):
    return _presentation_form(request)


@require_role(MANAGERS)
def presentation_edit(request, tenant_slug, pk):
    presentation = get_object_or_404(selectors.final_presentations_for_user(request.user, _role(request)), pk=pk)
    return _presentation_form(request, presentation)


# --- Settings -------------------------------------------------------------------------------


@require_role(ADMINS)
def report_settings(request, tenant_slug):
    current = selectors.report_settings_for(request.tenant)
    form = ReportSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_settings_save(
                tenant=request.tenant,
                by=request.user,
                edit_days_after=form.cleaned_data["edit_days_after"],
                national_holidays_off=form.cleaned_data["national_holidays_off"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Report settings saved."))
            return redirect("reports:settings", tenant_slug=tenant_slug)
    return _settings_page(request, form, ClosurePeriodForm())


@require_role(MANAGERS)
def report_guide(request, tenant_slug, pk):
    """A program's report guide: the prompts its students see under their report fields."""
    program = get_object_or_404(Program, pk=pk)
    guide = selectors.report_guide_for(program)
    form = ReportGuideForm(request.POST or None, instance=guide or ReportGuide(tenant=request.tenant, program=program))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_guide_save(program=program, by=request.user, prompts=form.prompts())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report guide is saved: students see it when they write their reports."))
            return redirect("reports:report_guide", tenant_slug=tenant_slug, pk=program.pk)
    context = {
        "program": program,
        "form": form,
        "daily_fields": [form[name] for name in ReportGuide.DAILY_FIELDS],
        "monthly_fields": [form[name] for name in ReportGuide.MONTHLY_FIELDS],
        "history": history_for(guide)[:50] if guide is not None else [],
    }
    return render(request, "reports/guide.html", context)


def _settings_page(request, form, closure_form):
    closures = selectors.closures_of_tenant(request.tenant, tenant_today(request.tenant))
    return render(request, "reports/settings.html", {"form": form, "closure_form": closure_form, "closures": closures})


@require_POST
@require_role(ADMINS)
def closure_add(request, tenant_slug):
    """A closure of the whole institution: no report is expected on its days."""
    form = ClosurePeriodForm(request.POST)
    if form.is_valid():
        try:
            services.closure_add(tenant=request.tenant, by=request.user, **form.service_values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Closure saved: no daily report is expected on its days."))
            return redirect("reports:settings", tenant_slug=tenant_slug)
    current = selectors.report_settings_for(request.tenant)
    return _settings_page(request, ReportSettingsForm(instance=current), form)


@require_POST
@require_role(MANAGERS)
def placement_suspension_add(request, tenant_slug, pk):
    """A suspension of one placement (illness, exams...): no report is expected on its days."""
    placement = get_placement_for_user(request, pk)
    form = ClosurePeriodForm(request.POST)
    if form.is_valid():
        try:
            services.closure_add(tenant=request.tenant, by=request.user, placement=placement, **form.service_values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Suspension saved: no daily report is expected on its days."))
            return redirect(_placement_url(placement, selectors.month_start(form.cleaned_data["starts_on"])))
    # The form sits on the calendar page; its errors come back as one message there.
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_placement_url(placement))


@require_POST
@require_role(MANAGERS)
def closure_delete(request, tenant_slug, pk):
    """Staff remove a placement's suspension; only administrators remove a tenant closure."""
    closure = get_object_or_404(ClosurePeriod.objects.select_related("placement"), pk=pk)
    if closure.placement is None:
        if _role(request) not in ADMINS:
            raise PermissionDenied
        target = reverse("reports:settings", kwargs={"tenant_slug": tenant_slug})
    else:
        get_placement_for_user(request, closure.placement_id)
        target = _placement_url(closure.placement, selectors.month_start(closure.starts_on))
    services.closure_delete(closure=closure, by=request.user)
    messages.success(request, _("Removed: its days are expected report days again."))
    return redirect(target)
