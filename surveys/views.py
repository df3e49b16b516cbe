"""Views of the surveys app: survey forms and their versions, rounds, answering (from the
dashboard or an emailed link), and the results of a round with a chart per question."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coop import charts
from coop.access import EVERY_ROLE, MANAGERS, require_role, tenant_public
from coop.http import error_text, run_action
from coop.links import link_refused
from coop.lists import ListSpec, list_response, search_filter
from coop.workflow import history_for
from placements.selectors import lists

from . import selectors, services
from .access import get_response_for_user
from .forms import AnswerForm, RoundDatesForm, RoundForm, SurveyFormEditForm
from .models import RATING_SCALE, Audience, QuestionType, SurveyForm, SurveyResponse, SurveyRound

AUDIENCE_LABELS = dict(Audience.choices)


# --- Forms --------------------------------------------------------------------------------------


@require_GET
@require_role(MANAGERS)
def form_list(request, tenant_slug):
    return render(request, "surveys/form_list.html", {"surveys": selectors.forms_current(request.tenant)})


@require_role(MANAGERS)
def form_create(request, tenant_slug):
    form = SurveyFormEditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.form_create(
                tenant=request.tenant,
                by=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                questions=form.questions(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect(survey)
    return render(request, "surveys/form_edit.html", {"form": form, "survey": None, "is_used": False})


def _survey(pk):
    return get_object_or_404(SurveyForm, pk=pk)


@require_GET
@require_role(MANAGERS)
def form_detail(request, tenant_slug, pk):
    survey = _survey(pk)
    context = {
        "survey": survey,
        "is_used": selectors.form_is_used(survey),
        "versions": selectors.form_versions(survey),
        "history": history_for(survey)[:30],
    }
    return render(request, "surveys/form_detail.html", context)


@require_role(MANAGERS)
def form_edit(request, tenant_slug, pk):
    survey = _survey(pk)
    if not survey.is_current:
        messages.error(request, _("Only the current version of a survey can be changed."))
        return redirect(survey)
    form = SurveyFormEditForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.form_update(
                form=survey,
                by=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                questions=form.questions(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved.pk != survey.pk:
                messages.success(
                    request,
                    _("Version %(old)s has answers, so the changes are version %(new)s.")
                    % {"old": survey.version, "new": saved.version},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(saved)
    context = {"survey": survey, "form": form, "is_used": selectors.form_is_used(survey)}
    return render(request, "surveys/form_edit.html", context)


# --- Rounds -------------------------------------------------------------------------------------


ROUND_LIST = ListSpec(
    template="surveys/round_list.html",
    search=search_filter("form__name"),
    filters=(lists.program_filter(), lists.term_filter()),
    sorts={
        "opens": (gettext_lazy("Open period"), ["opens_on"]),
        "survey": (gettext_lazy("Survey"), ["form__name"]),
    },
    default_sort="-opens",
    rows=selectors.round_list_rows,
)


@require_GET
@require_role(MANAGERS)
def round_list(request, tenant_slug):
    queryset = SurveyRound.objects.filter(tenant=request.tenant)
    return list_response(request, queryset, ROUND_LIST, {"search_hint": _("Survey")})


@require_role(MANAGERS)
def round_create(request, tenant_slug):
    initial = {"form": request.GET["form"]} if request.GET.get("form", "").isdigit() else {}
    form = RoundForm(request.POST or None, tenant=request.tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey_round = services.round_create(
                tenant=request.tenant,
                by=request.user,
                form=data["form"],
                program=data["program"],
                term=data["term"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                audiences=data["audiences"],
                send_links=data["send_links"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The survey is open: every person asked sees it on their dashboard."))
            return redirect(survey_round)
    return render(request, "surveys/round_form.html", {"form": form})


def _round(pk):
    return get_object_or_404(SurveyRound.objects.select_related("form", "program", "term__program"), pk=pk)


@require_GET
@require_role(MANAGERS)
def round_detail(request, tenant_slug, pk):
    survey_round = _round(pk)
    context = {
        "round": survey_round,
        "dates_form": RoundDatesForm(initial={"opens_on": survey_round.opens_on, "closes_on": survey_round.closes_on}),
        "rows": selectors.round_rows(survey_round),
        "results": selectors.round_results(survey_round, with_texts=False),
        "history": history_for(survey_round)[:30],
    }
    return render(request, "surveys/round_detail.html", context)


@require_POST
@require_role(MANAGERS)
def round_dates(request, tenant_slug, pk):
    survey_round = _round(pk)
    form = RoundDatesForm(request.POST)

    def change():
        if not form.is_valid():
            raise ValidationError(_("Give both dates."))
        services.round_set_dates(survey_round=survey_round, by=request.user, **form.cleaned_data)

    return run_action(request, change, success=_("The dates are changed."), redirect_to=survey_round.get_absolute_url())


@require_POST
@require_role(MANAGERS)
def round_sync(request, tenant_slug, pk):
    survey_round = _round(pk)
    added = services.round_sync_respondents(survey_round=survey_round, by=request.user)
    messages.success(request, _("People added: %(n)s.") % {"n": added})
    return redirect(survey_round)


@require_POST
@require_role(MANAGERS)
def links_send_all(request, tenant_slug, pk):
    survey_round = _round(pk)
    try:
        sent = services.survey_links_send_all(survey_round=survey_round, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Links sent: %(n)s.") % {"n": sent})
    return redirect(survey_round)


@require_POST
@require_role(MANAGERS)
def link_send(request, tenant_slug, pk):
    response = get_object_or_404(SurveyResponse.objects.select_related("round", "contact"), pk=pk)
    return run_action(
        request,
        lambda: services.survey_link_send(response=response, by=request.user),
        success=_("The link is sent."),
        redirect_to=response.round.get_absolute_url(),
    )


@require_POST
@require_role(MANAGERS)
def link_revoke(request, tenant_slug, pk):
    found = selectors.link_for_staff(pk)
    if found is None:
        raise Http404
    return run_action(
        request,
        lambda: services.survey_link_revoke(link=found, by=request.user),
        success=_("The link is revoked."),
        redirect_to=found.response.round.get_absolute_url(),
    )


# --- Results ------------------------------------------------------------------------------------


def result_charts(survey_round, results, *, prefix="q"):
    """Per question: a bar chart of the counts per rating level or choice (a bar per audience),
    or the free-text answers; each chart with the table of the same numbers."""
    shown = []
    for n, question in enumerate(results["questions"]):
        item = {"question": question, "chart": "", "labels": [], "rows": []}
        cells = question["by_audience"]
        if question["type"] in (QuestionType.RATING, QuestionType.SINGLE, QuestionType.MULTIPLE):
            labels = [str(v) for v in RATING_SCALE] if question["type"] == QuestionType.RATING else question["choices"]
            item["labels"] = labels
            item["rows"] = [
                {"label": cell["label"], "n": cell["n"], "mean": cell.get("mean"), "counts": cell["counts"]}
                for cell in cells
            ]
            title = question["text"]
            item["chart"] = mark_safe(  # noqa: S308 - coop.charts escapes every text it draws
                charts.bar_chart(title, labels, [(cell["label"], cell["counts"]) for cell in cells])
            )
        else:
            item["texts"] = [(cell["label"], text) for cell in cells for text in cell.get("texts", [])]
        item["id"] = f"{prefix}{n}"
        shown.append(item)
    return shown


@require_GET
@require_role(MANAGERS)
def round_results(request, tenant_slug, pk):
    survey_round = _round(pk)
    results = selectors.round_results(survey_round)
    rate_rows = [(row["label"], row["rate"] or 0) for row in results["rates"]]
    context = {
        "round": survey_round,
        "results": results,
        "questions": result_charts(survey_round, results),
        "rate_chart": charts.rate_bars(chart_id="rates", title=_("Response rate"), rows=rate_rows),
    }
    return render(request, "surveys/round_results.html", context)


# --- Answering ----------------------------------------------------------------------------------


@require_GET
@require_role(EVERY_ROLE)
def my_surveys(request, tenant_slug):
    rows = list(selectors.responses_for_user(request.user, request.membership.role, request.tenant))
    return render(request, "surveys/my_surveys.html", {"rows": rows})


@require_role(EVERY_ROLE)
def response_fill(request, tenant_slug, pk):
    response = get_response_for_user(request, pk)
    survey_round = response.round
    survey = response.form or survey_round.form
    form = AnswerForm(request.POST or None, survey=survey)
    is_open = survey_round.is_open()
    if request.method == "POST":
        if response.is_answered:
            messages.error(request, _("This survey is answered already."))
            return redirect(request.path)
        if not is_open:
            messages.error(request, _("This survey is not open."))
            return redirect(request.path)
        if form.is_valid():
            try:
                services.response_submit(response=response, raw=form.raw(), by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your answers are saved. Thank you."))
                return redirect("surveys:my_surveys", tenant_slug=tenant_slug)
    context = {
        "response": response,
        "round": survey_round,
        "survey": survey,
        "placement": response.placement,
        "form": form,
        "is_open": is_open,
        "audience_label": AUDIENCE_LABELS[response.audience],
    }
    return render(request, "surveys/response_form.html", context)


# --- The emailed link (no account, no sign-in) --------------------------------------------------


@never_cache
@tenant_public
def survey_link(request, tenant_slug, token):
    """The page an emailed link opens: the one survey it is for, and nothing else."""
    found = selectors.survey_link_for_token(request.tenant, token)
    if found is None or found.status != "pending":
        return link_refused(request, found)
    response = found.response
    survey_round = response.round
    if not survey_round.is_open():
        return link_refused(request, found, reason="survey_closed")
    form = AnswerForm(request.POST or None, survey=survey_round.form)
    context = {"link": found, "round": survey_round, "survey": survey_round.form, "placement": response.placement}
    context["form"] = form
    if request.method == "POST":
        if form.is_valid():
            try:
                services.survey_link_submit(link=found, raw=form.raw())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(request, "surveys/link_done.html", context)
    else:
        services.survey_link_open(link=found)
    return render(request, "surveys/link_form.html", context)
