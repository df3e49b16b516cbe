"""Views of the rubrics app: rubrics and their versions, assessment windows, filling an
assessment, emailed rater links, and growth per student and per cohort (SVG charts with a
table beside each)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coop import charts
from coop.access import EVERY_ROLE, MANAGERS, require_role, tenant_public
from coop.http import error_text, run_action
from coop.links import link_refused
from coop.lists import ListSpec, field_filter, list_response, search_filter
from coop.models import Role
from coop.workflow import history_for
from placements.access import get_placement_for_user
from placements.models import Theme
from placements.selectors import lists
from placements.selectors.visibility import placements_for_user

from . import selectors, services
from .access import may_rate
from .builtins import TEMPLATES
from .forms import (
    AssessmentForm,
    CohortForm,
    LinkSendForm,
    RubricEditForm,
    TemplateForm,
    WindowDatesForm,
    WindowForm,
)
from .models import AssessmentWindow, Phase, Rater, Rubric

GROWTH_VIEWERS = frozenset({*MANAGERS, Role.FACULTY})
PHASE_LABELS = dict(Phase.choices)
RATER_LABELS = dict(Rater.choices)


# --- Rubrics ------------------------------------------------------------------------------------


def _rubric_list_page(request, template_form):
    context = {
        "rubrics": selectors.rubrics_current(request.tenant),
        "template_form": template_form,
        "templates": TEMPLATES,
    }
    return render(request, "rubrics/rubric_list.html", context)


@require_GET
@require_role(MANAGERS)
def rubric_list(request, tenant_slug):
    return _rubric_list_page(request, TemplateForm())


@require_POST
@require_role(MANAGERS)
def rubric_create(request, tenant_slug):
    form = TemplateForm(request.POST)
    if not form.is_valid():
        # The list again with the form's own errors (a too long name is not "choose a template").
        return _rubric_list_page(request, form)
    try:
        rubric = services.rubric_create_from_template(
            tenant=request.tenant,
            template=form.cleaned_data["template"],
            name=form.cleaned_data["name"],
            by=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _rubric_list_page(request, form)
    messages.success(request, _("The rubric is made from the template: adjust it to your program."))
    return redirect("rubrics:rubric_edit", tenant_slug=tenant_slug, pk=rubric.pk)


def _rubric(pk):
    return get_object_or_404(Rubric, pk=pk)


@require_GET
@require_role(MANAGERS)
def rubric_detail(request, tenant_slug, pk):
    rubric = _rubric(pk)
    context = {
        "rubric": rubric,
        "is_used": selectors.rubric_is_used(rubric),
        "versions": selectors.rubric_versions(rubric),
        "history": history_for(rubric)[:30],
    }
    return render(request, "rubrics/rubric_detail.html", context)


@require_role(MANAGERS)
def rubric_edit(request, tenant_slug, pk):
    rubric = _rubric(pk)
    if not rubric.is_current:
        messages.error(request, _("Only the current version of a rubric can be changed."))
        return redirect(rubric)
    form = RubricEditForm(request.POST or None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        levels, criteria = form.structure()
        try:
            saved = services.rubric_update(
                rubric=rubric,
                by=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                levels=levels,
                criteria=criteria,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved.pk != rubric.pk:
                messages.success(
                    request,
                    _("Version %(old)s is in use, so the changes are version %(new)s.")
                    % {"old": rubric.version, "new": saved.version},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(saved)
    context = {"rubric": rubric, "form": form, "is_used": selectors.rubric_is_used(rubric)}
    return render(request, "rubrics/rubric_edit.html", context)


# --- Windows ------------------------------------------------------------------------------------


@require_GET
@require_role(MANAGERS)
def window_list(request, tenant_slug):
    queryset = AssessmentWindow.objects.filter(tenant=request.tenant)
    return list_response(request, queryset, WINDOW_LIST, {"search_hint": _("Rubric")})


WINDOW_LIST = ListSpec(
    template="rubrics/window_list.html",
    search=search_filter("rubric__name"),
    filters=(
        field_filter("phase", gettext_lazy("Phase"), "phase", lambda r: Phase.choices),
        lists.program_filter(),
        lists.term_filter(),
    ),
    sorts={"opens": (gettext_lazy("Open period"), ["opens_on"]), "rubric": (gettext_lazy("Rubric"), ["rubric__name"])},
    default_sort="-opens",
    rows=selectors.window_list_rows,
)


@require_role(MANAGERS)
def window_create(request, tenant_slug):
    initial = {"rubric": request.GET["rubric"]} if request.GET.get("rubric", "").isdigit() else {}
    form = WindowForm(request.POST or None, tenant=request.tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            window = services.window_create(
                tenant=request.tenant,
                by=request.user,
                rubric=data["rubric"],
                phase=data["phase"],
                program=data["program"],
                term=data["term"],
                placement=data["placement"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                raters=data["raters"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assessment window is set."))
            return redirect(window)
    return render(request, "rubrics/window_form.html", {"form": form})


def _window(pk):
    return get_object_or_404(
        AssessmentWindow.objects.select_related("rubric", "program", "term", "placement__student"), pk=pk
    )


@require_GET
@require_role(MANAGERS)
def window_detail(request, tenant_slug, pk):
    window = _window(pk)
    context = {
        "window": window,
        "dates_form": WindowDatesForm(initial={"opens_on": window.opens_on, "closes_on": window.closes_on}),
        "raters": [(rater, RATER_LABELS[rater]) for rater in window.raters],
        "rows": selectors.window_rows(window),
        "history": history_for(window)[:30],
    }
    return render(request, "rubrics/window_detail.html", context)


@require_POST
@require_role(MANAGERS)
def link_send(request, tenant_slug, pk, placement_pk):
    window = _window(pk)
    placement = get_placement_for_user(request, placement_pk)
    contacts = [s.contact for s in placement.supervisors.select_related("contact") if s.contact.email]
    form = LinkSendForm(request.POST, contacts=contacts)

    def send():
        if not form.is_valid():
            raise ValidationError(_("Choose a partner supervisor with an email address."))
        contact = form.cleaned_data["contact"]
        services.rater_link_send(window=window, placement=placement, contact=contact, by=request.user)

    return run_action(request, send, success=_("The link is sent."), redirect_to=window.get_absolute_url())


@require_POST
@require_role(MANAGERS)
def window_dates(request, tenant_slug, pk):
    window = _window(pk)
    form = WindowDatesForm(request.POST)

    def change():
        if not form.is_valid():
            raise ValidationError(_("Give both dates."))
        services.window_set_dates(window=window, by=request.user, **form.cleaned_data)

    return run_action(request, change, success=_("The dates are changed."), redirect_to=window.get_absolute_url())


@require_POST
@require_role(MANAGERS)
def links_send_all(request, tenant_slug, pk):
    window = _window(pk)
    try:
        sent = services.rater_links_send_all(window=window, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Links sent: %(n)s.") % {"n": sent})
    return redirect(window)


@require_POST
@require_role(MANAGERS)
def link_revoke(request, tenant_slug, pk):
    found = selectors.link_for_staff(pk)
    if found is None:
        raise Http404
    get_placement_for_user(request, found.placement_id)
    return run_action(
        request,
        lambda: services.rater_link_revoke(link=found, by=request.user),
        success=_("The link is revoked."),
        redirect_to=found.window.get_absolute_url(),
    )


# --- Filling an assessment ----------------------------------------------------------------------


def _initial(assessment):
    if assessment is None:
        return {}
    initial = {f"score_{s.criterion}": str(s.value) for s in assessment.scores.all()}
    initial["comment"] = assessment.comment
    return initial


@require_role(EVERY_ROLE)
def assessment_fill(request, tenant_slug, pk, placement_pk, rater):
    if rater not in Rater.values:
        raise Http404
    window = _window(pk)
    placement = get_placement_for_user(request, placement_pk)
    if not selectors.window_placements(window).filter(pk=placement.pk).exists() or rater not in window.raters:
        raise Http404
    if not may_rate(request, placement, rater):
        raise PermissionDenied
    assessment = selectors.assessment_detail(window, placement, rater)
    form = AssessmentForm(request.POST or None, rubric=window.rubric, initial=_initial(assessment))
    is_open = window.is_open()
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("This assessment window is not open."))
            return redirect(request.path)
        if form.is_valid():
            try:
                services.assessment_submit(
                    window=window,
                    placement=placement,
                    rater=rater,
                    raw=form.raw(),
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The assessment is saved. Thank you."))
                if request.membership.role in MANAGERS:
                    return redirect(window)
                return redirect("rubrics:my_assessments", tenant_slug=tenant_slug)
    context = {
        "window": window,
        "placement": placement,
        "rater": rater,
        "rater_label": RATER_LABELS[rater],
        "assessment": assessment,
        "form": form,
        "is_open": is_open,
    }
    return render(request, "rubrics/assessment_form.html", context)


@require_GET
@require_role(EVERY_ROLE)
def my_assessments(request, tenant_slug):
    role = request.membership.role
    context = {
        "rows": selectors.assessments_to_do(request.user, role, request.tenant),
        "placements": placements_for_user(request.user, role).select_related("student", "partner", "theme")[:50],
        "role": role,
    }
    return render(request, "rubrics/my_assessments.html", context)


# --- Growth -------------------------------------------------------------------------------------


def _growth_charts(growth, placement):
    """Per rubric: one chart per rater of the phases side by side, and one of the raters side
    by side at the last phase; each with the rows of its table."""
    sections = []
    for n, item in enumerate(growth):
        rubric, phases, raters = item["rubric"], item["phases"], item["raters"]
        names = [c["name"] for c in item["criteria"]]
        by_rater = []
        for rater in raters:
            series = [
                (
                    PHASE_LABELS[phase],
                    charts.PHASE_COLORS[phase],
                    [c["cells"][(phase, rater)] for c in item["criteria"]],
                )
                for phase in phases
            ]
            title = _("%(rubric)s: %(rater)s, before and after") % {"rubric": rubric.name, "rater": RATER_LABELS[rater]}
            by_rater.append(
                {
                    "rater": rater,
                    "label": RATER_LABELS[rater],
                    "title": title,
                    "svg": charts.grouped_bars(
                        chart_id=f"g{n}-{rater}",
                        title=title,
                        desc=_("Points per criterion in each phase; the table below has the same numbers."),
                        categories=names,
                        series=series,
                        scale_max=rubric.scale_max,
                    ),
                    "rows": [
                        {
                            "name": c["name"],
                            # (column label, value): on a phone each cell is shown under its label.
                            "cells": [(PHASE_LABELS[phase], c["cells"][(phase, rater)]) for phase in phases],
                            "change": c["changes"][rater],
                        }
                        for c in item["criteria"]
                    ],
                }
            )
        compare = None
        if len(raters) > 1 and phases:
            last = phases[-1]
            title = _("%(rubric)s: raters compared (%(phase)s)") % {"rubric": rubric.name, "phase": PHASE_LABELS[last]}
            compare = {
                "phase": PHASE_LABELS[last],
                "title": title,
                "svg": charts.grouped_bars(
                    chart_id=f"g{n}-raters",
                    title=title,
                    desc=_("Points per criterion by each rater; the table below has the same numbers."),
                    categories=names,
                    series=[
                        (
                            RATER_LABELS[rater],
                            charts.RATER_COLORS[rater],
                            [c["cells"][(last, rater)] for c in item["criteria"]],
                        )
                        for rater in raters
                    ],
                    scale_max=rubric.scale_max,
                ),
                "rows": [
                    {
                        "name": c["name"],
                        "cells": [(RATER_LABELS[rater], c["cells"][(last, rater)]) for rater in raters],
                    }
                    for c in item["criteria"]
                ],
            }
        sections.append(
            {
                "rubric": rubric,
                "phases": [PHASE_LABELS[p] for p in phases],
                "raters": [RATER_LABELS[r] for r in raters],
                "by_rater": by_rater,
                "compare": compare,
            }
        )
    return sections


@require_GET
@require_role(EVERY_ROLE)
def placement_growth(request, tenant_slug, pk):
    placement = get_placement_for_user(request, pk)
    # Students see their own self-assessments; the others' ratings are for the staff side.
    raters = [Rater.SELF] if request.membership.role == Role.STUDENT else selectors.RATER_ORDER
    growth = selectors.placement_growth(placement, raters=raters)
    context = {"placement": placement, "sections": _growth_charts(growth, placement)}
    return render(request, "rubrics/placement_growth.html", context)


@require_GET
@require_role(GROWTH_VIEWERS)
def cohort_growth(request, tenant_slug):
    role = request.membership.role
    visible = placements_for_user(request.user, role)
    themes = Theme.objects.filter(pk__in=visible.values("theme_id"))
    form = CohortForm(request.GET or None, tenant=request.tenant, themes=themes)
    context = {"form": form, "result": None}
    if form.is_bound and form.is_valid():
        chosen = form.selection()
        placements = selectors.cohort_placements(
            request.user, role, program=chosen["program"], term=chosen["term"], theme=chosen["theme"]
        )
        result = selectors.cohort_growth(chosen["rubric"], placements, rater=chosen["rater"])
        title = _("%(rubric)s: distribution before and after (%(rater)s)") % {
            "rubric": chosen["rubric"].name,
            "rater": RATER_LABELS[chosen["rater"]],
        }
        context.update(
            {
                "result": result,
                "chosen": chosen,
                "rater_label": RATER_LABELS[chosen["rater"]],
                "title": title,
                "svg": charts.distribution_bars(
                    chart_id="cohort",
                    title=title,
                    desc=_(
                        "Share of students at each level before and after, per criterion, with the mean change "
                        "at the right; the table below has the same numbers."
                    ),
                    rows=result["criteria"],
                    levels=result["levels"],
                    before_label=_("Pre"),
                    after_label=_("Post"),
                ),
            }
        )
    return render(request, "rubrics/cohort_growth.html", context)


# --- The emailed link (no account, no sign-in) --------------------------------------------------


@never_cache
@tenant_public
def rater_link(request, tenant_slug, token):
    """The page an emailed link opens: the one assessment it is for, and nothing else."""
    found = selectors.rater_link_for_token(request.tenant, token)
    if found is None or found.status != "pending":
        return link_refused(request, found)
    window = found.window
    if not window.is_open():
        return link_refused(request, found, reason="closed")
    form = AssessmentForm(request.POST or None, rubric=window.rubric)
    context = {"link": found, "window": window, "placement": found.placement, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rater_link_submit(link=found, raw=form.raw(), comment=form.cleaned_data["comment"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(request, "rubrics/link_done.html", context)
    else:
        services.rater_link_open(link=found)
    return render(request, "rubrics/link_form.html", context)
