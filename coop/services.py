"""Writes of the core models: invitations, memberships, user preferences."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import links
from .models import Invitation, Membership, User
from .signals import membership_joined
from .tasks import send_invitation_email
from .tenant_tasks import queue_after_commit


def invitation_create(*, tenant, email, role, by):
    """Creates an invitation and emails its link after commit. Returns (invitation, raw token)."""
    email = User.objects.normalize_email(email).lower()
    # A member whose access was removed may be invited back: accepting restores the membership.
    if Membership.objects.filter(tenant=tenant, user__email=email, is_active=True).exists():
        raise ValidationError(_("%(email)s is already a member of this institution.") % {"email": email})
    with transaction.atomic():
        # A new invitation replaces any earlier pending one for the same address.
        invitation, token = links.link_issue(
            Invitation,
            replaces={"tenant": tenant, "email": email},
            tenant=tenant,
            email=email,
            role=role,
            invited_by=by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )

        queue_after_commit(send_invitation_email, tenant_id=tenant.pk, invitation_id=invitation.pk, token=token)
    return invitation, token


def invitation_revoke(*, invitation, by):
    return links.link_revoke(invitation, _("Only a pending invitation can be revoked."))


def invitation_accept(*, invitation, user):
    """Turns a pending invitation into a membership for `user`. Single use, even under races."""
    no_longer_valid = _("This invitation link is no longer valid.")
    links.link_check_pending(invitation, no_longer_valid)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to a different email address."))
    with transaction.atomic():
        links.link_use(invitation, no_longer_valid, accepted_by=user)
        membership, created = Membership.objects.get_or_create(
            tenant=invitation.tenant, user=user, defaults={"role": invitation.role}
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.role = invitation.role
            membership.save(update_fields=["is_active", "role"])
        # The link reached this address, so the address is proven.
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        membership_joined.send(sender=Membership, membership=membership)
    invitation.refresh_from_db()
    return membership


def user_create_from_invitation(*, invitation, full_name, password):
    """Creates the account of an invited person who has none yet, then accepts the invitation."""
    with transaction.atomic():
        user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
        if invitation.tenant.language:
            user.language = invitation.tenant.language
            user.save(update_fields=["language"])
        invitation_accept(invitation=invitation, user=user)
    return user


def membership_set_role(*, membership, role, by):
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot change your own role."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_deactivate(*, membership, by):
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot remove yourself."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    return membership


def membership_activate(*, membership, by):
    """Gives a removed member their access back, with the role they had."""
    if membership.is_active:
        raise ValidationError(_("%(name)s already has access.") % {"name": membership.user})
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    return membership


def user_set_language(*, user, language):
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])
    return user


def tenant_update(*, tenant, name, language, timezone_name):
    tenant.name = name
    tenant.language = language
    tenant.timezone = timezone_name
    # Only what this changes is checked: a value stored long ago in another field (e.g. a
    # kind no longer offered) must not block the administrator's settings.
    tenant.full_clean(exclude=[f.name for f in tenant._meta.fields if f.name not in ("name", "language", "timezone")])
    tenant.save(update_fields=["name", "language", "timezone"])
    return tenant
