"""Writes of the core models: invitations, memberships, user preferences."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from . import links, rls
from .access import is_operator
from .models import Invitation, Membership, Role, Tenant, User
from .signals import membership_joined
from .tasks import send_invitation_email, send_invitation_emails
from .tenant_tasks import queue_after_commit
from .tokens import hash_token, new_token

# Invitation emails queued per task by invitations_create_many().
INVITATION_EMAIL_BATCH = 100


def invitation_check(*, tenant, email):
    """Refuses to invite a present member; returns the address as it is stored."""
    email = User.objects.normalize_email(email).lower()
    # A member whose access was removed may be invited back: accepting restores the membership.
    if Membership.objects.filter(tenant=tenant, user__email=email, is_active=True).exists():
        raise ValidationError(_("%(email)s is already a member of this institution.") % {"email": email})
    return email


def invitation_create(*, tenant, email, role, by):
    """Creates an invitation and emails its link after commit. Returns (invitation, raw token)."""
    email = invitation_check(tenant=tenant, email=email)
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


def invitations_create_many(*, tenant, people, role, by):
    """Invites many people at once (an import): `people` are (email, language) pairs, language
    "" for the tenant's. Like invitation_create(), a new invitation replaces an earlier pending
    one for the address, and nobody joins before accepting; the caller checks membership. Each
    person's email is queued after commit. Returns the invitations."""
    people = {User.objects.normalize_email(email).lower(): language for email, language in people}
    if not people:
        return []
    expires = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    tokens = {email: new_token() for email in people}
    with transaction.atomic():
        emails = sorted(people)
        for start in range(0, len(emails), 500):
            Invitation.objects.filter(
                tenant=tenant, email__in=emails[start : start + 500], accepted_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    tenant=tenant,
                    email=email,
                    role=role,
                    invited_by=by,
                    expires_at=expires,
                    token_hash=hash_token(tokens[email]),
                )
                for email in emails
            ],
            batch_size=500,
        )
        if any(invitation.pk is None for invitation in invitations):  # a database without RETURNING
            ids = dict(
                Invitation.objects.filter(token_hash__in=[i.token_hash for i in invitations]).values_list(
                    "token_hash", "pk"
                )
            )
            for invitation in invitations:
                invitation.pk = ids[invitation.token_hash]
        letters = [[i.pk, tokens[i.email], people[i.email]] for i in invitations]
        for start in range(0, len(letters), INVITATION_EMAIL_BATCH):
            batch = letters[start : start + INVITATION_EMAIL_BATCH]
            queue_after_commit(send_invitation_emails, tenant_id=tenant.pk, invitations=batch)
    return invitations


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


def email_address_proven(*, user, email):
    """`user` has just shown they receive mail at `email` (a sign-in code reached it): the
    address counts as verified, so nobody is asked to confirm it again."""
    if not email or email.lower() != user.email.lower():
        return
    EmailAddress.objects.update_or_create(
        user=user,
        email=user.email,
        defaults={"verified": True, "primary": not EmailAddress.objects.filter(user=user, primary=True).exists()},
    )


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


def _check_operator(by):
    if not is_operator(by):
        raise ValidationError(_("Only a platform operator can do this."), code="not_operator")


def tenant_create(*, name, slug, kind, admin_email, by):
    """A platform operator creates an institution and invites its first administrator; the
    invitation email goes out after commit. Returns (tenant, invitation)."""
    _check_operator(by)
    tenant = Tenant(name=name.strip(), slug=slug.strip().lower(), kind=kind)
    tenant.full_clean()
    with transaction.atomic():
        tenant.save()
        invitation = tenant_invite_admin(tenant=tenant, email=admin_email, by=by)
    return tenant, invitation


def tenant_invite_admin(*, tenant, email, by):
    """A platform operator invites an administrator of `tenant` (e.g. its first one)."""
    _check_operator(by)
    with scope(tenant=tenant), rls.tenant(tenant):
        invitation, _token = invitation_create(tenant=tenant, email=email, role=Role.ADMIN, by=by)
    return invitation
