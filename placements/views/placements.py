from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coop.access import EVERY_ROLE, MANAGERS, require_role
from coop.http import run_action
from coop.lists import ListSpec, list_response
from coop.selectors import member_by_email, member_users

from ..access import get_placement_for_user, placement_side
from ..exports import TABLES
from ..forms.placements import CareerOutcomeForm, GrantForm, PlacementForm, TransitionForm
from ..models import Agreement, Application, Placement
from ..selectors import lists
from ..selectors.agreements import work_period_agreement
from ..selectors.meetings import placement_meetings_context
from ..selectors.placements import placement_detail_context, placement_list_rows
from ..selectors.visibility import placements_for_user
from ..services import placements as services

# What the button that moves a placement into each state says.
PLACEMENT_ACTIONS = {
    Placement.State.ACTIVE: gettext_lazy("Start the placement"),
    Placement.State.SUSPENDED: gettext_lazy("Suspend"),
    Placement.State.COMPLETED: gettext_lazy("Mark as completed"),
    Placement.State.TERMINATED: gettext_lazy("Terminate early"),
}


def _resume_or_start(placement, state):
    if state == Placement.State.ACTIVE and placement.state == Placement.State.SUSPENDED:
        return gettext_lazy("Resume the placement")
    return PLACEMENT_ACTIONS[state]


PLACEMENT_LIST = ListSpec(
    template="placements/placements/list.html",
    search=lists.PLACEMENT_SEARCH,
    filters=(
        lists.state_filter(Placement),
        lists.program_filter("theme__program"),
        lists.term_filter("theme__term"),
        lists.faculty_filter(),
        lists.outcome_filter(),
        lists.partner_filter(),
    ),
    sorts={
        "student": (gettext_lazy("Student"), ["student__full_name"]),
        "partner": (gettext_lazy("Partner"), ["partner__name"]),
        "theme": (gettext_lazy("Theme"), ["theme__title"]),
        "starts": (gettext_lazy("Period"), ["starts_on"]),
        "state": (gettext_lazy("State"), ["state"]),
    },
    default_sort="-starts",
    rows=placement_list_rows,
    export=TABLES["placements"],
)


@require_role(EVERY_ROLE)
def placement_list(request, tenant_slug):
    """Paged, searchable, filterable; the career outcome shows and filters (issue 11 item 16)."""
    queryset = placements_for_user(request.user, request.membership.role)
    return list_response(
        request, queryset, PLACEMENT_LIST, {"search_hint": _("Student, kana, email, student number, partner or theme")}
    )


@require_role(MANAGERS)
def placement_create(request, tenant_slug, pk):
    """Creates the placement of an accepted application whose pledge is signed."""
    application = get_object_or_404(Application.objects.select_related("theme", "student", "theme__term"), pk=pk)
    theme = application.theme
    initial = {"pay": theme.pay, "practitioner": theme.practitioner_id}
    # The work period the theme's implementation plan sets; the term's start when there is none.
    plan = work_period_agreement(theme)
    if plan is not None and plan.kind != Agreement.Kind.IMPLEMENTATION_PLAN:
        plan = None  # a co-op agreement's validity bounds the placement but is not its work period
    if plan is not None and plan.valid_from:
        initial["starts_on"] = plan.valid_from
    elif theme.term:
        initial["starts_on"] = theme.term.starts_on
    if plan is not None and plan.valid_until:
        initial["ends_on"] = plan.valid_until
    form = PlacementForm(
        request.POST or None, tenant=request.tenant, partner=theme.partner, program=theme.program, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_create(
                theme=theme,
                student=application.student,
                application=application,
                by=request.user,
                supervisors=list(form.cleaned_data["supervisors"]),
                **form.service_values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The placement was created."))
            return redirect(placement)
    return render(request, "placements/placements/form.html", {"form": form, "application": application})


@require_role(EVERY_ROLE)
def placement_detail(request, tenant_slug, pk):
    placement = get_placement_for_user(request, pk)
    next_states = [
        (s, _resume_or_start(placement, s), s in Placement.NEEDS_REASON)
        for s in Placement.State.values
        if s in Placement.TRANSITIONS[placement.state]
    ]
    context = {
        "placement": placement,
        "next_states": next_states,
        "transition_form": TransitionForm(),
        "grant_form": GrantForm(),
        "outcome_form": CareerOutcomeForm(instance=getattr(placement, "career_outcome", None)),
        **placement_detail_context(placement),
        **placement_meetings_context(placement, placement_side(placement, request.user)),
    }
    return render(request, "placements/placements/detail.html", context)


@require_role(MANAGERS)
def placement_edit(request, tenant_slug, pk):
    placement = get_object_or_404(Placement.objects.select_related("partner", "theme__program"), pk=pk)
    form = PlacementForm(
        request.POST or None,
        instance=placement,
        tenant=request.tenant,
        partner=placement.partner,
        program=placement.theme.program,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_update(
                placement=placement,
                by=request.user,
                supervisors=list(form.cleaned_data["supervisors"]),
                **form.service_values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Placement saved."))
            return redirect(placement)
    return render(request, "placements/placements/form.html", {"form": form, "placement": placement})


@require_POST
@require_role(MANAGERS)
def placement_transition(request, tenant_slug, pk, state):
    placement = get_object_or_404(Placement, pk=pk)
    form = TransitionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    label = dict(Placement.State.choices).get(state, state)
    return run_action(
        request,
        lambda: services.placement_transition(placement=placement, to=state, by=request.user, reason=reason),
        success=_("The placement is now “%(state)s”.") % {"state": label},
        redirect_to=placement,
    )


@require_POST
@require_role(MANAGERS)
def placement_outcome(request, tenant_slug, pk):
    placement = get_object_or_404(Placement, pk=pk)
    form = CareerOutcomeForm(request.POST, instance=getattr(placement, "career_outcome", None))
    if not form.is_valid():
        messages.error(request, _("Check the career outcome."))
        return redirect(placement)
    return run_action(
        request,
        lambda: services.career_outcome_record(placement=placement, by=request.user, **form.cleaned_data),
        success=_("Career outcome saved."),
        redirect_to=placement,
    )


@require_POST
@require_role(MANAGERS)
def placement_grant(request, tenant_slug, pk):
    placement = get_object_or_404(Placement, pk=pk)
    form = GrantForm(request.POST)
    user = member_by_email(request.tenant, form.cleaned_data["email"]) if form.is_valid() else None

    def grant():
        if user is None:
            raise ValidationError(_("No member of this institution has that email address."))
        services.placement_grant_access(placement=placement, user=user, by=request.user)

    return run_action(request, grant, success=_("Access given."), redirect_to=placement)


@require_POST
@require_role(MANAGERS)
def placement_revoke(request, tenant_slug, pk, user_pk):
    placement = get_object_or_404(Placement, pk=pk)
    # Members only, active or not (a grant outlives a deactivated membership until revoked).
    user = get_object_or_404(member_users(request.tenant, active_only=False), pk=user_pk)
    return run_action(
        request,
        lambda: services.placement_revoke_access(placement=placement, user=user, by=request.user),
        success=_("Access removed."),
        redirect_to=placement,
    )


urlpatterns = [
    path("placements/", placement_list, name="placement_list"),
    path("applications/<int:pk>/placement/", placement_create, name="placement_create"),
    path("placements/<int:pk>/", placement_detail, name="placement_detail"),
    path("placements/<int:pk>/edit/", placement_edit, name="placement_edit"),
    path("placements/<int:pk>/state/<str:state>/", placement_transition, name="placement_transition"),
    path("placements/<int:pk>/access/", placement_grant, name="placement_grant"),
    path("placements/<int:pk>/outcome/", placement_outcome, name="placement_outcome"),
    path("placements/<int:pk>/access/<int:user_pk>/revoke/", placement_revoke, name="placement_revoke"),
]
