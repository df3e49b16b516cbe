"""Partners, their people, and practitioner faculty."""

from django.db import transaction
from django.utils.translation import gettext as _

from coop import services as coop_services
from coop.models import Role
from coop.workflow import record

from ..models import Partner, PartnerContact, PractitionerFaculty

PARTNER_FIELDS = (
    "name",
    "name_kana",
    "kind",
    "industry",
    "country",
    "address",
    "website",
    "phone",
    "notes",
    "is_active",
)
CONTACT_FIELDS = ("department", "full_name", "title", "email", "phone", "is_primary", "notes")


def _assign(obj, fields, values):
    for name in fields:
        if name in values:
            setattr(obj, name, values[name])


@transaction.atomic
def partner_create(*, tenant, by, **values):
    partner = Partner(tenant=tenant)
    _assign(partner, PARTNER_FIELDS, values)
    partner.full_clean()
    partner.save()
    record(partner, action="partner.created", by=by)
    return partner


@transaction.atomic
def partner_update(*, partner, by, **values):
    _assign(partner, PARTNER_FIELDS, values)
    partner.full_clean()
    partner.save()
    record(partner, action="partner.updated", by=by)
    return partner


@transaction.atomic
def contact_save(*, partner, by, contact=None, **values):
    contact = contact or PartnerContact(tenant=partner.tenant, partner=partner)
    _assign(contact, CONTACT_FIELDS, values)
    contact.full_clean()
    contact.save()
    record(partner, action="partner.contact_saved", by=by, note=contact.full_name)
    return contact


def contact_invite(*, contact, by):
    """Invites a partner contact to the portal with the partner role; the account is linked
    to the contact when the invitation is accepted (see `contact_link_user`)."""
    if not contact.email:
        raise coop_services.ValidationError(_("This contact has no email address."))
    if contact.user_id:
        raise coop_services.ValidationError(_("This contact already has portal access."))
    invitation, _token = coop_services.invitation_create(
        tenant=contact.tenant, email=contact.email, role=Role.PARTNER, by=by
    )
    record(contact.partner, action="partner.contact_invited", by=by, note=contact.email)
    return invitation


def contact_link_user(*, membership):
    """Links a newly joined partner person to the contacts that carry their address."""
    if membership.role != Role.PARTNER:
        return 0
    return PartnerContact.objects.filter(
        tenant=membership.tenant, user__isnull=True, email__iexact=membership.user.email
    ).update(user=membership.user)


@transaction.atomic
def practitioner_appoint(
    *, contact, by, title, managerial_years, appointed_from, appointed_until=None, exception_reason=""
):
    practitioner = getattr(contact, "practitioner", None) or PractitionerFaculty(tenant=contact.tenant, contact=contact)
    practitioner.title = title
    practitioner.managerial_years = managerial_years
    practitioner.exception_reason = exception_reason
    practitioner.appointed_from = appointed_from
    practitioner.appointed_until = appointed_until
    practitioner.full_clean()
    practitioner.save()
    note = contact.full_name
    if managerial_years < PractitionerFaculty.MIN_MANAGERIAL_YEARS:
        note += " — " + exception_reason
    record(contact.partner, action="partner.practitioner_appointed", by=by, note=note)
    return practitioner
