"""Themes: set jointly by the tenant and a partner, then opened to students."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop.notifications import notify
from coop.workflow import record, transition

from ..models import Theme
from ..selectors.people import partner_users

THEME_FIELDS = (
    "program",
    "term",
    "partner",
    "practitioner",
    "title",
    "track",
    "description",
    "required_skills",
    "capacity",
    "duration_months",
    "pay",
    "place",
)
# States in which a theme can be listed on the public project index.
PUBLISHABLE = (Theme.State.OPEN, Theme.State.SELECTING)


@transaction.atomic
def theme_save(*, tenant, by, theme=None, **values):
    theme = theme or Theme(tenant=tenant, created_by=by)
    is_new = theme.pk is None
    for name in THEME_FIELDS:
        if name in values:
            setattr(theme, name, values[name])
    if theme.practitioner_id and theme.practitioner.contact.partner_id != theme.partner_id:
        raise ValidationError({"practitioner": _("The practitioner faculty must belong to the theme's partner.")})
    # created_by is not input, and it is empty once the creator's account is deleted (SET_NULL).
    theme.full_clean(exclude=["created_by"])
    theme.save()
    record(theme, action="theme.created" if is_new else "theme.updated", by=by)
    return theme


@transaction.atomic
def theme_transition(*, theme, to, by, note=""):
    theme = Theme.objects.select_for_update().get(pk=theme.pk, tenant=theme.tenant)
    extra = ()
    if to not in PUBLISHABLE and theme.is_public:
        theme.is_public = False  # leaves the public index when it stops recruiting
        extra = ("is_public",)
    transition(theme, to=to, by=by, allowed=Theme.TRANSITIONS, note=note, extra_fields=extra)
    if to in (Theme.State.AGREED, Theme.State.OPEN, Theme.State.CANCELLED):
        notify(obj=theme, event=f"themes/{to}", users=partner_users(theme.partner), note=note)
    return theme


@transaction.atomic
def theme_publish(*, theme, public, by):
    if public and theme.state not in PUBLISHABLE:
        raise ValidationError(_("Only a theme that is open for applications can be published."))
    theme.is_public = public
    theme.save(update_fields=["is_public"])
    record(theme, action="theme.published" if public else "theme.unpublished", by=by)
    return theme
