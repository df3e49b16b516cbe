"""Agreement URLs in the permission matrix.

The shared object is an issued student pledge: its partner has the tenant's partner person as a
contact and its application is the tenant's student's, so every viewing role can see it.
"""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from coop.access import MANAGERS
from coop.models import Role
from placements.models import Agreement
from placements.services import agreements as services

from ..factories import AgreementFactory, ApplicationFactory, PartnerContactFactory, PartnerFactory, member
from . import Case

VIEWERS = MANAGERS | {Role.PARTNER, Role.STUDENT}


def _staff(tenant, members):
    return members.get(Role.STAFF) or member(tenant, Role.STAFF)


def _draft(tenant, members):
    with scopes_disabled():
        return {"pk": AgreementFactory(partner=PartnerFactory(tenant=tenant)).pk}


def _issued_pledge(tenant, members):
    """Returns (agreement, version): a pledge issued for signature, visible to every viewer."""
    with scopes_disabled():
        student = members.get(Role.STUDENT) or member(tenant, Role.STUDENT)
        application = ApplicationFactory(theme__tenant=tenant, student=student)
        partner = application.theme.partner
        if members.get(Role.PARTNER):
            PartnerContactFactory(partner=partner, user=members[Role.PARTNER])
        agreement = AgreementFactory(
            partner=partner,
            theme=application.theme,
            application=application,
            kind=Agreement.Kind.STUDENT_PLEDGE,
            title="実施誓約書",
        )
        version = services.agreement_issue(agreement=agreement, by=_staff(tenant, members))
        version.pdf.save(f"permission-case-{agreement.pk}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return agreement, version


def _issued(tenant, members):
    return {"pk": _issued_pledge(tenant, members)[0].pk}


def _version(tenant, members):
    return {"pk": _issued_pledge(tenant, members)[1].pk}


def _outside_signature(tenant, members):
    agreement, _version = _issued_pledge(tenant, members)
    with scopes_disabled():
        signature = services.agreement_mark_signed_outside(
            agreement=agreement,
            party="institution",
            signed_name="学長 代理",
            scan=SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
            by=_staff(tenant, members),
        )
    return {"pk": signature.pk}


TENANT_URLS = {
    "placements:agreement_list": Case("GET", VIEWERS),
    "placements:agreement_create": Case("GET", MANAGERS),
    "placements:agreement_detail": Case("GET", VIEWERS, _issued),
    "placements:agreement_update": Case("GET", MANAGERS, _draft),
    "placements:agreement_issue": Case("POST", MANAGERS, _draft),
    # Refused signatures (a staff member signing for the student) are a message and a redirect too.
    "placements:agreement_sign": Case(
        "POST", VIEWERS, _issued, {"sign-party": "student", "sign-signed_name": "山田 花子", "sign-agree": "on"}
    ),
    "placements:agreement_mark_signed_outside": Case("POST", MANAGERS, _issued),
    "placements:agreement_amend": Case("POST", MANAGERS, _issued, {"amend-reason": "就業期間の変更"}),
    "placements:agreement_terminate": Case("POST", MANAGERS, _issued, {"terminate-reason": "受入中止"}),
    "placements:agreement_version_pdf": Case("GET", VIEWERS, _version),
    "placements:agreement_version_pdf_status": Case("GET", VIEWERS, _version),
    "placements:agreement_version_rerender": Case("POST", MANAGERS, _version),
    "placements:agreement_signature_scan": Case("GET", MANAGERS, _outside_signature),
}
