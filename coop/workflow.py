"""One way to change a state: check the transition, write, record history.

Services call `transition()` inside their transaction and queue notifications on commit.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import HistoryEntry
from .registry import HISTORY_LABELS, HISTORY_TEXTS, HISTORY_VALUE_LABELS

# How the history shows the last part of an action code ("theme.created" -> "Created").
ACTION_LABELS = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
    "contact_saved": gettext_lazy("Contact saved"),
    "contact_invited": gettext_lazy("Invited to the portal"),
    "practitioner_appointed": gettext_lazy("Practitioner faculty appointed"),
    "session_added": gettext_lazy("Course session added"),
    "pre_assignment_added": gettext_lazy("Pre-assignment added"),
    "published": gettext_lazy("Published on the public index"),
    "unpublished": gettext_lazy("Removed from the public index"),
    "submitted": gettext_lazy("Submitted"),
    "pre_interview": gettext_lazy("Pre-interview recorded"),
    "selection": gettext_lazy("Selection interview recorded"),
    "supervisors_set": gettext_lazy("Partner supervisors changed"),
    "access_granted": gettext_lazy("Access given"),
    "access_revoked": gettext_lazy("Access removed"),
    "outcome_recorded": gettext_lazy("Career outcome recorded"),
    # reports
    "revised": gettext_lazy("Changed after submission"),
    "daily_changed": gettext_lazy("Daily reports changed after submission"),
    "unlocked": gettext_lazy("Unlocked for changes"),
    "feedback": gettext_lazy("Feedback from the partner"),
    "comment": gettext_lazy("Comment from the faculty supervisor"),
    "returned": gettext_lazy("Sent back to the student"),
    "file_added": gettext_lazy("File added"),
    "file_removed": gettext_lazy("File removed"),
    "saved": gettext_lazy("Saved"),
    "proposed": gettext_lazy("Result proposed"),
    "agreed": gettext_lazy("Agreed to the result"),
    "final": gettext_lazy("Result final"),
    "link_sent": gettext_lazy("Emailed link sent"),
    "link_revoked": gettext_lazy("Emailed link revoked"),
    # themes set together
    "confirmed_institution": gettext_lazy("Confirmed by the institution"),
    "confirmed_partner": gettext_lazy("Confirmed by the partner"),
    "confirmation_withdrawn": gettext_lazy("Changed: the other side's confirmation was withdrawn"),
}


def action_label(action):
    return HISTORY_LABELS.get(action) or ACTION_LABELS.get(action.rsplit(".", 1)[-1], action)


def history_text(entry):
    """The sentence of `entry`'s action over its values, in the active language. Codes among the
    values (a party, a link's purpose) are shown by their registered labels."""
    template = HISTORY_TEXTS.get(entry.action)
    if template is None or not entry.values:
        return ""
    values = {
        name: HISTORY_VALUE_LABELS.get(name, {}).get(value, value) if isinstance(value, str) else value
        for name, value in entry.values.items()
    }
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):  # values recorded before the sentence changed
        return ""


def record(obj, *, action, by, from_state="", to_state="", note="", values=None):
    """`values` are what the action's registered sentence needs (codes and numbers, never text
    in a language); `note` is what a person typed."""
    return HistoryEntry.objects.create(
        tenant_id=obj.tenant_id,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        values=values or {},
        note=note,
        actor=by if by is not None and by.is_authenticated else None,
    )


def transition(obj, *, to, by, allowed, action=None, note="", values=None, extra_fields=()):
    """Moves `obj.state` to `to` if `allowed[obj.state]` contains it, else ValidationError."""
    current = obj.state
    if to not in allowed.get(current, ()):
        labels = dict(obj._meta.get_field("state").choices)
        raise ValidationError(
            _("Cannot change from “%(from)s” to “%(to)s”.")
            % {"from": labels.get(current, current), "to": labels.get(to, to)}
        )
    obj.state = to
    fields = ["state", *extra_fields]
    if any(field.name == "updated_at" for field in obj._meta.concrete_fields):
        fields.append("updated_at")  # auto_now is written only when named (incremental API sync)
    obj.save(update_fields=fields)
    record(
        obj,
        action=action or f"{obj._meta.model_name}.{to}",
        by=by,
        from_state=current,
        to_state=to,
        note=note,
        values=values,
    )
    return obj


def history_for(obj):
    return (
        HistoryEntry.objects.filter(
            tenant_id=obj.tenant_id, content_type=ContentType.objects.get_for_model(obj.__class__), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


class ItemsRefused(ValidationError):
    """A bulk action refused for some items: `refused` maps each refused item to its
    ValidationError. Nothing of the action was saved."""

    def __init__(self, refused):
        self.refused = refused
        super().__init__(
            _("Nothing was saved: %(count)s of the chosen rows cannot be done.") % {"count": len(refused)},
            code="items_refused",
        )


def all_or_none(items, action):
    """Runs `action(item)` for each item in one transaction and returns the results. When any
    item is refused (ValidationError), every item is tried, nothing is saved (notifications
    queued on commit are dropped too) and ItemsRefused names each refused item and why."""
    done, refused = [], {}
    with transaction.atomic():
        for item in items:
            try:
                with transaction.atomic():
                    done.append(action(item))
            except ValidationError as error:
                refused[item] = error
        if refused:
            raise ItemsRefused(refused)
    return done
