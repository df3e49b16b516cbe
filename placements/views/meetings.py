"""Meetings around applications and placements: an interview's outcome (面談), the start
orientation (スタートオリエンテーション) and reflection dialogues (振り返りの対話)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import EVERY_ROLE, MANAGERS, require_role
from coop.http import run_action
from coop.models import Role

from ..access import get_placement_for_user, placement_side
from ..forms.meetings import OrientationForm, ReflectionActionsForm, ReflectionNotesForm, ReflectionScheduleForm
from ..forms.selection import InterviewOutcomeForm
from ..models import Interview, Placement, ReflectionDialogue, StartOrientation
from ..selectors.meetings import previous_open_actions, reflection_detail_context
from ..selectors.visibility import applications_for_user, placements_for_user
from ..services import meetings as services
from ..services.selection import interview_update

SELECTORS = frozenset({*MANAGERS, Role.PARTNER})
# The three sides of a placement's meetings: the office, the partner's people, the student.
PARTIES = frozenset({*MANAGERS, Role.PARTNER, Role.STUDENT})


@require_role(SELECTORS)
def interview_edit(request, tenant_slug, pk):
    """The outcome and notes of an interview, by the office or the partner's people."""
    interview = get_object_or_404(
        Interview.objects.filter(
            application__in=applications_for_user(request.user, request.membership.role)
        ).select_related("application__theme", "application__student"),
        pk=pk,
    )
    form = InterviewOutcomeForm(request.POST or None, instance=interview)
    if request.method == "POST" and form.is_valid():
        try:
            interview_update(interview=interview, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Interview saved."))
            return redirect(interview.application)
    return render(request, "placements/meetings/interview_form.html", {"form": form, "interview": interview})


@require_role(MANAGERS)
def orientation_edit(request, tenant_slug, pk):
    placement = get_object_or_404(Placement.objects.select_related("student", "partner", "theme__program"), pk=pk)
    orientation = StartOrientation.objects.filter(placement=placement).first()
    form = OrientationForm(request.POST or None, instance=orientation)
    if request.method == "POST" and form.is_valid():
        try:
            services.orientation_save(placement=placement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The start orientation was saved. Each side now confirms it."))
            return redirect(placement.get_absolute_url() + "#orientation")
    context = {"form": form, "placement": placement, "orientation": orientation}
    return render(request, "placements/meetings/orientation_form.html", context)


@require_POST
@require_role(PARTIES)
def orientation_confirm(request, tenant_slug, pk):
    placement = get_placement_for_user(request, pk)
    return run_action(
        request,
        lambda: services.orientation_confirm(placement=placement, by=request.user),
        success=_("You confirmed the start orientation."),
        redirect_to=placement.get_absolute_url() + "#orientation",
    )


@require_role(MANAGERS)
def reflection_schedule(request, tenant_slug, pk):
    placement = get_object_or_404(Placement.objects.select_related("student", "partner", "theme__program"), pk=pk)
    form = ReflectionScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dialogue = services.reflection_schedule(placement=placement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The reflection dialogue was scheduled; the student and the partner were told.")
            )
            return redirect(dialogue)
    return render(request, "placements/meetings/reflection_schedule.html", {"form": form, "placement": placement})


def _get_dialogue(request, pk):
    return get_object_or_404(
        ReflectionDialogue.objects.filter(
            placement__in=placements_for_user(request.user, request.membership.role)
        ).select_related("placement__student", "placement__partner", "placement__theme__program"),
        pk=pk,
    )


@require_role(EVERY_ROLE)
def reflection_detail(request, tenant_slug, pk):
    dialogue = _get_dialogue(request, pk)
    side = placement_side(dialogue.placement, request.user)
    context = {
        "dialogue": dialogue,
        "placement": dialogue.placement,
        "side": side,
        "notes_form": ReflectionNotesForm(initial={"notes": dialogue.notes_of(side)}) if side else None,
        "actions_form": ReflectionActionsForm(open_actions=previous_open_actions(dialogue))
        if side == "coordinator"
        else None,
        **reflection_detail_context(dialogue),
    }
    return render(request, "placements/meetings/reflection_detail.html", context)


@require_POST
@require_role(PARTIES)
def reflection_notes(request, tenant_slug, pk):
    dialogue = _get_dialogue(request, pk)
    form = ReflectionNotesForm(request.POST)
    notes = form.cleaned_data["notes"] if form.is_valid() else ""
    return run_action(
        request,
        lambda: services.reflection_write_notes(dialogue=dialogue, by=request.user, notes=notes),
        success=_("Your notes were saved."),
        redirect_to=dialogue,
    )


@require_POST
@require_role(MANAGERS)
def reflection_actions(request, tenant_slug, pk):
    dialogue = _get_dialogue(request, pk)
    form = ReflectionActionsForm(request.POST, open_actions=previous_open_actions(dialogue))
    if not form.is_valid():
        messages.error(request, _("Check the next actions."))
        return redirect(dialogue)
    return run_action(
        request,
        lambda: services.reflection_actions_save(dialogue=dialogue, by=request.user, **form.service_values()),
        success=_("The next actions were saved."),
        redirect_to=dialogue,
    )


urlpatterns = [
    path("interviews/<int:pk>/", interview_edit, name="interview_edit"),
    path("placements/<int:pk>/orientation/", orientation_edit, name="orientation_edit"),
    path("placements/<int:pk>/orientation/confirm/", orientation_confirm, name="orientation_confirm"),
    path("placements/<int:pk>/reflections/new/", reflection_schedule, name="reflection_schedule"),
    path("reflections/<int:pk>/", reflection_detail, name="reflection_detail"),
    path("reflections/<int:pk>/notes/", reflection_notes, name="reflection_notes"),
    path("reflections/<int:pk>/actions/", reflection_actions, name="reflection_actions"),
]
