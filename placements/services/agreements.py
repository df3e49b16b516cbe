"""Agreements (協定書, 実施計画書, 寄附講座実施覚書, 実施誓約書): drafting, issuing a version for
signature, signing in the portal or outside it, amending and terminating.

The text of a version is frozen at issue in `AgreementVersion.context` (what the PDF says) and
rendered to a stored PDF by a Celery task after commit; the PDF is rendered again after each
signature so that it shows the signatures recorded so far. An amendment sends the agreement back
to draft; the next issue makes version n+1 and keeps the earlier versions and their signatures.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop.access import MANAGERS
from coop.models import HistoryEntry, Membership
from coop.notifications import notify
from coop.tenant_tasks import queue_after_commit
from coop.workflow import record, transition

from ..access import may_sign_as
from ..models import Agreement, AgreementVersion, Signature
from ..selectors.people import partner_users, staff_users
from ..tasks import render_agreement_version
from .documents import agreement_snapshot, default_title

logger = logging.getLogger(__name__)

AGREEMENT_FIELDS = ("kind", "partner", "theme", "application", "title", "valid_from", "valid_until", "terms")
AMENDED = "agreement.amended"


# --- Drafting ----------------------------------------------------------------------------


def _require_manager(tenant, user):
    is_manager = (
        user is not None
        and user.is_authenticated
        and Membership.objects.filter(tenant=tenant, user=user, is_active=True, role__in=MANAGERS).exists()
    )
    if not is_manager:
        raise ValidationError(_("Only the placement office can do this."))


def _check(agreement):
    """The rules a draft must keep: everything belongs to its tenant and partner."""
    tenant_id = agreement.tenant_id
    if agreement.partner.tenant_id != tenant_id:
        raise ValidationError({"partner": _("Choose a partner of this institution.")})
    if agreement.application_id is not None:
        application = agreement.application
        if application.tenant_id != tenant_id:
            raise ValidationError({"application": _("Choose an application of this institution.")})
        if agreement.theme_id is None:
            agreement.theme = application.theme
        elif application.theme_id != agreement.theme_id:
            raise ValidationError({"application": _("The application is for another theme.")})
    if agreement.theme_id is not None:
        if agreement.theme.tenant_id != tenant_id:
            raise ValidationError({"theme": _("Choose a theme of this institution.")})
        if agreement.theme.partner_id != agreement.partner_id:
            raise ValidationError({"theme": _("The theme belongs to another partner.")})
    if agreement.kind == Agreement.Kind.STUDENT_PLEDGE and agreement.application_id is None:
        raise ValidationError({"application": _("A student pledge needs the student's application.")})
    if agreement.valid_from and agreement.valid_until and agreement.valid_until < agreement.valid_from:
        raise ValidationError({"valid_until": _("The agreement cannot end before it starts.")})
    if not (agreement.title or "").strip():
        raise ValidationError({"title": _("Give the agreement a title.")})


@transaction.atomic
def agreement_create(
    *,
    tenant,
    kind,
    partner,
    title,
    by,
    theme=None,
    application=None,
    valid_from=None,
    valid_until=None,
    terms="",
):
    _require_manager(tenant, by)
    agreement = Agreement(
        tenant=tenant,
        kind=kind,
        partner=partner,
        theme=theme,
        application=application,
        title=(title or "").strip() or default_title(kind, theme or (application.theme if application else None)),
        valid_from=valid_from,
        valid_until=valid_until,
        terms=terms or "",
        created_by=by,
    )
    if kind not in Agreement.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of agreement.")})
    _check(agreement)
    agreement.save()
    record(agreement, action="agreement.created", by=by, to_state=agreement.state)
    return agreement


@transaction.atomic
def agreement_update(*, agreement, by, **values):
    """Changes a draft; issued and signed texts change only through an amendment."""
    _require_manager(agreement.tenant, by)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk, tenant=agreement.tenant)
    if agreement.state != Agreement.State.DRAFT:
        raise ValidationError(_("Only a draft can be edited: amend the agreement first."))
    unknown = set(values) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"agreement_update() got unknown fields: {sorted(unknown)}")
    for name, value in values.items():
        if name in ("title", "terms") and value is None:
            value = ""
        setattr(agreement, name, value)
    if agreement.kind not in Agreement.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of agreement.")})
    _check(agreement)
    agreement.save()
    record(agreement, action="agreement.updated", by=by)
    return agreement


# --- Issue, sign, amend, terminate ---------------------------------------------------------


def _lock(agreement):
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins.
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("tenant", "partner", "application__student")
        .get(pk=agreement.pk, tenant_id=agreement.tenant_id)
    )


def _people_of(agreement, *, with_staff=False, without=None):
    """Who hears about a change: the partner's people, the pledge's student, maybe the office."""
    users = list(partner_users(agreement.partner))
    if agreement.application_id is not None:
        users.append(agreement.application.student)
    if with_staff:
        users.extend(staff_users(agreement.tenant))
    return [u for u in users if without is None or u.pk != without.pk]


def _signers_of(agreement, *, with_staff=False, without=None):
    """Who is asked to sign: the people of each party, and no one else. A student pledge is
    signed by the student and the institution; its partner is not asked to sign it."""
    users = []
    if "partner" in agreement.parties:
        users.extend(partner_users(agreement.partner))
    if "student" in agreement.parties and agreement.application_id is not None:
        users.append(agreement.application.student)
    if with_staff and "institution" in agreement.parties:
        users.extend(staff_users(agreement.tenant))
    return [u for u in users if without is None or u.pk != without.pk]


def _queue_render(version):

    tenant_id, version_id = version.tenant_id, version.pk
    queue_after_commit(render_agreement_version, tenant_id=tenant_id, version_id=version_id)


def _pending_amendment_reason(agreement, since):
    entry = (
        HistoryEntry.objects.filter(
            tenant_id=agreement.tenant_id,
            content_type__app_label="placements",
            content_type__model="agreement",
            object_id=agreement.pk,
            action=AMENDED,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if entry is None or (since is not None and entry.created_at < since):
        return ""
    return entry.note


@transaction.atomic
def agreement_issue(*, agreement, by):
    """draft -> issued: freezes the text as the next version and queues its PDF."""
    _require_manager(agreement.tenant, by)
    agreement = _lock(agreement)
    if agreement.state != Agreement.State.DRAFT:
        raise ValidationError(_("Only a draft can be issued."))
    _check(agreement)
    previous = AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()
    number = previous.number + 1 if previous else 1
    reason = _pending_amendment_reason(agreement, previous.created_at if previous else None) if previous else ""
    version = AgreementVersion.objects.create(
        tenant=agreement.tenant,
        agreement=agreement,
        number=number,
        context=agreement_snapshot(agreement, number=number, reason=reason),
        reason=reason,
        created_by=by,
    )
    transition(
        agreement,
        to=Agreement.State.ISSUED,
        by=by,
        allowed=Agreement.TRANSITIONS,
        values={"number": number},
    )
    _queue_render(version)
    notify(obj=agreement, event="agreements/issued", users=_signers_of(agreement, without=by))
    return version


def _current_version_locked(agreement):
    version = AgreementVersion.objects.select_for_update().filter(agreement=agreement).order_by("-number").first()
    if version is None:
        raise ValidationError(_("This agreement has not been issued."))
    return version


def _check_signable(agreement, party, signed_name):
    if agreement.state != Agreement.State.ISSUED:
        raise ValidationError(_("Only an agreement issued for signature can be signed."))
    if party not in agreement.parties:
        raise ValidationError(_("This agreement has no such party."))
    if not (signed_name or "").strip():
        raise ValidationError({"signed_name": _("Type the name of the person signing.")})


def _after_signature(agreement, version, signature, by):
    """Records the signature, renders the PDF again, and puts the agreement in force when
    every party of the current version has signed."""
    values = {"number": version.number, "party": signature.party, "name": signature.signed_name}
    record(agreement, action="agreement.signed", by=by, values=values)
    AgreementVersion.objects.filter(pk=version.pk).update(pdf_state=AgreementVersion.PdfState.PENDING)
    _queue_render(version)
    signed = set(Signature.objects.filter(version=version).values_list("party", flat=True))
    if signed >= set(agreement.parties):
        agreement.in_force_version = version
        transition(
            agreement,
            to=Agreement.State.IN_FORCE,
            by=by,
            allowed=Agreement.TRANSITIONS,
            extra_fields=("in_force_version",),
            values={"number": version.number},
        )
        notify(obj=agreement, event="agreements/in_force", users=_people_of(agreement, with_staff=True))
    else:
        notify(
            obj=agreement,
            event="agreements/signed",
            users=_signers_of(agreement, with_staff=True, without=by),
            note=signature.signed_name,
        )


@transaction.atomic
def agreement_sign(*, agreement, party, signed_name, signer, ip_address):
    """A party signs the current version in the portal by typing their name."""
    agreement = _lock(agreement)
    _check_signable(agreement, party, signed_name)
    if not may_sign_as(agreement, party, signer):
        raise ValidationError(_("You cannot sign for this party."))
    version = _current_version_locked(agreement)
    if not version.pdf:
        raise ValidationError(_("The PDF of this version is not ready yet: sign once you can read it."))
    if Signature.objects.filter(version=version, party=party).exists():
        raise ValidationError(_("This party has already signed this version."))
    signature = Signature.objects.create(
        tenant=agreement.tenant,
        version=version,
        party=party,
        method=Signature.Method.PORTAL,
        signed_name=signed_name.strip(),
        signer=signer,
        ip_address=ip_address or None,
        recorded_by=signer,
    )
    _after_signature(agreement, version, signature, signer)
    return signature


@transaction.atomic
def agreement_mark_signed_outside(*, agreement, party, signed_name, scan, by):
    """The office records a signature made on paper (or elsewhere), with the signed scan."""
    _require_manager(agreement.tenant, by)
    agreement = _lock(agreement)
    _check_signable(agreement, party, signed_name)
    if not scan:
        raise ValidationError({"scan": _("Attach the scan of the signed document.")})
    version = _current_version_locked(agreement)
    if Signature.objects.filter(version=version, party=party).exists():
        raise ValidationError(_("This party has already signed this version."))
    signature = Signature(
        tenant=agreement.tenant,
        version=version,
        party=party,
        method=Signature.Method.OUTSIDE,
        signed_name=signed_name.strip(),
        signer=None,
        recorded_by=by,
    )
    signature.scan.save(f"{agreement.pk}-v{version.number}-{party}-{scan.name}", scan, save=False)
    signature.save()
    _after_signature(agreement, version, signature, by)
    return signature


@transaction.atomic
def agreement_amend(*, agreement, reason, by):
    """issued or in force -> draft. The next issue makes a new version to be signed again."""
    _require_manager(agreement.tenant, by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the amendment.")})
    agreement = _lock(agreement)
    if agreement.state not in (Agreement.State.ISSUED, Agreement.State.IN_FORCE):
        raise ValidationError(_("Only an issued or signed agreement can be amended."))
    transition(
        agreement, to=Agreement.State.DRAFT, by=by, allowed=Agreement.TRANSITIONS, action=AMENDED, note=reason.strip()
    )
    notify(obj=agreement, event="agreements/amended", users=_people_of(agreement, without=by), note=reason.strip())
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement, reason, by):
    _require_manager(agreement.tenant, by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the termination.")})
    agreement = _lock(agreement)
    transition(agreement, to=Agreement.State.TERMINATED, by=by, allowed=Agreement.TRANSITIONS, note=reason.strip())
    notify(
        obj=agreement,
        event="agreements/terminated",
        users=_people_of(agreement, with_staff=True, without=by),
        note=reason.strip(),
    )
    return agreement


@transaction.atomic
def agreement_version_rerender(*, version, by):
    """Queues the PDF again (after a failure, or a font or template fix)."""
    _require_manager(version.tenant, by)
    AgreementVersion.objects.filter(pk=version.pk, tenant_id=version.tenant_id).update(
        pdf_state=AgreementVersion.PdfState.PENDING, pdf_error=""
    )
    _queue_render(version)
    return version
