"""Partners, programs, themes, pre-education, selection and placements."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scopes_disabled

from coop.access import EVERY_ROLE, MANAGERS
from coop.models import Role
from placements.models import Application, CourseSession, PreAssignment, Submission, Theme

from ..factories import (
    ApplicationFactory,
    PartnerContactFactory,
    PartnerFactory,
    PlacementFactory,
    ProgramFactory,
    ThemeFactory,
    UserFactory,
)
from . import Case

SELECTORS = MANAGERS | {Role.PARTNER}
APPLICANT_VIEWERS = SELECTORS | {Role.STUDENT}


def _partner_of(tenant, members):
    """A partner of `tenant` whose contact is the tenant's partner person (when there is one)."""
    partner = PartnerFactory(tenant=tenant)
    if members.get(Role.PARTNER):
        PartnerContactFactory(partner=partner, user=members[Role.PARTNER], email="partner-person@example.jp")
    return partner


def partner(tenant, members):
    return {"pk": _partner_of(tenant, members).pk}


def contact(tenant, members):
    found = PartnerContactFactory(partner=_partner_of(tenant, members), email="contact@example.jp")
    return {"pk": found.partner_id, "contact_pk": found.pk}


def program(tenant):
    return {"pk": ProgramFactory(tenant=tenant).pk}


def _theme(tenant, members, **fields):
    return ThemeFactory(tenant=tenant, partner=_partner_of(tenant, members), **fields)


def theme(tenant, members):
    return {"pk": _theme(tenant, members).pk}


def draft_theme(tenant, members):
    """A draft theme of the partner person's own partner (set together with the office)."""
    return {"pk": _theme(tenant, members, state=Theme.State.DRAFT).pk}


def partner_person_of_a_partner(tenant, members):
    """Links the tenant's partner person to a partner; the URL names no object."""
    _partner_of(tenant, members)
    return {}


def theme_to_selecting(tenant, members):
    return {"pk": _theme(tenant, members).pk, "state": Theme.State.SELECTING}


def session(tenant, members):
    found = _theme(tenant, members, track=Theme.Track.DONATED_COURSE)
    with scopes_disabled():
        created = CourseSession.objects.create(tenant=tenant, theme=found, title="第1回", starts_at=timezone.now())
    return {"pk": created.pk}


def assignment(tenant, members):
    found = _theme(tenant, members)
    with scopes_disabled():
        created = PreAssignment.objects.create(
            tenant=tenant,
            theme=found,
            title="事前課題",
            instructions="...",
            due_at=timezone.now() + datetime.timedelta(days=7),
        )
    return {"pk": created.pk}


def submission_with_file(tenant, members):
    found = _theme(tenant, members)
    student = members.get(Role.STUDENT) or UserFactory()
    with scopes_disabled():
        task = PreAssignment.objects.create(
            tenant=tenant,
            theme=found,
            title="事前課題",
            instructions="...",
            due_at=timezone.now() + datetime.timedelta(days=7),
        )
        created = Submission(tenant=tenant, assignment=task, student=student, text="回答")
        created.file.save("answer.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return {"pk": created.pk}


def _application(tenant, members, **fields):
    student = members.get(Role.STUDENT) or UserFactory()
    return ApplicationFactory(theme=_theme(tenant, members), student=student, **fields)


def application(tenant, members):
    return {"pk": _application(tenant, members).pk}


def application_with_file(tenant, members):
    found = _application(tenant, members)
    with scopes_disabled():
        found.file.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return {"pk": found.pk}


def application_shortlist(tenant, members):
    return {"pk": _application(tenant, members).pk, "action": "shortlist"}


def accepted_application(tenant, members):
    return {"pk": _application(tenant, members, state=Application.State.ACCEPTED).pk}


def _placement(tenant, members):
    return PlacementFactory(
        theme=_theme(tenant, members),
        student=members.get(Role.STUDENT) or UserFactory(),
        faculty_supervisor=members.get(Role.FACULTY),
    )


def placement(tenant, members):
    return {"pk": _placement(tenant, members).pk}


def placement_to_active(tenant, members):
    return {"pk": _placement(tenant, members).pk, "state": "active"}


def placement_grantee(tenant, members):
    return {"pk": _placement(tenant, members).pk, "user_pk": (members.get(Role.FACULTY) or UserFactory()).pk}


TENANT_URLS = {
    "placements:partner_list": Case("GET", SELECTORS),
    "placements:partner_create": Case("GET", MANAGERS),
    "placements:partner_detail": Case("GET", SELECTORS, partner),
    "placements:partner_edit": Case("GET", MANAGERS, partner),
    "placements:department_add": Case("POST", MANAGERS, partner, {"name": "開発部"}),
    "placements:contact_add": Case("GET", MANAGERS, partner),
    "placements:contact_edit": Case("GET", MANAGERS, contact),
    "placements:contact_invite": Case("POST", MANAGERS, contact),
    "placements:practitioner_appoint": Case("GET", MANAGERS, contact),
    "placements:program_list": Case("GET", MANAGERS),
    "placements:program_create": Case("GET", MANAGERS),
    "placements:program_detail": Case("GET", MANAGERS, program),
    "placements:program_edit": Case("GET", MANAGERS, program),
    "placements:term_add": Case("POST", MANAGERS, program),
    "placements:year_plan_set": Case("POST", MANAGERS, program),
    "placements:theme_list": Case("GET", EVERY_ROLE),
    "placements:theme_create": Case("GET", MANAGERS),
    "placements:theme_detail": Case("GET", EVERY_ROLE, theme),
    # A partner person edits only a draft of their own: tests/placements/test_themes_together.py.
    "placements:theme_edit": Case("GET", MANAGERS, theme),
    "placements:theme_propose": Case("GET", {Role.PARTNER}, partner_person_of_a_partner, names_object=False),
    "placements:theme_confirm": Case("POST", SELECTORS, draft_theme),
    "placements:theme_comment": Case("POST", SELECTORS, draft_theme, {"body": "期間について相談したい。"}),
    "placements:theme_transition": Case("POST", MANAGERS, theme_to_selecting),
    "placements:theme_publish": Case("POST", MANAGERS, theme, {"public": "1"}),
    "placements:session_add": Case("GET", MANAGERS, theme),
    "placements:attendance": Case("GET", MANAGERS, session),
    "placements:assignment_add": Case("GET", MANAGERS, theme),
    "placements:assignment_detail": Case("GET", EVERY_ROLE, assignment),
    "placements:submission_file": Case("GET", APPLICANT_VIEWERS, submission_with_file),
    "placements:theme_apply": Case("GET", {Role.STUDENT}, theme),
    "placements:application_list": Case("GET", APPLICANT_VIEWERS),
    "placements:accepted_students": Case("GET", MANAGERS),
    "placements:application_detail": Case("GET", APPLICANT_VIEWERS, application),
    "placements:application_file": Case("GET", APPLICANT_VIEWERS, application_with_file),
    "placements:application_action": Case("POST", SELECTORS, application_shortlist),
    "placements:interview_add": Case("POST", SELECTORS, application),
    "placements:placement_list": Case("GET", EVERY_ROLE),
    "placements:placement_create": Case("GET", MANAGERS, accepted_application),
    "placements:placement_detail": Case("GET", EVERY_ROLE, placement),
    "placements:placement_edit": Case("GET", MANAGERS, placement),
    "placements:placement_transition": Case("POST", MANAGERS, placement_to_active),
    "placements:placement_grant": Case("POST", MANAGERS, placement, {"email": "nobody@example.jp"}),
    "placements:placement_outcome": Case("POST", MANAGERS, placement, {"hired_by_partner": "on"}),
    "placements:placement_revoke": Case("POST", MANAGERS, placement_grantee),
}


TENANT_URLS.update(
    {
        "placements:term_summary": Case("GET", frozenset({Role.ADMIN})),
        # Without a program chosen the download is a 400 with the form; the page test covers a real one.
        "placements:term_summary_download": Case(
            "GET", frozenset({Role.ADMIN}), lambda tenant: {"fmt": "pdf"}, success=400, names_object=False
        ),
    }
)
