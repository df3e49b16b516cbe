"""People concerned by rows: used to address notifications."""

from coop.models import Membership, Role, User


def partner_users(partner):
    """Active portal accounts of a partner's people in the partner's tenant."""
    return User.objects.filter(
        is_active=True,
        partner_contacts__partner=partner,
        memberships__tenant=partner.tenant,
        memberships__is_active=True,
        memberships__role=Role.PARTNER,
    ).distinct()


def staff_users(tenant):
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(tenant=tenant, is_active=True, role__in=[Role.ADMIN, Role.STAFF]).values(
            "user_id"
        ),
    )


def members_with_role(tenant, role):
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(tenant=tenant, is_active=True, role=role).values("user_id"),
    ).order_by("full_name", "email")
