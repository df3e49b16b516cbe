"""Reads for the meetings around a placement: interviews (面談) ahead, the start orientation,
reflection dialogues (振り返りの対話) and what waits on whom. Each read is a fixed number of
queries whatever the number of rows."""

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.access import MANAGERS

from ..models import (
    SIDE_LABELS,
    SIDES,
    Cadence,
    Interview,
    InterviewParticipant,
    Placement,
    ReflectionAction,
    ReflectionDialogue,
    StartOrientation,
)
from ..models.programs import cadence_after, cadence_cutoff
from . import visibility


def orientation_for(placement):
    return (
        StartOrientation.objects.filter(placement=placement)
        .select_related("student_confirmed_by", "partner_confirmed_by", "coordinator_confirmed_by")
        .first()
    )


def orientation_missing_reason(placement, orientation=None):
    """Why `placement` may not become active yet because of its start orientation (a sentence),
    or "" when its program does not require one or every side has confirmed it."""
    program = placement.theme.program
    if program is None or not program.orientation_required:
        return ""
    orientation = orientation or orientation_for(placement)
    if orientation is None:
        return _(
            "This program requires a start orientation confirmed by the student, the partner and the "
            "coordinator before the placement starts. No start orientation has been recorded yet."
        )
    missing = [str(SIDE_LABELS[side]) for side in SIDES if not orientation.confirmed_at(side)]
    if missing:
        return _(
            "This program requires a start orientation confirmed by the student, the partner and the "
            "coordinator before the placement starts. Still to confirm: %(sides)s."
        ) % {"sides": _(", ").join(missing)}
    return ""


def _local_date(moment):
    return timezone.localtime(moment).date()


def next_reflection_due(placement, last_dialogue):
    """The day the next reflection dialogue of `placement` is due by its program's cadence
    (None: not in progress, or no cadence)."""
    program = placement.theme.program
    if placement.state != Placement.State.ACTIVE or program is None or not program.reflection_cadence:
        return None
    base = _local_date(last_dialogue.scheduled_at) if last_dialogue is not None else placement.starts_on
    return cadence_after(program.reflection_cadence, base)


def placement_meetings_context(placement, side):
    """The placement page's section on meetings: the start orientation (and which sides still
    confirm it), the reflection dialogues with their actions, and when the next one is due.
    Four queries whatever the number of dialogues."""
    orientation = orientation_for(placement)
    reflections = list(
        ReflectionDialogue.objects.filter(placement=placement)
        .annotate(action_count=Count("actions"))
        .order_by("number")
    )
    last = reflections[-1] if reflections else None
    return {
        "orientation": orientation,
        "orientation_missing": orientation_missing_reason(placement, orientation) if orientation else "",
        "orientation_required": bool(placement.theme.program and placement.theme.program.orientation_required),
        "may_confirm_orientation": (
            orientation is not None and side is not None and orientation.confirmed_at(side) is None
        ),
        "meeting_side": side,
        "reflections": reflections,
        "next_reflection_due": next_reflection_due(placement, last),
        "reflection_cadence": placement.theme.program.get_reflection_cadence_display()
        if placement.theme.program and placement.theme.program.reflection_cadence
        else "",
    }


def reflection_detail_context(dialogue):
    """A dialogue's actions and the previous dialogue's, followed up on this one."""
    actions = list(ReflectionAction.objects.filter(dialogue=dialogue).select_related("carried_from"))
    previous = (
        ReflectionDialogue.objects.filter(placement_id=dialogue.placement_id, number__lt=dialogue.number)
        .order_by("-number")
        .prefetch_related(Prefetch("actions", queryset=ReflectionAction.objects.order_by("id")))
        .first()
    )
    return {
        "actions": actions,
        "previous": previous,
        "previous_actions": list(previous.actions.all()) if previous else [],
        "notes": [(side, SIDE_LABELS[side], dialogue.notes_of(side)) for side in SIDES],
    }


def previous_open_actions(dialogue):
    """The actions of the dialogue before `dialogue` still to follow up."""
    return ReflectionAction.objects.filter(
        dialogue__placement_id=dialogue.placement_id,
        dialogue__number=dialogue.number - 1,
        status=ReflectionAction.Status.OPEN,
    ).order_by("id")


# --- What waits on whom -----------------------------------------------------------------------


def day_end(day):
    """The first moment after `day` in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def reflections_to_schedule(placements, today):
    """Active placements of `placements` whose next reflection dialogue is due by `today` by
    their program's cadence and none is scheduled after today: one query, annotated with
    `last_reflection_at` (None before the first)."""
    due = Q()
    for cadence in Cadence.values:
        cutoff = cadence_cutoff(cadence, today)
        if cutoff is None:
            continue
        due |= Q(theme__program__reflection_cadence=cadence) & (
            Q(last_reflection_at__isnull=True, starts_on__lte=cutoff) | Q(last_reflection_at__lt=day_end(cutoff))
        )
    return (
        placements.filter(state=Placement.State.ACTIVE)
        .annotate(last_reflection_at=Max("reflections__scheduled_at"))
        .filter(due)
    )


def reflection_due_on(placement):
    """The due day of a row of reflections_to_schedule."""
    base = (
        _local_date(placement.last_reflection_at) if placement.last_reflection_at is not None else placement.starts_on
    )
    return cadence_after(placement.theme.program.reflection_cadence, base)


def reflections_waiting_for_notes(dialogues, side, now):
    """Dialogues of `dialogues` already held (or being held now) in a placement in progress,
    whose `side` has written no notes."""
    return dialogues.filter(scheduled_at__lte=now, placement__state=Placement.State.ACTIVE, **{f"{side}_notes": ""})


def orientations_waiting_for(orientations, side):
    """Start orientations of `orientations` of a placement not finished that `side` has not confirmed."""
    return orientations.filter(
        placement__state__in=(Placement.State.PLANNED, Placement.State.ACTIVE),
        **{f"{side}_confirmed_at__isnull": True},
    )


def dialogues_for_user(user, role):
    return ReflectionDialogue.objects.filter(placement__in=visibility.placements_for_user(user, role))


def orientations_for_user(user, role):
    return StartOrientation.objects.filter(placement__in=visibility.placements_for_user(user, role))


def upcoming_interviews_for_user(user, role, now):
    """Interviews ahead for `user`: the office's people see those they take part in; a partner
    person those of their partner's applicants; a student their own. Soonest first."""
    interviews = Interview.objects.filter(held_at__gte=now)
    if role in MANAGERS:
        interviews = interviews.filter(Exists(InterviewParticipant.objects.filter(interview=OuterRef("pk"), user=user)))
    else:
        interviews = interviews.filter(application__in=visibility.applications_for_user(user, role))
    return interviews.select_related("application__theme__partner", "application__student").order_by("held_at", "pk")


def upcoming_reflections_for_user(user, role, now):
    return (
        dialogues_for_user(user, role)
        .filter(scheduled_at__gte=now - datetime.timedelta(hours=2))
        .select_related("placement__student", "placement__partner")
        .order_by("scheduled_at", "pk")
    )
