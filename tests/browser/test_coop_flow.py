"""The KIT co-op flow (seed 000, steps 1-6) end to end in the browser, as three people:
staff set a theme with a partner and issue the agreement PDF, the student does the
pre-assignment and applies, the partner person selects, the student accepts and signs the
pledge, and the staff create the placement and start it."""

import pytest
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Agreement, Placement

from ..clock import at
from ..factories import PartnerFactory, TermFactory, member, partner_person
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(browser, live_server, email, *, width=1200):
    from ..factories import PASSWORD

    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    return page


def click(page, name):
    page.get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state()


@at(2026, 11, 18, 10)
def test_theme_to_active_placement(browser, live_server):
    term = TermFactory(program__tenant__slug="kit", program__tenant__name="KIT", program__name="Co-op program")
    tenant, program = term.tenant, term.program
    staff = member(tenant, Role.STAFF, email="staff@kit.example.jp", full_name="Office Staff")
    member(tenant, Role.FACULTY, email="faculty@kit.example.jp", full_name="Faculty Supervisor")
    student = member(tenant, Role.STUDENT, email="student@kit.example.jp", full_name="Student One")
    partner = PartnerFactory(tenant=tenant, name="Hokuriku Data Systems")
    partner_person(partner, email="boss@hds.example.jp", full_name="Partner Boss")
    base = f"/t/{tenant.slug}"

    # 1. Staff set the theme with the partner and open it.
    office = login(browser, live_server, staff.email)
    office.goto(f"{base}/themes/new/")
    office.get_by_label("Title").fill("Quality prediction from factory data")
    office.get_by_label("Program").select_option(label=program.name)
    office.get_by_label("Partner").select_option(label=partner.name)
    office.get_by_label("Description").fill("Analyse inspection data and predict defects.")
    office.get_by_label("Duration (months)").fill("6")
    click(office, "Save")
    theme_url = office.url
    click(office, "Mark as agreed with the partner")
    click(office, "Open for applications")
    assert office.get_by_text("Open for applications").first.is_visible()

    # 2. The co-op agreement is drafted and issued: its PDF is rendered and stored.
    office.goto(f"{base}/agreements/new/")
    office.get_by_label("Kind").select_option(value="agreement")
    office.get_by_label("Partner").select_option(label=partner.name)
    click(office, "Create the draft")
    click(office, "Issue for signature")
    pdf_link = office.get_by_role("link", name="Read version 1 (PDF)")
    pdf = office.request.get(pdf_link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    screenshot(office, "10-agreement-issued")

    # 3. Pre-education: a pre-assignment on the theme.
    office.goto(theme_url)
    office.get_by_role("link", name="Add a pre-assignment").click()
    office.get_by_label("Title").fill("Log analysis")
    office.get_by_label("Instructions").fill("Find three anomalies.")
    office.get_by_label("Due").fill("2026-11-25T10:00")
    click(office, "Save")

    # 4. The student does the pre-assignment and applies, on a phone.
    phone = login(browser, live_server, student.email, width=390)
    phone.goto(theme_url)
    phone.get_by_role("link", name="Log analysis").click()
    phone.get_by_label("Answer").fill("Three anomalies: ...")
    click(phone, "Submit")
    phone.goto(theme_url)
    phone.get_by_role("link", name="Apply to this theme").click()
    phone.get_by_label("Motivation").fill("I want to learn data science in practice.")
    click(phone, "Send application")
    application_url = phone.url
    screenshot(phone, "11-application-phone")

    # 5. The partner person selects the student.
    company = login(browser, live_server, "boss@hds.example.jp")
    company.goto(application_url)
    click(company, "Select")
    assert company.get_by_text("Selected").first.is_visible()

    # 6. The student accepts; the office issues the pledge; the student signs it.
    phone.goto(application_url)
    click(phone, "Accept the offer")
    office.goto(application_url)
    click(office, "Issue the student pledge")
    phone.goto(application_url)
    phone.get_by_role("link", name="Sign the student pledge").click()
    phone.get_by_label("Your full name").fill("Student One")
    phone.get_by_label("I have read this version").check()
    click(phone, "Sign")
    screenshot(phone, "12-pledge-signed-by-student")

    # 7. The office countersigns; the pledge is in force; the placement is created and started.
    office.goto(phone.url)
    office.get_by_label("Your full name").fill("Office Staff")
    office.get_by_label("I have read this version").check()
    click(office, "Sign")
    with scopes_disabled():
        assert Agreement.objects.get(kind="student_pledge").state == Agreement.State.IN_FORCE
    office.goto(application_url)
    office.get_by_role("link", name="Create the placement").click()
    office.get_by_label("Faculty supervisor").select_option(label="Faculty Supervisor")
    office.get_by_label("Starts on").fill("2026-09-01")
    office.get_by_label("Ends on").fill("2027-02-26")
    click(office, "Save")
    click(office, "Start the placement")
    screenshot(office, "13-placement-active")
    with scopes_disabled():
        placement = Placement.objects.get()
        assert (placement.state, placement.student_id, placement.partner_id) == ("active", student.pk, partner.pk)
