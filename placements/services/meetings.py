"""Meetings around a placement (seed 002): the start orientation (スタートオリエンテーション)
that the student, the partner and the coordinator each confirm, and reflection dialogues
(振り返りの対話) with each side's notes and next actions followed up the next time.

Who writes what: the office (staff, administrators) records the orientation and schedules
dialogues; each side confirms the orientation and writes its own notes for itself; the office
records next actions and follows up the previous ones. Faculty read."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.notifications import notify
from coop.workflow import record

from ..access import placement_side
from ..models import SIDES, Placement, ReflectionAction, ReflectionDialogue, StartOrientation
from ..selectors.people import partner_users, staff_users

ORIENTATION_FIELDS = ("held_at", "place", "purpose", "goals", "working_style", "contact", "rules")
FINISHED = (Placement.State.COMPLETED, Placement.State.TERMINATED)


def _lock(placement):
    return Placement.objects.select_for_update().get(pk=placement.pk, tenant=placement.tenant)


def _partner_side(placement):
    """The partner's people of the placement: its supervisors with an account, else every
    partner person of the partner."""
    supervisors = [
        s.contact.user
        for s in placement.supervisors.select_related("contact__user")
        if s.contact.user is not None and s.contact.user.is_active
    ]
    return supervisors or list(partner_users(placement.partner))


def _side_of(placement, by, *, refusal):
    side = placement_side(placement, by)
    if side is None:
        raise ValidationError(refusal, code="not_a_party")
    return side


# --- Start orientation --------------------------------------------------------------------------


@transaction.atomic
def orientation_save(*, placement, by, **values):
    """Records (or changes) what was agreed at the start orientation. A change to what was
    agreed withdraws every confirmation given before: each side confirms what is written."""
    placement = _lock(placement)
    if placement_side(placement, by) != "coordinator":
        raise ValidationError(_("Only the office records the start orientation."), code="not_office")
    if placement.state in FINISHED:
        raise ValidationError(_("This placement is finished."), code="finished")
    orientation = StartOrientation.objects.filter(placement=placement).first()
    is_new = orientation is None
    orientation = orientation or StartOrientation(tenant=placement.tenant, placement=placement)
    changed = False
    for name in ORIENTATION_FIELDS:
        if name in values and getattr(orientation, name) != values[name]:
            setattr(orientation, name, values[name])
            changed = True
    orientation.full_clean()
    withdrawn = not is_new and changed and any(orientation.confirmed_at(side) for side in SIDES)
    if withdrawn:
        for side in SIDES:
            setattr(orientation, f"{side}_confirmed_at", None)
            setattr(orientation, f"{side}_confirmed_by", None)
    orientation.save()
    if is_new or changed:
        record(
            placement,
            action="placement.orientation_saved",
            by=by,
            values={"withdrawn": withdrawn} if withdrawn else None,
        )
        notify(
            obj=orientation,
            event="placements/orientation_saved",
            users=[placement.student, *_partner_side(placement)],
        )
    return orientation


@transaction.atomic
def orientation_confirm(*, placement, by):
    """`by` confirms the start orientation for their side (student, partner or coordinator)."""
    placement = _lock(placement)
    orientation = StartOrientation.objects.filter(placement=placement).first()
    if orientation is None:
        raise ValidationError(_("No start orientation has been recorded yet."), code="no_orientation")
    side = _side_of(
        placement,
        by,
        refusal=_("Only the student, the partner's people and the office confirm the start orientation."),
    )
    if orientation.confirmed_at(side):
        raise ValidationError(_("Your side has already confirmed the start orientation."), code="already_confirmed")
    setattr(orientation, f"{side}_confirmed_at", timezone.now())
    setattr(orientation, f"{side}_confirmed_by", by)
    orientation.save()
    record(placement, action="placement.orientation_confirmed", by=by, values={"side": side})
    if orientation.is_confirmed:
        notify(obj=orientation, event="placements/orientation_confirmed", users=list(staff_users(placement.tenant)))
    return orientation


# --- Reflection dialogues -------------------------------------------------------------------


@transaction.atomic
def reflection_schedule(*, placement, by, scheduled_at, place=""):
    """The office schedules the next reflection dialogue of a placement in progress; the
    student, the partner's people and the faculty supervisor are told."""
    placement = _lock(placement)
    if placement_side(placement, by) != "coordinator":
        raise ValidationError(_("Only the office schedules reflection dialogues."), code="not_office")
    if placement.state != Placement.State.ACTIVE:
        raise ValidationError(_("Reflection dialogues are held with a placement in progress."), code="not_in_progress")
    if scheduled_at is None:
        raise ValidationError({"scheduled_at": _("Enter the date and time.")})
    last = ReflectionDialogue.objects.filter(placement=placement).aggregate(n=Max("number"))["n"] or 0
    dialogue = ReflectionDialogue.objects.create(
        tenant=placement.tenant,
        placement=placement,
        number=last + 1,
        scheduled_at=scheduled_at,
        place=place,
        scheduled_by=by,
    )
    record(placement, action="placement.reflection_scheduled", by=by, values={"number": dialogue.number})
    notify(
        obj=dialogue,
        event="placements/reflection_scheduled",
        users=[placement.student, *_partner_side(placement), placement.faculty_supervisor],
    )
    return dialogue


@transaction.atomic
def reflection_write_notes(*, dialogue, by, notes):
    """`by` writes their side's notes of a dialogue (the student, the partner's, the office's)."""
    placement = _lock(dialogue.placement)
    side = _side_of(
        placement,
        by,
        refusal=_("Only the student, the partner's people and the office write notes of a reflection dialogue."),
    )
    if placement.state in FINISHED:
        raise ValidationError(_("This placement is finished."), code="finished")
    if not notes.strip():
        raise ValidationError({"notes": _("Write your notes.")})
    setattr(dialogue, f"{side}_notes", notes)
    dialogue.save(update_fields=[f"{side}_notes"])
    record(placement, action="placement.reflection_notes", by=by, values={"number": dialogue.number, "side": side})
    return dialogue


FOLLOW_UP = (ReflectionAction.Status.DONE, ReflectionAction.Status.CARRIED_OVER)


@transaction.atomic
def reflection_actions_save(*, dialogue, by, new_actions=(), follow_up=None):
    """The office records the next actions of `dialogue` ([(text, owner)]) and follows up the
    previous dialogue's open actions ({action id: "done" or "carried_over"}): a carried-over
    action is copied onto this dialogue. All or nothing."""
    placement = _lock(dialogue.placement)
    if placement_side(placement, by) != "coordinator":
        raise ValidationError(_("Only the office records next actions."), code="not_office")
    follow_up = follow_up or {}
    previous = {
        a.pk: a
        for a in ReflectionAction.objects.select_for_update().filter(
            dialogue__placement=placement, dialogue__number=dialogue.number - 1
        )
    }
    done = carried = 0
    for action_id, status in follow_up.items():
        action = previous.get(action_id)
        if action is None or status not in FOLLOW_UP:
            raise ValidationError(_("Follow up only the actions of the previous dialogue."), code="not_previous")
        if action.status != ReflectionAction.Status.OPEN:
            raise ValidationError(
                _("“%(action)s” has already been followed up.") % {"action": action.text}, code="followed_up"
            )
        action.status = status
        action.save(update_fields=["status"])
        if status == ReflectionAction.Status.CARRIED_OVER:
            ReflectionAction.objects.create(
                tenant=placement.tenant, dialogue=dialogue, text=action.text, owner=action.owner, carried_from=action
            )
            carried += 1
        else:
            done += 1
    added = 0
    for text, owner in new_actions:
        if not text.strip():
            continue
        action = ReflectionAction(tenant=placement.tenant, dialogue=dialogue, text=text.strip(), owner=owner)
        action.full_clean(exclude=["dialogue", "carried_from"])
        action.save()
        added += 1
    if done or carried or added:
        record(
            placement,
            action="placement.reflection_actions",
            by=by,
            values={"number": dialogue.number, "added": added, "done": done, "carried": carried},
        )
    return dialogue
