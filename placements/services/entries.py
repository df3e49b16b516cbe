"""Entries from the public project index (seed 002): a visitor without an account enters a
coordinator's project; the emailed link (coop.links, sent once by coop.delivery) confirms the
address; confirming makes an applicant account of that tenant only (a student membership) and
an Application to the project, so staff select as for any application.

And the next round: a finished project copied into a new draft theme with its lessons."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import links
from coop.models import Membership, Role, User
from coop.signals import membership_joined
from coop.tenant_tasks import queue_after_commit
from coop.workflow import record

from ..models import Entry, EntrySchool, Theme
from ..selectors.entries import entry_closed_reason, entry_is_duplicate, theme_next_round_refusal
from ..tasks import send_entry_confirmation
from .selection import application_submit

DUPLICATE = "duplicate"


def _duplicate_error():
    return ValidationError(
        _(
            "An entry to this project from this email address already exists. Open the confirmation email we sent, "
            "or wait for the coordinator's reply."
        ),
        code=DUPLICATE,
    )


@transaction.atomic
def entry_submit(*, theme, full_name, email, school, year, motivation, file=None):
    """Records an entry and emails its confirmation link after commit. Returns (entry, token).
    The same whether or not the address has an account: the page says nothing about it."""
    theme = Theme.objects.select_for_update(of=("self",)).select_related("tenant").get(pk=theme.pk, tenant=theme.tenant)
    closed = entry_closed_reason(theme)
    if closed:
        raise ValidationError(closed, code="closed")
    email = User.objects.normalize_email(email).strip().lower()
    if not motivation.strip():
        raise ValidationError({"motivation": _("Write why you want to take part.")})
    # The theme row is locked: two entries of one address to one project cannot both pass.
    if entry_is_duplicate(theme, email):
        raise _duplicate_error()
    entry, token = links.link_issue(
        Entry,
        replaces={"tenant": theme.tenant, "theme": theme, "email": email},
        tenant=theme.tenant,
        theme=theme,
        full_name=full_name.strip(),
        email=email,
        school=school.strip(),
        year=year,
        motivation=motivation,
        expires_at=timezone.now() + timedelta(hours=settings.ENTRY_CONFIRM_HOURS),
    )
    if file:
        entry.file = file
        entry.save(update_fields=["file"])
    queue_after_commit(send_entry_confirmation, tenant_id=theme.tenant_id, entry_id=entry.pk, token=token)
    return entry, token


def entries_purge_unconfirmed(*, tenant, now=None):
    """Forgets entries never confirmed, ENTRY_KEEP_UNCONFIRMED_DAYS after their link expired:
    their name, address, motivation and file belong to someone who never confirmed them (or
    whose address somebody else typed). Confirmed entries stay with their applications."""
    now = now or timezone.now()
    stale = Entry.objects.filter(
        tenant=tenant,
        confirmed_at__isnull=True,
        expires_at__lt=now - timedelta(days=settings.ENTRY_KEEP_UNCONFIRMED_DAYS),
    )
    count = 0
    for entry in stale.order_by("pk")[:200]:
        with transaction.atomic():
            Entry.objects.filter(pk=entry.pk, confirmed_at__isnull=True).delete()
            if entry.file:
                storage, name = entry.file.storage, entry.file.name
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        count += 1
    return count


def entry_account_exists(entry):
    """Whether the entry's address already has an account (asked only of the link's holder)."""
    return User.objects.filter(email__iexact=entry.email).exists()


@transaction.atomic
def entry_confirm(*, entry, user=None, password=""):
    """Confirms an entry with its emailed link: for `user` (signed in with the entry's address),
    or for a new account made here (`password` optional: without one the applicant signs in
    with an emailed code). Makes a student membership of the entry's tenant when there is none,
    and the Application. Single use, even under races. Returns the application."""
    no_longer_valid = _("This confirmation link is no longer valid.")
    links.link_check_pending(entry, no_longer_valid)
    tenant = entry.tenant
    if user is None:
        if entry_account_exists(entry):
            raise ValidationError(_("An account with this email address exists: sign in first."), code="sign_in")
        user = User.objects.create_user(email=entry.email, password=password or None, full_name=entry.full_name)
        if not password:
            user.set_unusable_password()
        user.language = tenant.language or ""
        user.save(update_fields=["password", "language"])
    elif user.email.lower() != entry.email.lower():
        raise ValidationError(_("This entry was made with a different email address."), code="other_user")
    links.link_use(entry, no_longer_valid, user=user)
    membership = Membership.objects.filter(tenant=tenant, user=user).first()
    if membership is None:
        membership = Membership.objects.create(tenant=tenant, user=user, role=Role.STUDENT)
        membership_joined.send(sender=Membership, membership=membership)
    elif membership.role != Role.STUDENT or not membership.is_active:
        raise ValidationError(
            _("Your account is not an active student of this institution: ask the coordinator."), code="role"
        )
    # The link reached this address, so the address is proven.
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    application = application_submit(theme=entry.theme, student=user, motivation=entry.motivation, file=entry.file)
    Entry.objects.filter(pk=entry.pk).update(application=application)
    entry.user, entry.application = user, application
    record(application, action="application.entry_confirmed", by=user, values={"school": entry.school})
    return application


@transaction.atomic
def entry_schools_set(*, tenant, names, by):
    """The schools entrants choose from, in this order (one name a line; blanks and repeats dropped)."""
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if any(len(name) > 200 for name in wanted):
        raise ValidationError(_("A school's name has at most 200 characters."))
    EntrySchool.objects.filter(tenant=tenant).exclude(name__in=wanted).delete()
    for position, name in enumerate(wanted):
        EntrySchool.objects.update_or_create(tenant=tenant, name=name, defaults={"position": position})
    return wanted


# What a copy for the next round takes from the finished project (not its term, state,
# confirmations nor publication: the next round is set with the partner again).
COPIED_FIELDS = (
    "program",
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


@transaction.atomic
def theme_copy_for_next_round(*, theme, by, lessons, term=None, title=""):
    """A new draft theme for the next round of a finished project: its partner, goals and
    description, with the lessons learned attached; history on both themes."""
    refusal = theme_next_round_refusal(theme)
    if refusal:
        raise ValidationError(refusal, code="not_finished")
    if term is not None and term.program_id != theme.program_id:
        raise ValidationError({"term": _("Choose a term of the selected program.")})
    copy = Theme(tenant=theme.tenant, created_by=by, state=Theme.State.DRAFT, copied_from=theme, term=term)
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(theme, name))
    copy.title = title.strip() or theme.title
    copy.lessons = lessons.strip()
    if copy.practitioner_id and copy.practitioner.contact.partner_id != copy.partner_id:
        copy.practitioner = None
    copy.full_clean(exclude=["created_by"])
    copy.save()
    record(copy, action="theme.copied_from", by=by, values={"theme": theme.pk})
    record(theme, action="theme.copied_for_next_round", by=by, values={"theme": copy.pk})
    return copy
