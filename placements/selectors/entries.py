"""Reads for entries from the public project index and for the next round of a project."""

from django.utils.translation import gettext as _

from coop.links import link_for_token
from coop.models import Tenant

from ..models import Application, Entry, EntrySchool, Placement, Theme


def entries_accepted_by(tenant):
    """Whether `tenant` takes entries from visitors without an account: coordinator
    organizations recruit from anywhere (seed 002); schools recruit their own students."""
    return tenant.kind == Tenant.Kind.COORDINATOR


def entry_closed_reason(theme):
    """Why `theme` takes no entry now ("" when it does)."""
    if not entries_accepted_by(theme.tenant):
        return _("This institution takes applications from its own students only.")
    if not theme.is_public or theme.state != Theme.State.OPEN:
        return _("This project is not accepting entries.")
    return ""


def entry_schools(tenant):
    return EntrySchool.objects.filter(tenant=tenant).order_by("position", "name")


def entry_is_duplicate(theme, email):
    """An entry of `email` to `theme` that still counts: confirmed, or waiting and not expired;
    or an application of the account with that address (entered as a member)."""
    waiting_or_done = Entry.status_q(Entry.USED_STATUS) | Entry.status_q()
    entries = Entry.objects.filter(tenant=theme.tenant, theme=theme, email=email.lower())  # stored lower-case
    return (
        entries.filter(waiting_or_done).exists()
        or Application.objects.filter(tenant=theme.tenant, theme=theme, student__email__iexact=email).exists()
    )


def entry_for_token(tenant, token):
    """The entry of `token` among `tenant`'s entries, or None (another tenant's token too)."""
    return link_for_token(Entry.objects.filter(tenant=tenant).select_related("theme", "theme__partner"), token)


def theme_next_round_refusal(theme):
    """Why `theme` cannot be copied for a next round yet ("" when it can): a finished project
    is a closed theme, or one with a completed placement."""
    if theme.state == Theme.State.CLOSED:
        return ""
    if Placement.objects.filter(tenant=theme.tenant, theme=theme, state=Placement.State.COMPLETED).exists():
        return ""
    return _("Only a finished project (closed, or with a completed placement) can be copied for the next round.")
