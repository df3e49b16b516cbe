"""Rubrics in the browser: staff build the five-abilities rubric from its template, open a pre
and a post window for the program; the student rates themself, the partner supervisor rates
through the emailed link without an account, the office enters the faculty's paper form; staff
then see the student's growth chart and the cohort's."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import PlacementSupervisor
from rubrics.models import Assessment, RaterLink, Rubric

from ..clock import at
from ..factories import PartnerContactFactory, TenantFactory, member
from ..reports.factories import running_placement
from .conftest import screenshot
from .test_accessibility import violations
from .test_coop_flow import click, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rate_all(page, levels):
    groups = page.locator("fieldset.rate")
    assert groups.count() == len(levels)
    for n, level in enumerate(levels):
        groups.nth(n).locator(f"input[value='{level}']").check()


def open_window(page, base, program, phase):
    page.goto(f"{base}/windows/new/")
    page.locator("#id_rubric").select_option(index=1)
    page.locator("#id_phase").select_option(value=phase)
    page.locator("#id_program").select_option(label=program.name)
    click(page, "Open the window")
    assert page.get_by_text("The assessment window is set.").is_visible()
    return page.url


@at(2026, 11, 18, 10)
def test_staff_build_a_rubric_run_pre_and_post_and_see_growth(browser, live_server):
    tenant = TenantFactory(slug="kanazawa", name="Kanazawa Univ.")
    staff = member(tenant, Role.STAFF, email="staff@kanazawa.example.jp", full_name="Office Staff")
    student = member(tenant, Role.STUDENT, email="student@kanazawa.example.jp", full_name="Student One")
    faculty = member(tenant, Role.FACULTY, email="faculty@kanazawa.example.jp", full_name="Faculty Supervisor")
    placement = running_placement(tenant, student=student, faculty=faculty)
    second = running_placement(tenant, student=member(tenant, Role.STUDENT, full_name="Student Two"))
    with scopes_disabled():
        program = placement.theme.program
        second.theme.program = program
        second.theme.save()
        boss = PartnerContactFactory(partner=placement.partner, full_name="Outside Boss", email="boss@fefu.example.jp")
        PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=boss)
    base = f"/t/{tenant.slug}/rubrics"
    findings = {}

    # 1. Staff build the rubric from the five-abilities template.
    office = login(browser, live_server, staff.email)
    office.goto(f"{base}/")
    office.get_by_label("Start from").select_option(value="five_abilities")
    click(office, "Make the rubric")
    assert office.get_by_text("The rubric is made from the template").is_visible()
    findings["rubric edit"] = violations(office)
    screenshot(office, "50-rubric-edit")
    click(office, "Save the rubric")
    assert office.get_by_role("heading", name=re.compile("グローバル人材の5つの能力ルーブリック")).is_visible()
    assert office.get_by_role("rowheader", name="俯瞰的思考力").is_visible()
    findings["rubric"] = violations(office)
    screenshot(office, "50-rubric-detail")

    # 2. A pre window for the program; the student rates themself, the office the faculty's form.
    pre_url = open_window(office, base, program, "pre")
    screenshot(office, "51-pre-window")
    pupil = login(browser, live_server, student.email, width=390)
    pupil.goto(f"{base}/mine/")
    pupil.get_by_role("link", name=re.compile("グローバル人材")).first.click()
    pupil.wait_for_load_state()
    rate_all(pupil, [1, 2, 1, 2, 2])
    findings["self-assessment"] = violations(pupil)
    screenshot(pupil, "52-self-assessment-phone")
    click(pupil, "Submit the assessment")
    assert pupil.get_by_text("The assessment is saved. Thank you.").is_visible()
    office.goto(pre_url)
    office.get_by_role("link", name="Enter Student One: Faculty supervisor").click()
    office.wait_for_load_state()
    rate_all(office, [2, 2, 1, 2, 1])
    click(office, "Submit the assessment")

    # 3. The post window: the partner supervisor rates through the emailed link, no account.
    post_url = open_window(office, base, program, "post")
    mail.outbox.clear()
    click(office, "Email the link")
    assert office.get_by_text("The link is sent.").is_visible()
    message = next(m for m in mail.outbox if m.to == ["boss@fefu.example.jp"])
    link_path = re.search(r"https?://[^/\s]+(/t/\S+/rubrics/r/\S+/)", message.body).group(1)
    outsider_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, locale="en-US"
    )
    partner = outsider_context.new_page()
    partner.goto(link_path)
    assert partner.get_by_text("No password is needed").is_visible()
    rate_all(partner, [3, 3, 2, 3, 4])
    findings["link"] = violations(partner)
    screenshot(partner, "53-partner-link-phone")
    click(partner, "Submit the assessment")
    assert partner.get_by_role("heading", name="Thank you").is_visible()
    assert not any(c["name"] == "sessionid" for c in outsider_context.cookies())
    pupil.goto(f"{base}/mine/")
    pupil.get_by_role("row", name=re.compile("After")).get_by_role("link").click()
    pupil.wait_for_load_state()
    rate_all(pupil, [3, 3, 2, 4, 3])
    click(pupil, "Submit the assessment")
    office.goto(post_url)
    office.get_by_role("link", name="Enter Student One: Faculty supervisor").click()
    office.wait_for_load_state()
    rate_all(office, [3, 4, 2, 3, 3])
    click(office, "Submit the assessment")
    assert office.locator("table .badge", has_text="done").count() == 3
    screenshot(office, "54-post-window")
    with scopes_disabled():
        assert Assessment.objects.count() == 5
        assert RaterLink.objects.get().used_at is not None
        assert Rubric.objects.get().version == 1

    # 4. The student's growth: before and after per rater, and the raters compared.
    office.get_by_role("link", name="Student One", exact=True).click()
    office.wait_for_load_state()
    assert office.locator("figure.chart svg").count() == 4  # self, partner, faculty, raters compared
    assert office.get_by_role("table", name=re.compile("Self-assessment, before and after")).is_visible()
    findings["student growth"] = violations(office)
    screenshot(office, "55-student-growth")

    # 5. The cohort's growth: distributions and mean change per criterion.
    office.goto(f"{base}/growth/")
    assert office.locator("figure.chart svg").count() == 1
    assert (
        office.get_by_text("1 student assessed.").is_visible() or office.get_by_text("students assessed").is_visible()
    )
    findings["cohort growth"] = violations(office)
    screenshot(office, "56-cohort-growth")
    pupil.goto(f"/t/{tenant.slug}/rubrics/placements/{placement.pk}/growth/")
    assert pupil.locator("figure.chart svg").count() == 1
    screenshot(pupil, "57-own-growth-phone")
    assert {name: found for name, found in findings.items() if found} == {}
