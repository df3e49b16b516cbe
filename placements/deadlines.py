"""Deadline providers of the placements app (registered in apps.ready)."""

from datetime import timedelta

from django.db.models import Max
from django.utils.translation import gettext as _

from coop.clock import tenant_date
from coop.models import Role
from coop.reminders import Due

from .models import Agreement, PartnerContact, Signature
from .selectors.people import staff_users


def agreements_waiting_for_signature(tenant, settings, today):
    """Each party that has not signed an agreement issued N days ago or more: its signers."""
    cutoff = today - timedelta(days=settings.signature_waiting_days)
    waiting = (
        Agreement.objects.filter(tenant=tenant, state=Agreement.State.ISSUED)
        .annotate(issued_at=Max("versions__created_at"), version=Max("versions__number"))
        .filter(issued_at__date__lte=cutoff)
        .select_related("application")
    )
    waiting = list(waiting)
    if not waiting:
        return
    signed = set(
        Signature.objects.filter(version__agreement__in=[a.pk for a in waiting]).values_list(
            "version__agreement_id", "version__number", "party"
        )
    )
    staff = [u.pk for u in staff_users(tenant)]
    partner_people = {}
    for partner_id, user_id in PartnerContact.objects.filter(
        tenant=tenant,
        partner_id__in={a.partner_id for a in waiting},
        user__isnull=False,
        user__memberships__tenant=tenant,
        user__memberships__role=Role.PARTNER,
        user__memberships__is_active=True,
    ).values_list("partner_id", "user_id"):
        partner_people.setdefault(partner_id, set()).add(user_id)
    for agreement in waiting:
        due_on = tenant_date(agreement.issued_at, tenant) + timedelta(days=settings.signature_waiting_days)
        title = _("Signature needed: %(title)s") % {"title": agreement.title}
        for party in agreement.parties:
            if (agreement.pk, agreement.version, party) in signed:
                continue
            if party == "institution":
                signers = staff
            elif party == "partner":
                signers = sorted(partner_people.get(agreement.partner_id, ()))
            else:
                signers = [agreement.application.student_id] if agreement.application_id else []
            for user_id in signers:
                yield Due(
                    key=f"agreement-signature:{agreement.pk}:v{agreement.version}:{party}:{user_id}",
                    user_id=user_id,
                    title=title,
                    url=agreement.get_absolute_url(),
                    due_on=due_on,
                )
