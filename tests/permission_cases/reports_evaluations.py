"""Evaluations, the final result, emailed links (staff side) and compliance in the permission
matrix. The public link page itself (reports:link) is in TENANT_PUBLIC_URLS and tested in
tests/reports/test_links.py.

The shared placement is supervised by the tenant's faculty member; the tenant's partner person
is its partner supervisor and its practitioner faculty, so both faculty roles can act on it.
"""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from coop.access import ADMINS, MANAGERS
from coop.models import Role
from coop.tokens import hash_token
from placements.models import PractitionerFaculty
from reports.models import AccessLink, Evaluation, EvaluationForm, PlacementResult

from ..factories import member
from ..reports.factories import running_placement
from . import Case

EVALUATION_VIEWERS = MANAGERS | {Role.FACULTY, Role.PARTNER}
BOTH_FACULTY_ROLES = frozenset({Role.FACULTY, Role.PARTNER})


def placement_with_practitioner(tenant, members):
    placement = running_placement(
        tenant,
        student=members.get(Role.STUDENT) or member(tenant, Role.STUDENT),
        faculty=members.get(Role.FACULTY),
        partner_user=members.get(Role.PARTNER),
    )
    with scopes_disabled():
        contact = placement.supervisors.select_related("contact").first()
        if contact is not None:
            placement.practitioner = PractitionerFaculty.objects.create(
                tenant=tenant,
                contact=contact.contact,
                title="実務家教員",
                managerial_years=8,
                appointed_from=datetime.date(2026, 4, 1),
            )
            placement.save(update_fields=["practitioner"])
    return placement


def _placement(tenant, members):
    return {"pk": placement_with_practitioner(tenant, members).pk}


def _partner_evaluation(tenant, members):
    return {"pk": placement_with_practitioner(tenant, members).pk, "kind": "partner"}


def _submitted_evaluation(tenant, members):
    placement = placement_with_practitioner(tenant, members)
    with scopes_disabled():
        form = EvaluationForm.objects.create(tenant=tenant, name="評価票", criteria=[], questions=[])
        Evaluation.objects.create(tenant=tenant, placement=placement, kind="faculty", form=form, state="submitted")
    return {"pk": placement.pk, "kind": "faculty"}


def _proposed_result(tenant, members):
    placement = placement_with_practitioner(tenant, members)
    with scopes_disabled():
        PlacementResult.objects.create(tenant=tenant, placement=placement, grade="A", passed=True)
    return {"pk": placement.pk}


def waiting_link(tenant, members):
    placement = placement_with_practitioner(tenant, members)
    with scopes_disabled():
        contact = placement.supervisors.first()
        if contact is None:
            from placements.models import PlacementSupervisor

            from ..factories import PartnerContactFactory

            found = PartnerContactFactory(partner=placement.partner, email="boss@partner.example.jp")
            PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=found)
        else:
            found = contact.contact
        link = AccessLink.objects.create(
            tenant=tenant,
            placement=placement,
            contact=found,
            email=found.email or "boss@partner.example.jp",
            purpose=AccessLink.Purpose.EVALUATION,
            token_hash=hash_token(f"permission-case-{tenant.slug}-{placement.pk}"),
            expires_at=timezone.now() + datetime.timedelta(days=14),
        )
    return link


def _link(tenant, members):
    return {"pk": waiting_link(tenant, members).pk}


TENANT_URLS = {
    "reports:compliance": Case("GET", MANAGERS),
    "reports:evaluation_form": Case("GET", ADMINS),
    "reports:evaluation_list": Case("GET", EVALUATION_VIEWERS, names_object=False),
    "reports:evaluations": Case("GET", EVALUATION_VIEWERS, _placement),
    "reports:evaluation_edit": Case("GET", EVALUATION_VIEWERS, _partner_evaluation),
    "reports:evaluation_reopen": Case("POST", MANAGERS, _submitted_evaluation, {"reason": "誤って提出しました。"}),
    "reports:result_save": Case(
        "POST", BOTH_FACULTY_ROLES, _placement, {"grade": "A", "passed": "1", "comments": "良好"}
    ),
    "reports:result_agree": Case("POST", BOTH_FACULTY_ROLES, _proposed_result),
    "reports:link_send": Case("POST", MANAGERS, _placement, {"purpose": "evaluation"}),
    "reports:link_list": Case("GET", MANAGERS),
    "reports:link_detail": Case("GET", MANAGERS, _link),
    "reports:link_revoke": Case("POST", MANAGERS, _link),
}
