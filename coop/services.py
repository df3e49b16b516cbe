"""Writes of the core models: invitations, memberships, user preferences."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Invitation, Membership, User
from .signals import membership_joined
from .tokens import hash_token, new_token


def invitation_create(*, tenant, email, role, by):
    """Creates an invitation and emails its link after commit. Returns (invitation, raw token)."""
    email = User.objects.normalize_email(email).lower()
    # A member whose access was removed may be invited back: accepting restores the membership.
    if Membership.objects.filter(tenant=tenant, user__email=email, is_active=True).exists():
        raise ValidationError(_("%(email)s is already a member of this institution.") % {"email": email})
    token = new_token()
    with transaction.atomic():
        # A new invitation replaces any earlier pending one for the same address.
        Invitation.objects.filter(tenant=tenant, email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            tenant=tenant,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        from .tasks import send_invitation_email

        transaction.on_commit(
            lambda: send_invitation_email.delay(tenant_id=tenant.pk, invitation_id=invitation.pk, token=token)
        )
    return invitation, token


def invitation_revoke(*, invitation, by):
    if invitation.status != "pending":
        raise ValidationError(_("Only a pending invitation can be revoked."))
    Invitation.objects.filter(pk=invitation.pk, tenant=invitation.tenant).update(revoked_at=timezone.now())
    invitation.refresh_from_db()
    return invitation


def invitation_accept(*, invitation, user):
    """Turns a pending invitation into a membership for `user`. Single use, even under races."""
    if invitation.status != "pending":
        raise ValidationError(_("This invitation link is no longer valid."))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to a different email address."))
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            tenant=invitation.tenant,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if claimed != 1:
            raise ValidationError(_("This invitation link is no longer valid."))
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
