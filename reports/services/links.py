"""Emailed links for partner supervisors without a portal account (or without wanting to sign
in): one placement, one action, expiring, revocable, used up on submission. Only the token's
hash is stored; opening the link is logged and never signs anybody in."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import links
from coop.tenant_tasks import queue_after_commit
from coop.workflow import record

from ..models import AccessLink, AccessLinkOpen, Evaluation, MonthlyReport
from ..selectors import EVALUATION_STATES
from ..tasks import send_access_link
from .core import write_feedback
from .evaluations import evaluation_save


@transaction.atomic
def access_link_send(*, placement, contact, purpose, by, month=None):
    """Creates a link and emails it after commit; an earlier waiting link for the same person
    and action is revoked (a re-send replaces it). Returns (link, raw token)."""
    if contact.partner_id != placement.partner_id or not placement.supervisors.filter(contact=contact).exists():
        raise ValidationError(_("Send links only to a partner supervisor of this placement."))
    if not contact.email:
        raise ValidationError(_("This person has no email address."))
    if placement.state not in EVALUATION_STATES:
        raise ValidationError(_("Links are sent for running or finished placements."))
    if purpose == AccessLink.Purpose.FEEDBACK:
        report = MonthlyReport.objects.filter(placement=placement, month=month).first() if month else None
        if report is None or report.state == MonthlyReport.State.DRAFT:
            raise ValidationError(_("The student has not submitted this monthly report yet."))
    elif purpose == AccessLink.Purpose.EVALUATION:
        month = None
        if Evaluation.objects.filter(
            placement=placement, kind=Evaluation.Kind.PARTNER, state=Evaluation.State.SUBMITTED
        ).exists():
            raise ValidationError(_("The partner evaluation was submitted already."))
    else:
        raise ValidationError(_("Unknown purpose."))
    link, token = links.link_issue(
        AccessLink,
        replaces={"placement": placement, "contact": contact, "purpose": purpose, "month": month},
        tenant_id=placement.tenant_id,
        placement=placement,
        contact=contact,
        email=contact.email,
        purpose=purpose,
        month=month,
        created_by=by,
        expires_at=timezone.now() + timedelta(days=AccessLink.VALID_DAYS),
    )
    record(placement, action="placement.link_sent", by=by, values={"purpose": link.purpose, "email": contact.email})

    tenant_id, link_id = placement.tenant_id, link.pk
    queue_after_commit(send_access_link, tenant_id=tenant_id, link_id=link_id, token=token)
    return link, token


@transaction.atomic
def access_link_revoke(*, link, by):
    links.link_revoke(link)
    record(
        link.placement,
        action="placement.link_revoked",
        by=by,
        values={"purpose": link.purpose, "email": link.email},
    )
    return link


def access_link_open(*, link, ip_address=None, user_agent=""):
    """Logs every opening of the link (the office sees who opened it and when)."""
    AccessLinkOpen.objects.create(
        tenant_id=link.tenant_id, link=link, ip_address=ip_address or None, user_agent=user_agent[:300]
    )
    links.link_opened(link)


@transaction.atomic
def access_link_feedback(*, link, text):
    """The partner supervisor's feedback on the link's monthly report; uses the link up."""
    links.link_check_pending(link)
    if link.purpose != AccessLink.Purpose.FEEDBACK:
        raise ValidationError(_("This link is not for feedback."))
    report = (
        MonthlyReport.objects.select_for_update()
        .select_related("placement")
        .get(placement=link.placement, month=link.month)
    )
    if report.state == MonthlyReport.State.DRAFT:
        raise ValidationError(_("The student has not submitted this monthly report yet."))
    report = write_feedback(report, text=text, by=link.contact.user, name=link.contact.full_name)
    links.link_use(link)
    return report


@transaction.atomic
def access_link_evaluation(*, link, submit, scores, answers, comments):
    """The partner evaluation through the link; a draft keeps the link, submitting uses it up."""
    links.link_check_pending(link)
    if link.purpose != AccessLink.Purpose.EVALUATION:
        raise ValidationError(_("This link is not for the evaluation."))
    evaluation = evaluation_save(
        placement=link.placement,
        kind=Evaluation.Kind.PARTNER,
        by=None,
        submit=submit,
        scores=scores,
        answers=answers,
        comments=comments,
        link=link,
        name=link.contact.full_name,
    )
    if submit:
        links.link_use(link)
    return evaluation
