"""Surveys in the browser (seed 002): the coordinator builds a survey form and opens a round
for the program, which emails the partner supervisor a link; the student answers on a phone
from the dashboard, the partner supervisor through the emailed link without an account, and
the coordinator sees the results with a chart per question."""

import re

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from coop.models import Role, Tenant
from placements.models import PlacementSupervisor
from surveys import demo
from surveys.models import SurveyLink, SurveyResponse

from ..clock import at
from ..factories import PartnerContactFactory, TenantFactory, member
from ..rubrics.helpers import make_placement
from .conftest import screenshot
from .test_accessibility import violations
from .test_coop_flow import click, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def question(page, n, text, kind, *, required=False, choices=()):
    page.locator(f"#id_q{n}_text").fill(text)
    page.locator(f"#id_q{n}_type").select_option(value=kind)
    if required:
        page.locator(f"#id_q{n}_required").check()
    if choices:
        page.locator(f"#id_q{n}_choices").fill("\n".join(choices))


@at(2026, 11, 18, 10)
def test_a_survey_from_form_to_results(browser, live_server):
    tenant = TenantFactory(slug="hokkaido", name="Hokkaido Challenge", kind=Tenant.Kind.COORDINATOR)
    staff = member(tenant, Role.STAFF, email="coordinator@hokkaido.example.jp", full_name="Coordinator")
    student = member(tenant, Role.STUDENT, email="student@hokkaido.example.jp", full_name="Student One")
    placement = make_placement(tenant, student=student)
    with scopes_disabled():
        program = placement.theme.program
        boss = PartnerContactFactory(partner=placement.partner, full_name="Outside Boss", email="boss@farm.example.jp")
        PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=boss)
    findings = {}

    # 1. The coordinator builds the form: a rating, a choice, several choices, free text.
    office = login(browser, live_server, staff.email)
    office.goto(f"/t/{tenant.slug}/")
    office.get_by_role("link", name="Surveys", exact=True).first.click()
    office.get_by_role("link", name="New survey form").click()
    office.get_by_label("Name").fill("After the internship")
    question(office, 0, "How satisfied are you overall?", "rating", required=True)
    question(office, 1, "Would you take part again?", "single", required=True, choices=["Yes", "Maybe", "No"])
    question(office, 2, "What did it bring?", "multiple", choices=["Growth", "Local ties", "Business"])
    findings["form edit"] = violations(office)
    screenshot(office, "60-survey-form-edit")
    click(office, "Save the survey")
    assert office.get_by_text("The survey is saved.").is_visible()
    # Free text comes as a fourth question, added on a second save (the form is not answered yet).
    office.get_by_role("link", name="Edit", exact=True).click()
    question(office, 3, "Anything else?", "text")
    click(office, "Save the survey")
    assert office.get_by_role("rowheader", name="Anything else?").is_visible()
    screenshot(office, "60-survey-form")

    # 2. A round for the program: everybody asked, the partner emailed at once.
    mail.outbox.clear()
    office.get_by_role("link", name="Open a survey round").click()
    office.get_by_label("Program").select_option(label=program.name)
    findings["round form"] = violations(office)
    click(office, "Open the survey")
    assert office.get_by_text("The survey is open").is_visible()
    round_url = office.url
    message = next(m for m in mail.outbox if m.to == ["boss@farm.example.jp"])
    link_path = re.search(r"https?://[^/\s]+(/t/\S+/surveys/s/\S+/)", message.body).group(1)
    findings["round"] = violations(office)
    screenshot(office, "61-survey-round")

    # 3. The student answers on a phone, from what waits on the dashboard.
    pupil = login(browser, live_server, student.email, width=390)
    pupil.goto(f"/t/{tenant.slug}/")
    screenshot(pupil, "62-survey-dashboard-phone")
    pupil.get_by_role("link", name="Surveys to answer").first.click()
    pupil.get_by_role("link", name=re.compile("After the internship")).click()
    pupil.wait_for_load_state()
    click(pupil, "Send the answers")  # nothing answered: the required questions are named
    assert pupil.get_by_text(
        "Answer the required questions: How satisfied are you overall?、Would you take part again?"
    ).is_visible()
    pupil.locator("fieldset.answer").nth(0).get_by_label("5").check()
    pupil.get_by_label("Yes").check()
    pupil.get_by_label("Growth").check()
    pupil.get_by_label("Local ties").check()
    pupil.locator("textarea").fill("I learned to run a project with the farm.")
    findings["answer on a phone"] = violations(pupil)
    screenshot(pupil, "62-survey-answer-phone")
    click(pupil, "Send the answers")
    assert pupil.get_by_text("Your answers are saved. Thank you.").is_visible()
    assert pupil.get_by_text("answered", exact=True).is_visible()

    # 4. The partner supervisor answers through the emailed link: no account, no sign-in.
    outsider = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, locale="en-US"
    )
    partner = outsider.new_page()
    partner.goto(link_path)
    assert partner.get_by_text("No password is needed").is_visible()
    partner.locator("fieldset.answer").nth(0).get_by_label("4").check()
    partner.get_by_label("Maybe").check()
    partner.get_by_label("Business").check()
    findings["link"] = violations(partner)
    screenshot(partner, "63-survey-partner-link-phone")
    click(partner, "Send the answers")
    assert partner.get_by_role("heading", name="Thank you").is_visible()
    assert not any(c["name"] == "sessionid" for c in outsider.cookies())

    # 5. The coordinator answers the office's part and sees the results with charts.
    office.goto(round_url)
    office.get_by_role("link", name="Answer Student One").click()
    office.wait_for_load_state()
    office.locator("fieldset.answer").nth(0).get_by_label("3").check()
    office.get_by_label("Yes").check()
    click(office, "Send the answers")
    office.goto(round_url)
    office.get_by_role("link", name="See the results").click()
    office.wait_for_load_state()
    assert office.get_by_text("3 / 3 (100.0%)").is_visible()
    assert office.locator("figure.chart svg").count() == 4  # the response rate and three questions
    assert office.get_by_text("I learned to run a project with the farm.").is_visible()
    findings["results"] = violations(office)
    screenshot(office, "64-survey-results")
    with scopes_disabled():
        assert SurveyResponse.objects.filter(submitted_at__isnull=False).count() == 3
        assert SurveyLink.objects.get().used_at is not None
    assert {name: found for name, found in findings.items() if found} == {}


@at(2026, 11, 30, 10)
def test_the_demo_coordinators_finished_survey_in_japanese(browser, live_server):
    tenant = TenantFactory(slug="hokkaido-challenge", name="北海道チャレンジ", kind=Tenant.Kind.COORDINATOR)
    people = {role: member(tenant, role, email=f"{role}@hokkaido.example.jp") for role in Role}
    make_placement(tenant, student=people[Role.STUDENT], partner_user=people[Role.PARTNER])
    with scope(tenant=tenant):
        demo.seed(tenant, people)
    office = login(browser, live_server, people[Role.STAFF].email)
    office.goto(f"/t/{tenant.slug}/surveys/rounds/")
    office.locator("button[lang=ja]").click()
    office.wait_for_load_state()
    office.get_by_role("link", name=re.compile("結果")).first.click()
    office.wait_for_load_state()
    assert office.get_by_role("heading", name="アンケート結果: プログラム終了後アンケート").is_visible()
    assert office.get_by_text("3 / 3 (100.0%)").is_visible()
    assert office.locator("figure.chart svg").count() == 5
    assert violations(office) == []
    screenshot(office, "65-survey-demo-results-ja")
