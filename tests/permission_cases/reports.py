"""Reports URLs in the permission matrix.

The shared object is an active placement of the tenant's student, supervised by the tenant's
faculty member and (as partner supervisor) the tenant's partner person, so every role sees it.
"""

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scopes_disabled

from coop.access import ADMINS, EVERY_ROLE, MANAGERS
from coop.models import Role
from reports.models import ClosurePeriod, FinalReport, FinalReportFile, PresentationSlot

from ..factories import ProgramFactory, member
from ..reports.factories import FinalPresentationFactory, MonthlyReportFactory, running_placement
from . import Case

FACULTY_AND_MANAGERS = MANAGERS | {Role.FACULTY}


def _placement(tenant, members):
    return running_placement(
        tenant,
        student=members.get(Role.STUDENT) or member(tenant, Role.STUDENT),
        faculty=members.get(Role.FACULTY),
        partner_user=members.get(Role.PARTNER),
    )


def _placement_kwargs(tenant, members):
    return {"pk": _placement(tenant, members).pk}


def _day(tenant, members):
    return {"pk": _placement(tenant, members).pk, "day": timezone.localdate()}


def _month(tenant, members):
    return {"pk": _placement(tenant, members).pk, "month": timezone.localdate().replace(day=1)}


def _submitted_month(tenant, members):
    placement = _placement(tenant, members)
    MonthlyReportFactory(placement=placement)
    return {"pk": placement.pk, "month": timezone.localdate().replace(day=1)}


def _submitted_final(tenant, members):
    placement = _placement(tenant, members)
    with scopes_disabled():
        FinalReport.objects.create(tenant=tenant, placement=placement, text="最終報告", state="submitted")
    return {"pk": placement.pk}


def _final_file(tenant, members):
    placement = _placement(tenant, members)
    with scopes_disabled():
        report = FinalReport.objects.create(tenant=tenant, placement=placement, text="最終報告")
        file = FinalReportFile(tenant=tenant, report=report, name="slides.pdf")
        file.file.save("permission-case-slides.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {"pk": file.pk}


def _presentation(tenant, members):
    placement = _placement(tenant, members)
    with scopes_disabled():
        presentation = FinalPresentationFactory(tenant=tenant)
        PresentationSlot.objects.create(tenant=tenant, presentation=presentation, placement=placement)
    return {"pk": presentation.pk}


def _suspension(tenant, members):
    placement = _placement(tenant, members)
    with scopes_disabled():
        closure = ClosurePeriod.objects.create(
            tenant=tenant,
            placement=placement,
            starts_on=placement.starts_on,
            ends_on=placement.starts_on,
            reason="試験",
        )
    return {"pk": closure.pk}


def _program(tenant):
    return {"pk": ProgramFactory(tenant=tenant).pk}


TENANT_URLS = {
    "reports:overview": Case("GET", EVERY_ROLE),
    # A program's report guide: the office edits it (a student only sees its prompts).
    "reports:report_guide": Case("GET", MANAGERS, _program),
    "reports:today": Case("GET", frozenset({Role.STUDENT})),
    "reports:monthly_list": Case("GET", EVERY_ROLE),
    "reports:settings": Case("GET", ADMINS),
    "reports:closure_add": Case(
        "POST", ADMINS, None, {"starts_on": "2026-12-29", "ends_on": "2027-01-03", "reason": "年末年始"}
    ),
    "reports:suspension_add": Case(
        "POST", MANAGERS, _placement_kwargs, {"starts_on": "2026-12-29", "ends_on": "2027-01-03", "reason": "試験"}
    ),
    "reports:closure_delete": Case("POST", MANAGERS, _suspension),
    "reports:placement": Case("GET", EVERY_ROLE, _placement_kwargs),
    "reports:daily_edit": Case("GET", EVERY_ROLE, _day),
    "reports:daily_unlock": Case("POST", FACULTY_AND_MANAGERS, _day, {"days": "3"}),
    "reports:monthly_detail": Case("GET", EVERY_ROLE, _month),
    "reports:monthly_feedback": Case(
        "POST", frozenset({Role.PARTNER}), _submitted_month, {"text": "よくできています。"}
    ),
    "reports:monthly_comment": Case("POST", frozenset({Role.FACULTY}), _submitted_month, {"text": "順調です。"}),
    "reports:monthly_return": Case("POST", FACULTY_AND_MANAGERS, _submitted_month, {"reason": "追記してください。"}),
    "reports:final_report": Case("GET", EVERY_ROLE, _placement_kwargs),
    "reports:final_reopen": Case("POST", FACULTY_AND_MANAGERS, _submitted_final, {"reason": "図を追加してください。"}),
    "reports:final_file": Case("GET", EVERY_ROLE, _final_file),
    "reports:final_file_delete": Case("POST", frozenset({Role.STUDENT}), _final_file),
    "reports:presentation_list": Case("GET", EVERY_ROLE),
    "reports:presentation_create": Case("GET", MANAGERS),
    "reports:presentation_detail": Case("GET", EVERY_ROLE, _presentation),
    "reports:presentation_edit": Case("GET", MANAGERS, _presentation),
}
