"""Evaluations in the browser: staff email links to a partner supervisor who has no account;
they give feedback on the monthly report and submit the evaluation report without any
password; the faculty supervisor evaluates, and both faculty roles agree on the final result."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import PlacementSupervisor, PractitionerFaculty
from reports.models import AccessLink, Evaluation, MonthlyReport, PlacementResult

from ..clock import at
from ..factories import PartnerContactFactory, PartnerFactory, member
from ..reports.factories import MonthlyReportFactory, running_placement
from .conftest import screenshot
from .test_accessibility import violations
from .test_coop_flow import click, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def emailed_path(to):
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return re.search(r"https?://[^/\s]+(/t/\S+/reports/l/\S+/)", message.body).group(1)


@at(2026, 11, 18, 10)
def test_partner_uses_emailed_links_and_faculty_agree_the_result(browser, live_server):
    tenant = PartnerFactory(tenant__slug="kit", tenant__name="KIT", name="Hokuriku Data Systems").tenant
    staff = member(tenant, Role.STAFF, email="staff@kit.example.jp", full_name="Office Staff")
    faculty = member(tenant, Role.FACULTY, email="faculty@kit.example.jp", full_name="Faculty Supervisor")
    student = member(tenant, Role.STUDENT, email="student@kit.example.jp", full_name="Student One")
    practitioner = member(tenant, Role.PARTNER, email="mentor@hds.example.jp", full_name="Practitioner Mentor")
    placement = running_placement(tenant, student=student, faculty=faculty, partner_user=practitioner)
    month = timezone.localdate().replace(day=1)
    with scopes_disabled():
        mentor_contact = placement.supervisors.get().contact
        placement.practitioner = PractitionerFaculty.objects.create(
            tenant=tenant,
            contact=mentor_contact,
            title="Practitioner faculty",
            managerial_years=8,
            appointed_from=placement.starts_on,
        )
        placement.save(update_fields=["practitioner"])
        # The partner supervisor has no account: links are the way in.
        boss = PartnerContactFactory(partner=placement.partner, full_name="Outside Boss", email="boss@hds.example.jp")
        PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=boss)
    MonthlyReportFactory(placement=placement, month=month, summary="Data preparation and a first model.")
    base = f"/t/{tenant.slug}/reports"

    # 1. Staff send the feedback link and the evaluation link from the placement's report page.
    office = login(browser, live_server, staff.email)
    office.goto(f"{base}/placements/{placement.pk}/")
    links = office.locator("#links")
    links.get_by_label("Send to").select_option(label="Outside Boss")
    links.get_by_label("Form to fill").select_option(value="feedback")
    links.get_by_label("Month (for feedback)").select_option(value=f"{month:%Y-%m}")
    click(office, "Send the link")
    assert office.get_by_text("The link is sent.").is_visible()
    links = office.locator("#links")
    links.get_by_label("Send to").select_option(label="Outside Boss")
    links.get_by_label("Form to fill").select_option(value="evaluation")
    click(office, "Send the link")
    feedback_path = emailed_path("boss@hds.example.jp")
    assert len([m for m in mail.outbox if m.to == ["boss@hds.example.jp"]]) == 2
    evaluation_path = emailed_path("boss@hds.example.jp")
    first = next(m for m in mail.outbox if m.to == ["boss@hds.example.jp"])
    feedback_path = re.search(r"https?://[^/\s]+(/t/\S+/reports/l/\S+/)", first.body).group(1)
    assert feedback_path != evaluation_path

    # 2. The partner supervisor opens the feedback link: no sign-in, no password.
    outsider_context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    partner = outsider_context.new_page()
    partner.set_default_timeout(15_000)
    partner.goto(feedback_path)
    assert partner.get_by_text("Data preparation and a first model.").is_visible()
    assert partner.get_by_text("No password is needed").is_visible()
    findings = {"feedback link": violations(partner)}
    screenshot(partner, "30-link-feedback-phone")
    partner.get_by_label("Your feedback").fill("Careful work; please present your model to the team.")
    click(partner, "Send the feedback")
    assert partner.get_by_role("heading", name="Thank you").is_visible()
    with scopes_disabled():
        report = MonthlyReport.objects.get()
        assert report.partner_feedback.startswith("Careful work") and report.partner_feedback_name == "Outside Boss"

    # 3. ... then the evaluation link: scores, answers, comments; submitted without an account.
    partner.goto(evaluation_path)
    for n, criterion in enumerate(
        [
            "Finding problems",
            "Putting it into practice",
            "Working with others",
            "Reporting, informing and consulting",
            "Initiative",
        ]
    ):
        partner.get_by_role("group", name=criterion).get_by_label(str(4 + n % 2), exact=True).check()
    partner.get_by_label("Strengths shown during the placement").fill("Asks good questions.")
    partner.get_by_label("Comments").fill("We would welcome another student next year.")
    findings["evaluation link"] = violations(partner)
    screenshot(partner, "31-link-evaluation-phone")
    click(partner, "Submit the evaluation")
    assert partner.get_by_role("heading", name="Thank you").is_visible()
    screenshot(partner, "32-link-evaluation-done-phone")
    partner.goto(evaluation_path)
    assert partner.get_by_role("heading", name="This link is no longer valid").is_visible()
    screenshot(partner, "33-link-used-phone")
    cookies = outsider_context.cookies()
    assert not any(c["name"] == "sessionid" for c in cookies), "the link never signs the partner in"
    with scopes_disabled():
        evaluation = Evaluation.objects.get(kind="partner")
        assert (evaluation.state, evaluation.rater_name, evaluation.scores["c1"]) == ("submitted", "Outside Boss", 4)
        assert AccessLink.objects.filter(used_at__isnull=False).count() == 2

    # 4. Staff see who opened what and when.
    office.goto(f"{base}/placements/{placement.pk}/")
    assert office.locator("#links .badge.link-used").count() == 2
    office.locator("#links").scroll_into_view_if_needed()
    screenshot(office, "34-links-opened-and-used")

    # 5. The faculty supervisor evaluates and proposes the result.
    teacher = login(browser, live_server, faculty.email)
    teacher.goto(f"{base}/placements/{placement.pk}/evaluations/")
    assert teacher.get_by_text("We would welcome another student next year.").is_visible()
    teacher.get_by_role("link", name="Write the evaluation").click()
    teacher.wait_for_load_state()
    for criterion in [
        "Finding problems",
        "Putting it into practice",
        "Working with others",
        "Reporting, informing and consulting",
        "Initiative",
    ]:
        teacher.get_by_role("group", name=criterion).get_by_label("4", exact=True).check()
    teacher.get_by_label("Comments").fill("Steady growth over the placement.")
    findings["faculty evaluation"] = violations(teacher)
    screenshot(teacher, "38-faculty-evaluation-form")
    click(teacher, "Submit the evaluation")
    assert teacher.get_by_text("The evaluation is submitted.").is_visible()
    teacher.goto(f"{base}/placements/{placement.pk}/evaluations/")
    teacher.get_by_label("Grade").select_option(value="A")
    teacher.get_by_label("Comments").fill("Passed with a very good evaluation from both sides.")
    click(teacher, "Save the result")
    assert teacher.get_by_text("Waiting for agreement").first.is_visible()

    # 6. The practitioner faculty agrees: the result is final.
    mentor = login(browser, live_server, practitioner.email)
    mentor.goto(f"{base}/placements/{placement.pk}/evaluations/")
    click(mentor, "Agree to this result")
    assert mentor.get_by_text("You agreed to the result.").is_visible()
    assert mentor.locator("#result-h .badge", has_text="Final").is_visible()
    screenshot(mentor, "35-result-agreed")
    # (base.html's message list, role="status" on a <ul>, is an axe finding of its own: checked without it.)
    mentor.reload()
    findings["evaluations"] = violations(mentor)
    with scopes_disabled():
        result = PlacementResult.objects.get()
        assert result.is_final and result.grade == "A"

    # 7. The printable evaluation page; compliance at a glance for the office.
    teacher.goto(f"{base}/placements/{placement.pk}/evaluations/partner/")
    teacher.emulate_media(media="print")
    screenshot(teacher, "36-partner-evaluation-print")
    office.goto(f"{base}/compliance/")
    assert office.locator(".bar-chart svg[role=img]").count() == 1  # the groups of one kind, paged
    findings["compliance"] = violations(office)
    screenshot(office, "37-compliance")

    # 8. The tenant's admin sees the form and its version.
    admin = login(browser, live_server, member(tenant, Role.ADMIN, email="admin@kit.example.jp").email)
    admin.goto(f"{base}/evaluation-form/")
    assert admin.get_by_label("Criteria").input_value().startswith("Finding problems | ")
    findings["evaluation form"] = violations(admin)
    screenshot(admin, "39-evaluation-form-settings")
    assert {name: found for name, found in findings.items() if found} == {}
