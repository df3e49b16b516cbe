"""Applications and selection: students apply to open themes; partner people and staff
shortlist, interview and select up to capacity; selected students accept and sign the pledge."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.models import Membership, Role
from coop.notifications import notify
from coop.workflow import all_or_none, record, transition

from ..models import Agreement, Application, Interview, InterviewParticipant, Theme
from ..selectors.people import partner_users, staff_users
from ..selectors.selection import places_taken, pledge_for, selection_closed_reason
from .agreements import agreement_create, agreement_issue


def _lock(application):
    return (
        Application.objects.select_for_update()
        .select_related("theme")
        .get(pk=application.pk, tenant=application.tenant)
    )


@transaction.atomic
def application_submit(*, theme, student, motivation, file=None):
    if theme.state != Theme.State.OPEN:
        raise ValidationError(_("This theme is not accepting applications."))
    if not Membership.objects.filter(tenant=theme.tenant, user=student, role=Role.STUDENT, is_active=True).exists():
        raise ValidationError(_("Only students of this institution can apply."))
    if not motivation.strip():
        raise ValidationError({"motivation": _("Write why you want to take part.")})
    application = Application(tenant=theme.tenant, theme=theme, student=student, motivation=motivation)
    if file:
        application.file = file
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(_("You have already applied to this theme.")) from None
    record(application, action="application.submitted", by=student)
    notify(
        obj=application,
        event="applications/submitted",
        users=[*partner_users(theme.partner), *staff_users(theme.tenant)],
    )
    return application


@transaction.atomic
def application_shortlist(*, application, by):
    application = _lock(application)
    return transition(application, to=Application.State.SHORTLISTED, by=by, allowed=Application.TRANSITIONS)


@transaction.atomic
def application_select(*, application, by):
    """Selects up to the theme's capacity; the theme row is locked so two selectors cannot overfill it."""
    theme = Theme.objects.select_for_update().get(pk=application.theme_id, tenant=application.tenant)
    closed = selection_closed_reason(theme)
    if closed:
        raise ValidationError(closed)
    holding = places_taken(theme)
    application = _lock(application)
    transition(application, to=Application.State.SELECTED, by=by, allowed=Application.TRANSITIONS)
    if holding + 1 >= theme.capacity:
        # Every place is taken: the theme is filled (no more applications nor selections).
        transition(theme, to=Theme.State.FILLED, by=by, allowed=Theme.TRANSITIONS, values={"all_taken": True})
    notify(obj=application, event="applications/selected", users=[application.student])
    return application


@transaction.atomic
def application_reject(*, application, by, note=""):
    application = _lock(application)
    transition(application, to=Application.State.REJECTED, by=by, allowed=Application.TRANSITIONS, note=note)
    notify(obj=application, event="applications/rejected", users=[application.student], note=note)
    return application


@transaction.atomic
def application_accept(*, application, by):
    """The selected student accepts; the placement office is asked to prepare the pledge."""
    application = _lock(application)
    if by.pk != application.student_id:
        raise ValidationError(_("Only the student can accept the offer."))
    transition(application, to=Application.State.ACCEPTED, by=by, allowed=Application.TRANSITIONS)
    notify(obj=application, event="applications/accepted", users=[*staff_users(application.tenant)])
    return application


@transaction.atomic
def application_prepare_pledge(*, application, by):
    """The placement office issues the student pledge (実施誓約書) of an accepted application."""

    application = _lock(application)
    if application.state != Application.State.ACCEPTED:
        raise ValidationError(_("The student has not accepted this theme yet."))
    if pledge_for(application) is not None:
        raise ValidationError(_("The student pledge has already been prepared."))
    pledge = agreement_create(
        tenant=application.tenant,
        kind=Agreement.Kind.STUDENT_PLEDGE,
        partner=application.theme.partner,
        theme=application.theme,
        application=application,
        title=_("Student pledge: %(theme)s") % {"theme": application.theme.title},
        by=by,
    )
    agreement_issue(agreement=pledge, by=by)
    return pledge


def applications_prepare_pledges(*, applications, by):
    """Issues the pledges of several accepted applications at once, all or none: when one is
    refused, nothing is issued and coop.workflow.ItemsRefused says which and why."""
    return all_or_none(applications, lambda application: application_prepare_pledge(application=application, by=by))


def _student_leaves(application, *, to, by, note=""):
    application = _lock(application)
    if by.pk != application.student_id:
        raise ValidationError(_("Only the student can do this."))
    held_a_place = application.state in Application.HOLDING_A_PLACE
    transition(application, to=to, by=by, allowed=Application.TRANSITIONS, note=note)
    theme = Theme.objects.select_for_update().get(pk=application.theme_id, tenant=application.tenant)
    if held_a_place and theme.state == Theme.State.FILLED and places_taken(theme) < theme.capacity:
        # A place is free again: selection goes on among the other applicants.
        transition(theme, to=Theme.State.SELECTING, by=by, allowed=Theme.TRANSITIONS)
    notify(obj=application, event="applications/withdrawn", users=[*staff_users(application.tenant)], note=note)
    return application


@transaction.atomic
def application_decline(*, application, by, note=""):
    return _student_leaves(application, to=Application.State.DECLINED, by=by, note=note)


@transaction.atomic
def application_withdraw(*, application, by, note=""):
    return _student_leaves(application, to=Application.State.WITHDRAWN, by=by, note=note)


def _check_participants(application, participants):
    """Participants of an interview: the office's people and the partner's people of the theme."""
    allowed = {u.pk for u in staff_users(application.tenant)} | {u.pk for u in partner_users(application.theme.partner)}
    for user in participants:
        if user.pk not in allowed:
            raise ValidationError(
                _("%(name)s cannot take part: choose the office's people or the partner's people.") % {"name": user},
                code="not_a_participant",
            )


@transaction.atomic
def interview_record(
    *, application, by, kind, held_at, notes="", place="", online_url="", participants=(), outcome=None
):
    """Records an interview (面談): scheduled ahead with its place or online address and its
    participants (the office's people, the partner's people), who are emailed with the student;
    or recorded afterwards with its outcome and notes."""
    _check_participants(application, participants)
    interview = Interview.objects.create(
        tenant=application.tenant,
        application=application,
        kind=kind,
        held_at=held_at,
        place=place,
        online_url=online_url,
        interviewer=by,
        notes=notes,
        outcome=outcome or Interview.Outcome.PENDING,
    )
    InterviewParticipant.objects.bulk_create(
        [InterviewParticipant(tenant=application.tenant, interview=interview, user=user) for user in participants]
    )
    # Not the notes: the application's history is the student's to read too; they stay on the
    # interview, which only the office and the partner's people see.
    record(application, action=f"application.{kind}", by=by)
    if held_at > timezone.now():
        notify(
            obj=interview,
            event="interviews/scheduled",
            users=[application.student, *[u for u in participants if u.pk != by.pk]],
        )
    return interview


@transaction.atomic
def interview_update(*, interview, by, outcome, notes=""):
    """The interview's outcome and notes, after it was held."""
    interview = (
        Interview.objects.select_for_update()
        .select_related("application")
        .get(pk=interview.pk, tenant=interview.tenant)
    )
    if outcome not in Interview.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    changed = interview.outcome != outcome
    interview.outcome = outcome
    interview.notes = notes
    interview.save(update_fields=["outcome", "notes"])
    if changed:
        record(interview.application, action="application.interview_outcome", by=by, values={"outcome": outcome})
    return interview
