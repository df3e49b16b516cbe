"""One way to change a state: check the transition, write, record history.

Services call `transition()` inside their transaction and queue notifications on commit.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import HistoryEntry


def record(obj, *, action, by, from_state="", to_state="", note=""):
    return HistoryEntry.objects.create(
        tenant_id=obj.tenant_id,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        actor=by if by is not None and by.is_authenticated else None,
    )


def transition(obj, *, to, by, allowed, action=None, note="", extra_fields=()):
    """Moves `obj.state` to `to` if `allowed[obj.state]` contains it, else ValidationError."""
    current = obj.state
    if to not in allowed.get(current, ()):
        labels = dict(obj._meta.get_field("state").choices)
        raise ValidationError(
            _("Cannot change from “%(from)s” to “%(to)s”.")
            % {"from": labels.get(current, current), "to": labels.get(to, to)}
        )
    obj.state = to
    obj.save(update_fields=["state", *extra_fields])
    record(obj, action=action or f"{obj._meta.model_name}.{to}", by=by, from_state=current, to_state=to, note=note)
    return obj


def history_for(obj):
    return (
        HistoryEntry.objects.filter(
            tenant_id=obj.tenant_id, content_type=ContentType.objects.get_for_model(obj.__class__), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
