"""Evaluations (the partner's 評価報告書 and the faculty's), the final result both faculty
roles agree on, and the tenant's evaluation form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.access import ADMINS, MANAGERS, require_role
from coop.http import error_text, run_action
from coop.lists import ListSpec, field_filter, list_response, search_filter
from coop.models import Role
from coop.workflow import history_for
from placements.access import get_placement_for_user
from placements.selectors import lists

from .. import access, selectors, services
from ..forms import EvaluationFormSettingsForm, ReasonForm, ResultForm
from ..models import Evaluation

# Students see their own final result on the placement's report page, not the evaluations.
EVALUATION_VIEWERS = frozenset({*MANAGERS, Role.FACULTY, Role.PARTNER})


def evaluation_values(post, form):
    """Scores, answers and comments from a POSTed evaluation form."""
    scores = {c["key"]: post.get(f"score_{c['key']}", "") for c in form.criteria}
    answers = {q["key"]: post.get(f"answer_{q['key']}", "") for q in form.questions}
    return {"scores": scores, "answers": answers, "comments": post.get("comments", "")}


def _field_label(model, name):
    return model._meta.get_field(name).verbose_name


EVALUATION_LIST = ListSpec(
    template="reports/evaluations/list.html",
    search=search_filter(lists.search_people("placement__student"), lists.search_partners("placement__partner")),
    filters=(
        field_filter("kind", _field_label(Evaluation, "kind"), "kind", lambda request: Evaluation.Kind.choices),
        lists.state_filter(Evaluation),
        lists.program_filter("placement__theme__program"),
        lists.term_filter("placement__theme__term"),
        lists.partner_filter("placement__partner"),
    ),
    sorts={
        "student": (gettext_lazy("Student"), ["placement__student__full_name", "kind"]),
        "saved": (gettext_lazy("Last saved"), ["updated_at", "id"]),
        "state": (gettext_lazy("State"), ["state", "-updated_at"]),
    },
    default_sort="-saved",
    rows=lambda page: page.select_related("placement", "placement__student", "placement__partner"),
)


@require_role(EVALUATION_VIEWERS)
def evaluation_list(request, tenant_slug):
    """Every evaluation this person may read, paged, searchable and filterable (issue 15)."""
    queryset = selectors.evaluations_for_user(request.user, request.membership.role)
    context = {"search_hint": _("Student, kana, email, student number or partner")}
    return list_response(request, queryset, EVALUATION_LIST, context)


def _evaluations_url(placement):
    return reverse("reports:evaluations", kwargs={"tenant_slug": placement.tenant_slug, "pk": placement.pk})


@require_role(EVALUATION_VIEWERS)
def evaluations(request, tenant_slug, pk):
    placement = get_placement_for_user(request, pk)
    found = selectors.evaluations_of_placement(placement)
    result = selectors.result_for(placement)
    cards = []
    for kind, label in Evaluation.Kind.choices:
        evaluation = found.get(kind)
        cards.append(
            {
                "kind": kind,
                "label": label,
                "evaluation": evaluation,
                "rows": selectors.scored_rows(evaluation) if evaluation else [],
                "may_write": (evaluation is None or evaluation.state == Evaluation.State.DRAFT)
                and access.may_rate(request.user, kind, placement),
            }
        )
    side = access.result_side(request.user, placement)
    initial = (
        {"grade": result.grade, "passed": "1" if result.passed else "0", "comments": result.comments} if result else {}
    )
    context = {
        "placement": placement,
        "cards": cards,
        "result": result,
        "side": side,
        "result_form": ResultForm(initial=initial),
        "may_agree": result is not None
        and not result.is_final
        and (
            (side == "faculty" and not result.agreed_by_faculty)
            or (side == "practitioner" and not result.agreed_by_practitioner)
        ),
        "practitioner_user": selectors.practitioner_user(placement),
        "is_manager": request.membership.role in MANAGERS,
        "history": history_for(result)[:50] if result is not None else [],
    }
    return render(request, "reports/evaluations/placement.html", context)


@require_role(EVALUATION_VIEWERS)
def evaluation_edit(request, tenant_slug, pk, kind):
    if kind not in Evaluation.Kind.values:
        raise Http404
    placement = get_placement_for_user(request, pk)
    evaluation = selectors.evaluations_of_placement(placement).get(kind)
    may_write = (evaluation is None or evaluation.state == Evaluation.State.DRAFT) and access.may_rate(
        request.user, kind, placement
    )
    form = evaluation.form if evaluation else selectors.evaluation_form_for_tenant(request.tenant)
    values = (
        {"scores": evaluation.scores, "answers": evaluation.answers, "comments": evaluation.comments}
        if evaluation
        else {}
    )
    errors = []
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        values = evaluation_values(request.POST, form)
        submit = request.POST.get("action") == "submit"
        try:
            evaluation = services.evaluation_save(
                placement=placement, kind=kind, by=request.user, submit=submit, **values
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The evaluation is submitted.") if submit else _("Saved."))
            return redirect(evaluation)
    criteria, questions = selectors.form_rows(form, values.get("scores"), values.get("answers"))
    context = {
        "placement": placement,
        "kind": kind,
        "kind_label": Evaluation.Kind(kind).label,
        "evaluation": evaluation,
        "form": form,
        "criteria": criteria,
        "questions": questions,
        "comments": values.get("comments", ""),
        "errors": errors,
        "may_write": may_write,
        "rows": selectors.scored_rows(evaluation) if evaluation else [],
        "may_reopen": evaluation is not None
        and evaluation.state == Evaluation.State.SUBMITTED
        and request.membership.role in MANAGERS,
        "reason_form": ReasonForm(),
        "history": history_for(evaluation)[:50]
        if evaluation is not None and request.membership.role in MANAGERS
        else [],
    }
    return render(request, "reports/evaluations/edit.html", context)


@require_role(MANAGERS)
def evaluation_reopen(request, tenant_slug, pk, kind):
    if request.method != "POST":
        raise Http404
    placement = get_placement_for_user(request, pk)
    evaluation = selectors.evaluations_of_placement(placement).get(kind)
    if evaluation is None:
        raise Http404
    form = ReasonForm(request.POST)
    return run_action(
        request,
        lambda: services.evaluation_reopen(evaluation=evaluation, by=request.user, reason=form.data.get("reason", "")),
        success=_("The evaluation is open for changes again."),
        redirect_to=evaluation.get_absolute_url(),
    )


def _side_or_403(request, placement):
    side = access.result_side(request.user, placement)
    if side is None:
        raise PermissionDenied
    return side


@require_role(Role.FACULTY, Role.PARTNER)
def result_save(request, tenant_slug, pk):
    if request.method != "POST":
        raise Http404
    placement = get_placement_for_user(request, pk)
    _side_or_403(request, placement)
    form = ResultForm(request.POST)

    def save():
        if not form.is_valid():
            raise ValidationError(_("Choose a grade."))
        services.result_save(placement=placement, by=request.user, **form.cleaned_data)

    return run_action(
        request,
        save,
        success=_("The result is saved; the other side is asked to agree."),
        redirect_to=_evaluations_url(placement),
    )


@require_role(Role.FACULTY, Role.PARTNER)
def result_agree(request, tenant_slug, pk):
    if request.method != "POST":
        raise Http404
    placement = get_placement_for_user(request, pk)
    _side_or_403(request, placement)
    result = selectors.result_for(placement)
    if result is None:
        raise Http404
    return run_action(
        request,
        lambda: services.result_agree(result=result, by=request.user),
        success=_("You agreed to the result."),
        redirect_to=_evaluations_url(placement),
    )


@require_role(ADMINS)
def evaluation_form_settings(request, tenant_slug):
    current = selectors.evaluation_form_for_tenant(request.tenant)
    initial = {
        "name": _(current.name),
        "criteria": "\n".join(
            f"{_(c['label'])} | {_(c['description'])}" if c.get("description") else _(c["label"])
            for c in current.criteria
        ),
        "questions": "\n".join(_(q["label"]) for q in current.questions),
        "scale_max": current.scale_max,
    }
    form = EvaluationFormSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_form_save(
                tenant=request.tenant,
                by=request.user,
                name=form.cleaned_data["name"],
                criteria_text=form.cleaned_data["criteria"],
                questions_text=form.cleaned_data["questions"],
                scale_max=form.cleaned_data["scale_max"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The evaluation form is saved."))
            return redirect("reports:evaluation_form", tenant_slug=tenant_slug)
    criteria, questions = selectors.form_rows(current)
    context = {"form": form, "current": current, "criteria": criteria, "questions": questions}
    return render(request, "reports/evaluations/form_settings.html", context)
