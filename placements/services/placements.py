"""Placements: created from an accepted application whose pledge is in force (or directly
by staff, e.g. inbound exchange students), then planned -> active -> completed."""

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop.models import Membership, Role
from coop.notifications import notify
from coop.workflow import all_or_none, record, transition

from ..models import (
    Agreement,
    Application,
    CareerOutcome,
    Placement,
    PlacementSupervisor,
    PlacementUserObjectPermission,
)
from ..selectors.agreements import work_period_agreement
from ..selectors.meetings import orientation_missing_reason
from ..selectors.selection import pledge_for

PLACEMENT_FIELDS = (
    "faculty_supervisor",
    "practitioner",
    "starts_on",
    "ends_on",
    "schedule",
    "weekdays",
    "pay",
    "direction",
)


def _check_member(tenant, user, role, message):
    if user is not None and not Membership.objects.filter(tenant=tenant, user=user, role=role, is_active=True).exists():
        raise ValidationError(message)


def _check_period(placement):
    errors = placement.period_errors(work_period_agreement(placement.theme))
    if errors:
        raise ValidationError(errors)


def _people(placement):
    supervisors = [s.contact.user for s in placement.supervisors.select_related("contact__user") if s.contact.user]
    return [placement.student, placement.faculty_supervisor, *supervisors]


def _check_ready_for_placement(application):
    if application.state != Application.State.ACCEPTED:
        raise ValidationError(_("The student has not accepted this theme yet."))
    pledge = pledge_for(application)
    if pledge is None or not pledge.has_version_in_force:  # an amendment keeps the signed one
        raise ValidationError(_("The student pledge must be signed before the placement is created."))


@transaction.atomic
def placement_create(*, theme, student, by, application=None, supervisors=(), **values):
    tenant = theme.tenant
    if application is not None:
        application = Application.objects.select_for_update().get(pk=application.pk, tenant=tenant)
        _check_ready_for_placement(application)
    _check_member(tenant, student, Role.STUDENT, _("The student must be a student of this institution."))
    _check_member(
        tenant,
        values.get("faculty_supervisor"),
        Role.FACULTY,
        _("The faculty supervisor must be a faculty member of this institution."),
    )
    placement = Placement(tenant=tenant, theme=theme, partner=theme.partner, student=student, application=application)
    for name in PLACEMENT_FIELDS:
        if name in values:
            setattr(placement, name, values[name])
    if placement.practitioner_id is None and theme.practitioner_id:
        placement.practitioner_id = theme.practitioner_id
    placement.full_clean()
    _check_period(placement)
    placement.save()
    placement_set_supervisors(placement=placement, contacts=supervisors, by=by, record_history=False)
    record(placement, action="placement.created", by=by, to_state=placement.state)
    if application is not None:
        transition(application, to=Application.State.PLACED, by=by, allowed=Application.TRANSITIONS)
    notify(obj=placement, event="placements/created", users=_people(placement))
    return placement


def placements_create_for_applications(*, applications, by, starts_on=None, ends_on=None, faculty_supervisor=None):
    """Registers the placements of several accepted applications whose pledge is in force, all
    or none (coop.workflow.ItemsRefused names each refused student and why). Dates left empty
    come from each theme's implementation plan or agreement."""

    def create(application):
        _check_ready_for_placement(application)
        plan = work_period_agreement(application.theme)
        if plan is not None and plan.kind != Agreement.Kind.IMPLEMENTATION_PLAN:
            plan = None  # a co-op agreement's validity bounds the placement but is not its work period
        start = starts_on or (plan.valid_from if plan else None)
        end = ends_on or (plan.valid_until if plan else None)
        if start is None or end is None:
            raise ValidationError(_("Enter the dates: no implementation plan of this theme states its work period."))
        return placement_create(
            theme=application.theme,
            student=application.student,
            by=by,
            application=application,
            starts_on=start,
            ends_on=end,
            faculty_supervisor=faculty_supervisor,
        )

    return all_or_none(applications, create)


@transaction.atomic
def placement_update(*, placement, by, supervisors=None, **values):
    for name in PLACEMENT_FIELDS:
        if name in values:
            setattr(placement, name, values[name])
    _check_member(
        placement.tenant,
        placement.faculty_supervisor,
        Role.FACULTY,
        _("The faculty supervisor must be a faculty member of this institution."),
    )
    placement.full_clean()
    _check_period(placement)
    placement.save()
    if supervisors is not None:
        placement_set_supervisors(placement=placement, contacts=supervisors, by=by, record_history=False)
    record(placement, action="placement.updated", by=by)
    return placement


def placement_set_supervisors(*, placement, contacts, by, record_history=True):
    for contact in contacts:
        if contact.partner_id != placement.partner_id:
            raise ValidationError(_("Partner supervisors must be people of the placement's partner."))
    wanted = {c.pk for c in contacts}
    PlacementSupervisor.objects.filter(placement=placement).exclude(contact_id__in=wanted).delete()
    existing = set(PlacementSupervisor.objects.filter(placement=placement).values_list("contact_id", flat=True))
    PlacementSupervisor.objects.bulk_create(
        [PlacementSupervisor(tenant=placement.tenant, placement=placement, contact_id=pk) for pk in wanted - existing]
    )
    if record_history:
        record(placement, action="placement.supervisors_set", by=by)


@transaction.atomic
def placement_transition(*, placement, to, by, reason=""):
    placement = Placement.objects.select_for_update().get(pk=placement.pk, tenant=placement.tenant)
    if to in Placement.NEEDS_REASON and not reason.strip():
        raise ValidationError(_("Give a reason."))
    if to == Placement.State.ACTIVE and placement.state == Placement.State.PLANNED:
        # The program may ask for the start orientation confirmed by every side first (seed 002).
        missing = orientation_missing_reason(placement)
        if missing:
            raise ValidationError(missing, code="orientation_unconfirmed")
    placement.state_reason = reason if to in Placement.NEEDS_REASON else placement.state_reason
    transition(placement, to=to, by=by, allowed=Placement.TRANSITIONS, note=reason, extra_fields=("state_reason",))
    notify(obj=placement, event=f"placements/{to}", users=_people(placement), note=reason)
    return placement


def _grant_permission():
    return Permission.objects.get(content_type__app_label="placements", codename="view_placement_granted")


@transaction.atomic
def placement_grant_access(*, placement, user, by):
    """Gives one more person (e.g. a second faculty reviewer) access to this placement only."""
    if not Membership.objects.filter(tenant=placement.tenant, user=user, is_active=True).exists():
        raise ValidationError(_("Access can only be given to members of this institution."))
    PlacementUserObjectPermission.objects.get_or_create(
        tenant=placement.tenant, content_object=placement, user=user, permission=_grant_permission()
    )
    record(placement, action="placement.access_granted", by=by, note=user.email)


@transaction.atomic
def placement_revoke_access(*, placement, user, by):
    PlacementUserObjectPermission.objects.filter(content_object=placement, user=user).delete()
    record(placement, action="placement.access_revoked", by=by, note=user.email)


OUTCOME_FIELDS = ("offer_received", "hired_by_partner", "hired_in_japan", "stayed_in_region", "notes")


@transaction.atomic
def career_outcome_record(*, placement, by, **values):
    """Records the career outcome of a placement that has ended."""
    if placement.state not in (Placement.State.COMPLETED, Placement.State.TERMINATED):
        raise ValidationError(_("Career outcomes are recorded when the placement has ended."))
    outcome, _created = CareerOutcome.objects.get_or_create(tenant=placement.tenant, placement=placement)
    for name in OUTCOME_FIELDS:
        if name in values:
            setattr(outcome, name, values[name])
    outcome.recorded_by = by
    outcome.save()
    record(placement, action="placement.outcome_recorded", by=by)
    return outcome
