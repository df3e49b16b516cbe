"""Reads of the core models. Tenant-scoped reads rely on the active scope."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from . import links, rls
from .models import Invitation, Membership, Reminder, Role, Tenant, User
from .tables import Table


def memberships_for_user(user):
    """The user's own active memberships across tenants, for the tenant picker.

    The only cross-tenant read in the portal: it is filtered to the user's own rows,
    and shows nothing of any tenant but its name.
    """
    with scopes_disabled(), rls.bypass("tenant-picker"):
        return list(
            Membership.objects.filter(user=user, is_active=True, tenant__is_active=True)
            .select_related("tenant")
            .order_by("tenant__name")
        )


def members_for_tenant(tenant, *, role=None):
    qs = Membership.objects.filter(tenant=tenant).select_related("user").order_by("role", "user__email")
    if role:
        qs = qs.filter(role=role)
    return qs


# The members list's export (what the list shows, filtered).
MEMBERS_TABLE = Table(
    "members",
    _("Members"),
    (
        (_("Name"), "user__full_name"),
        (_("full name (kana)"), "name_kana"),
        (_("Email address"), "user__email"),
        (_("student number"), "student_number"),
        (_("Role"), "role"),
        (_("active"), "is_active"),
        (_("joined"), "created_at"),
    ),
    Membership,
    {"role": dict(Role.choices), "is_active": {True: _("Yes"), False: _("No")}},
)


def member_users(tenant, *, active_only=True):
    """People of this tenant. The one way a view finds a user by email or id: a person of
    another tenant is not found, so a page can neither record nor reveal them."""
    memberships = Membership.objects.filter(tenant=tenant)
    if active_only:
        memberships = memberships.filter(is_active=True)
    return User.objects.filter(pk__in=memberships.values("user_id"))


def member_by_email(tenant, email, *, active_only=True):
    return member_users(tenant, active_only=active_only).filter(email__iexact=(email or "").strip()).first()


def member_counts_for_tenant(tenant):
    """Active members per role, in one query."""
    rows = Membership.objects.filter(tenant=tenant, is_active=True).values("role").annotate(n=Count("id"))
    return {row["role"]: row["n"] for row in rows}


def invitations_for_tenant(tenant, *, pending_only=False):
    qs = Invitation.objects.filter(tenant=tenant).select_related("invited_by", "accepted_by")
    if pending_only:
        qs = qs.filter(Invitation.status_q())
    return qs


def invitation_for_token(tenant, token):
    """The invitation a raw token names, in this tenant, or None."""
    return links.link_for_token(Invitation.objects.filter(tenant=tenant), token)


def pending_invitation_count(tenant):
    return invitations_for_tenant(tenant).aggregate(n=Count("id", filter=Invitation.status_q()))["n"]


def reminders_for_user(tenant, user):
    return Reminder.objects.filter(tenant=tenant, user=user).order_by("read_at", "-due_on", "-id")


def unread_reminder_count(tenant, user):
    return Reminder.objects.filter(tenant=tenant, user=user, read_at__isnull=True).count()


def calendar_reminders_for_token(token):
    """The reminders of the person whose calendar address carries `token`, in all their
    tenants (their own rows only), or None for an unknown token."""
    if not token:
        return None
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        return None
    with scopes_disabled(), rls.bypass("calendar-feed"):
        return list(
            Reminder.objects.filter(
                user=user,
                tenant_id__in=Membership.objects.filter(user=user, is_active=True).values("tenant_id"),
            ).order_by("due_on", "id")[:1000]
        )


def tenants_for_operator():
    """Every institution with its number of active administrators and members, for the
    platform operator's page: one query."""
    return Tenant.objects.annotate(
        members=Count("membership", filter=Q(membership__is_active=True)),
        admins=Count("membership", filter=Q(membership__is_active=True, membership__role="admin")),
    ).order_by("name")
