"""Writes of the core models: invitations, memberships, user preferences."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
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


def invitations_create_many(*, tenant, people, role, by, details=None):
    """Invites many people at once (an import): `people` are (email, language) pairs, language
    "" for the tenant's. Like invitation_create(), a new invitation replaces an earlier pending
    one for the address, and nobody joins before accepting; the caller checks membership. Each
    person's email is queued after commit. `details` (email -> {student_number, name_kana}) is
    what a student-record system knows of each (students_sync). Returns the invitations."""
    people = {User.objects.normalize_email(email).lower(): language for email, language in people}
    details = details or {}
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
                    **details.get(email, {}),
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
            membership.save(update_fields=["is_active", "role", "updated_at"])
        if invitation.student_number:  # invited by the student-record system (students_sync)
            membership.student_number = invitation.student_number
            membership.name_kana = invitation.name_kana or membership.name_kana
            membership.save(update_fields=["student_number", "name_kana", "updated_at"])
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
    membership.save(update_fields=["role", "updated_at"])
    return membership


def membership_deactivate(*, membership, by):
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot remove yourself."))
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    return membership


def membership_activate(*, membership, by):
    """Gives a removed member their access back, with the role they had."""
    if membership.is_active:
        raise ValidationError(_("%(name)s already has access.") % {"name": membership.user})
    membership.is_active = True
    membership.save(update_fields=["is_active", "updated_at"])
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


# --- Students from a student-record system (the API, api/) ----------------------------------------

STUDENT_SYNC_MAX = 500


def _student_sync_errors(record):
    errors = {}
    number = str(record.get("student_number") or "").strip()
    if not number or len(number) > 40:
        errors["student_number"] = _("Enter a student number of at most 40 characters.")
    email = str(record.get("email") or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    if len(str(record.get("name_kana") or "")) > 150:
        errors["name_kana"] = _("Enter at most 150 characters.")
    return errors


def _memberships_update_many(tenant, members):
    """Writes number, kana, active flag and change time of many memberships in one UPDATE ...
    FROM (VALUES ...) per 500: Django's bulk_update builds a CASE WHEN per row and field, which
    took 0.8 s of CPU for 500 students (make bench, API scenario)."""
    table = Membership._meta.db_table
    members = list(members)
    postgres = connection.vendor == "postgresql"
    row = "(%s::bigint, %s, %s, %s::boolean, %s::timestamptz)" if postgres else "(%s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        for start in range(0, len(members), 500):
            chunk = members[start : start + 500]
            params = []
            for m in chunk:
                params += [
                    m.pk,
                    m.student_number,
                    m.name_kana,
                    m.is_active,
                    connection.ops.adapt_datetimefield_value(m.updated_at),
                ]
            values = ", ".join([row] * len(chunk))
            cursor.execute(
                # VALUES names its columns column1..column5 on both PostgreSQL and SQLite
                f"UPDATE {table} SET student_number = v.column2, name_kana = v.column3, "  # noqa: S608 - the model's table name; values are parameters
                f"is_active = v.column4, updated_at = v.column5 FROM (VALUES {values}) AS v "
                f"WHERE {table}.id = v.column1 AND {table}.tenant_id = %s",
                [*params, tenant.pk],
            )


@transaction.atomic
def students_sync(*, tenant, by, records):
    """Creates or updates students from a student-record system (教務システム), keyed by the
    student number. Each record is {student_number, email, name_kana="", is_active=True}.

    - A member with this number: their kana and whether they are active are updated (their
      account, name and address are their own and not changed).
    - A member with this address and no number (joined before the sync): gets the number.
    - Anybody else: is invited as a student (the same emailed invitation as the members page and
      the import; nobody joins without accepting), and the number and kana are put on the
      membership when they accept. An invitation pending for the number is updated in place.

    Returns one result per record, in order: {"student_number", "result": created | updated |
    unchanged | invalid, "status": member | invited | inactive, "errors": {field: message}}."""
    if len(records) > STUDENT_SYNC_MAX:
        raise ValidationError(_("Send at most %(n)s students at once.") % {"n": STUDENT_SYNC_MAX})
    numbers = {str(r.get("student_number") or "").strip() for r in records}
    emails = {User.objects.normalize_email(str(r.get("email") or "").strip()).lower() for r in records}
    by_number = {
        m.student_number: m
        for m in Membership.objects.filter(tenant=tenant, student_number__in=numbers).select_related("user")
    }
    by_email = {
        m.user.email.lower(): m
        for m in Membership.objects.filter(tenant=tenant, user__email__in=emails).select_related("user")
    }
    pending = {
        i.student_number: i
        for i in Invitation.objects.filter(Invitation.status_q(), tenant=tenant, student_number__in=numbers)
    }
    results, changed_members, changed_invitations, to_invite, to_revoke = [], {}, {}, {}, []
    for record in records:
        number = str(record.get("student_number") or "").strip()
        email = User.objects.normalize_email(str(record.get("email") or "").strip()).lower()
        kana = str(record.get("name_kana") or "").strip()
        active = record.get("is_active", True) is not False
        errors = _student_sync_errors(record)
        result = {"student_number": number, "result": "invalid", "status": "", "errors": errors}
        results.append(result)
        if errors:
            continue
        member = by_number.get(number)
        if member is None:
            member = by_email.get(email)
            if member is not None and member.is_active and member.student_number not in ("", number):
                errors["email"] = _("This address belongs to a member with another student number.")
                continue
            if member is not None and not member.is_active:
                member = None  # a removed member is invited back, like on the members page
        if member is not None:
            if member.user_id == by.pk and not active:
                errors["is_active"] = _("You cannot remove yourself.")
                continue
            before = (member.student_number, member.name_kana, member.is_active)
            member.student_number, member.name_kana, member.is_active = number, kana or member.name_kana, active
            changed = before != (member.student_number, member.name_kana, member.is_active)
            if changed:
                member.updated_at = timezone.now()  # bulk_update does not touch auto_now fields
                changed_members[member.pk] = member
            result.update(result="updated" if changed else "unchanged", status="member" if active else "inactive")
            continue
        invitation = pending.get(number)
        if invitation is not None and invitation.email == email:
            if not active:
                to_revoke.append(invitation.pk)
                result.update(result="updated", status="inactive")
            elif kana and kana != invitation.name_kana:
                invitation.name_kana = kana
                changed_invitations[invitation.pk] = invitation
                result.update(result="updated", status="invited")
            else:
                result.update(result="unchanged", status="invited")
            continue
        if not active:
            result.update(result="unchanged", status="inactive")
            continue
        if invitation is not None:
            to_revoke.append(invitation.pk)  # the number's address changed: invite the new one
        to_invite[email] = {"student_number": number, "name_kana": kana}
        result.update(result="created", status="invited")
    if changed_members:
        _memberships_update_many(tenant, changed_members.values())
    if changed_invitations:
        Invitation.objects.bulk_update(changed_invitations.values(), ["name_kana"], batch_size=500)
    if to_revoke:
        Invitation.objects.filter(pk__in=to_revoke).update(revoked_at=timezone.now())
    if to_invite:
        invitations_create_many(
            tenant=tenant, people=[(e, "") for e in to_invite], role=Role.STUDENT, by=by, details=to_invite
        )
    return results
