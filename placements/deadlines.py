"""Deadline providers of the placements app (registered in apps.ready)."""

from datetime import timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from coop.clock import tenant_date
from coop.models import Role
from coop.reminders import Due

from .models import SIDES, Agreement, PartnerContact, Placement, ReflectionDialogue, Signature, StartOrientation
from .selectors.meetings import (
    day_end,
    orientations_waiting_for,
    reflection_due_on,
    reflections_to_schedule,
    reflections_waiting_for_notes,
)
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


def _partner_people(tenant, partner_ids):
    """{partner id: {user ids}} of the partners' people with an active partner membership."""
    found = {}
    for partner_id, user_id in PartnerContact.objects.filter(
        tenant=tenant,
        partner_id__in=partner_ids,
        user__isnull=False,
        user__memberships__tenant=tenant,
        user__memberships__role=Role.PARTNER,
        user__memberships__is_active=True,
    ).values_list("partner_id", "user_id"):
        found.setdefault(partner_id, set()).add(user_id)
    return found


def meetings_due(tenant, settings, today):
    """Reflection dialogues (振り返りの対話) and start orientations that wait on someone:
    - the office: a placement in progress whose next dialogue is due by its program's cadence;
    - the student and the partner's people: a dialogue held without their notes;
    - each side: a start orientation it has not confirmed."""
    staff = sorted(u.pk for u in staff_users(tenant))
    placements = Placement.objects.filter(tenant=tenant).select_related("theme__program", "student", "partner")
    for placement in reflections_to_schedule(placements, today):
        due_on = reflection_due_on(placement)
        for user_id in staff:
            yield Due(
                key=f"reflection-due:{placement.pk}:{due_on.isoformat()}:{user_id}",
                user_id=user_id,
                title=_("Reflection dialogue due: %(placement)s") % {"placement": placement},
                url=reverse("placements:reflection_schedule", kwargs={"tenant_slug": tenant.slug, "pk": placement.pk}),
                due_on=due_on,
            )
    now = day_end(today)
    held = ReflectionDialogue.objects.filter(tenant=tenant).select_related("placement__student", "placement__partner")
    student_waiting = list(reflections_waiting_for_notes(held, "student", now))
    partner_waiting = list(reflections_waiting_for_notes(held, "partner", now))
    orientations = StartOrientation.objects.filter(tenant=tenant).select_related(
        "placement__student", "placement__partner"
    )
    to_confirm = {side: list(orientations_waiting_for(orientations, side)) for side in SIDES}
    people = _partner_people(
        tenant,
        {d.placement.partner_id for d in partner_waiting} | {o.placement.partner_id for o in to_confirm["partner"]},
    )
    for side, dialogues in (("student", student_waiting), ("partner", partner_waiting)):
        for dialogue in dialogues:
            users = (
                [dialogue.placement.student_id] if side == "student" else people.get(dialogue.placement.partner_id, ())
            )
            for user_id in sorted(users):
                yield Due(
                    key=f"reflection-notes:{dialogue.pk}:{side}:{user_id}",
                    user_id=user_id,
                    title=_("Write your notes of reflection dialogue %(number)s: %(placement)s")
                    % {"number": dialogue.number, "placement": dialogue.placement},
                    url=dialogue.get_absolute_url(),
                    due_on=tenant_date(dialogue.scheduled_at, tenant),
                )
    for side, waiting in to_confirm.items():
        for orientation in waiting:
            if side == "coordinator":
                users = staff
            elif side == "partner":
                users = sorted(people.get(orientation.placement.partner_id, ()))
            else:
                users = [orientation.placement.student_id]
            for user_id in users:
                yield Due(
                    key=f"orientation-confirm:{orientation.pk}:{side}:{user_id}",
                    user_id=user_id,
                    title=_("Confirm the start orientation: %(placement)s") % {"placement": orientation.placement},
                    url=orientation.get_absolute_url(),
                    due_on=tenant_date(orientation.held_at or orientation.updated_at, tenant),
                )
