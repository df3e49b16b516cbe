"""Themes: set jointly by the tenant and a partner, then opened to students."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.notifications import notify
from coop.workflow import record, transition

from ..access import theme_side
from ..models import Theme, ThemeComment
from ..selectors.people import partner_users, staff_users

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
    "lessons",
)
# States in which a theme can be listed on the public project index.
PUBLISHABLE = (Theme.State.OPEN, Theme.State.SELECTING)


# What a partner person may set on a draft theme; the rest (term, publishing) is the office's.
PARTNER_FIELDS = tuple(name for name in THEME_FIELDS if name not in ("term", "partner"))
OTHER_SIDE = {"institution": "partner", "partner": "institution"}


def _other_side_cleared(theme, by):
    """An edit of a draft clears the other side's confirmation: they confirm what they saw.
    Returns the side whose confirmation was cleared, or None."""
    side = theme_side(theme, by)
    other = OTHER_SIDE.get(side)
    if theme.state != Theme.State.DRAFT or other is None:
        return None
    at_field, by_field = Theme.SIDES[other]
    if getattr(theme, at_field) is None:
        return None
    setattr(theme, at_field, None)
    setattr(theme, by_field, None)
    return other


@transaction.atomic
def theme_save(*, tenant, by, theme=None, **values):
    """Creates or edits a theme. Staff set every field; a partner person edits only a draft
    of their own partner's (the fields of PARTNER_FIELDS). Returns the theme; `theme.cleared`
    names the side whose confirmation the edit cleared (or None)."""
    theme = theme or Theme(tenant=tenant, created_by=by)
    is_new = theme.pk is None
    fields = THEME_FIELDS
    if theme_side(theme, by) == "partner":
        if theme.state != Theme.State.DRAFT:
            raise ValidationError(_("Only a draft theme can be changed by the partner."), code="not_draft")
        fields = PARTNER_FIELDS
    for name in fields:
        if name in values:
            setattr(theme, name, values[name])
    cleared = None if is_new else _other_side_cleared(theme, by)
    if theme.practitioner_id and theme.practitioner.contact.partner_id != theme.partner_id:
        raise ValidationError({"practitioner": _("The practitioner faculty must belong to the theme's partner.")})
    # created_by is not input, and it is empty once the creator's account is deleted (SET_NULL).
    theme.full_clean(exclude=["created_by"])
    theme.save()
    action = "theme.created" if is_new else ("theme.confirmation_withdrawn" if cleared else "theme.updated")
    record(theme, action=action, by=by)
    if cleared == "partner":
        notify(obj=theme, event="themes/changed", users=partner_users(theme.partner))
    elif cleared == "institution":
        notify(obj=theme, event="themes/changed", users=staff_users(theme.tenant))
    theme.cleared = cleared
    return theme


@transaction.atomic
def theme_propose(*, partner, by, **values):
    """A partner person proposes a draft theme for their own partner; the office is told."""
    probe = Theme(tenant=partner.tenant, partner=partner)
    if theme_side(probe, by) != "partner":
        raise ValidationError(_("Only a person of this partner can propose its themes."), code="not_partner")
    values = {name: values[name] for name in PARTNER_FIELDS if name in values}
    theme = theme_save(tenant=partner.tenant, by=by, partner=partner, **values)
    notify(obj=theme, event="themes/proposed", users=staff_users(theme.tenant))
    return theme


@transaction.atomic
def theme_confirm(*, theme, by):
    """One side confirms the draft (合意済み from their side): who and when are recorded. With
    both sides' confirmations the theme is agreed."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk, tenant=theme.tenant)
    side = theme_side(theme, by)
    if side is None:
        raise ValidationError(_("Only the partner's people and the placement office confirm a theme."), code="no_side")
    if theme.state != Theme.State.DRAFT:
        raise ValidationError(_("Only a draft theme is confirmed."), code="not_draft")
    at_field, by_field = Theme.SIDES[side]
    if getattr(theme, at_field) is not None:
        raise ValidationError(_("Your side has already confirmed this theme."), code="already_confirmed")
    setattr(theme, at_field, timezone.now())
    setattr(theme, by_field, by)
    theme.save(update_fields=[at_field, by_field, "updated_at"])
    record(theme, action=f"theme.confirmed_{side}", by=by)
    other_at, _other_by = Theme.SIDES[OTHER_SIDE[side]]
    if getattr(theme, other_at) is not None:
        return theme_transition(theme=theme, to=Theme.State.AGREED, by=by)
    others = partner_users(theme.partner) if side == "institution" else staff_users(theme.tenant)
    notify(obj=theme, event="themes/confirmed", users=others)
    return theme


@transaction.atomic
def theme_comment_add(*, theme, by, body):
    """A remark on the theme by the office or the partner's people; the other side is told."""
    side = theme_side(theme, by)
    if side is None:
        raise ValidationError(
            _("Only the partner's people and the placement office comment on a theme."), code="no_side"
        )
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment.")}, code="empty")
    comment = ThemeComment.objects.create(tenant=theme.tenant, theme=theme, author=by, body=body)
    others = partner_users(theme.partner) if side == "institution" else staff_users(theme.tenant)
    notify(obj=theme, event="themes/commented", users=others, note=body[:500])
    return comment


@transaction.atomic
def theme_transition(*, theme, to, by, note=""):
    theme = Theme.objects.select_for_update().get(pk=theme.pk, tenant=theme.tenant)
    extra = ()
    if to not in PUBLISHABLE and theme.is_public:
        theme.is_public = False  # leaves the public index when it stops recruiting
        extra = ("is_public",)
    if to == Theme.State.AGREED and theme.institution_confirmed_at is None and theme_side(theme, by) == "institution":
        # Marked agreed by the office (e.g. with a partner who has no portal account): its confirmation.
        theme.institution_confirmed_at, theme.institution_confirmed_by = timezone.now(), by
        extra = (*extra, "institution_confirmed_at", "institution_confirmed_by")
    if to == Theme.State.DRAFT:
        # Back to draft: both sides confirm again what they will agree to.
        for at_field, by_field in Theme.SIDES.values():
            setattr(theme, at_field, None)
            setattr(theme, by_field, None)
        extra = (*extra, *[f for pair in Theme.SIDES.values() for f in pair])
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
