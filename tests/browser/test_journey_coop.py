"""Journey of a university co-op program (seed 000, KIT), in the browser, as its people walk it.

The office sets up the partner, invites its supervisor, sets the theme and issues the
agreement and the implementation plan, which the partner person signs; the student does the
pre-assignment and applies; the partner selects; the pledge is signed; the placement starts;
the student writes daily reports on a phone and the monthly report, which the partner and the
faculty supervisor answer; then the final report, the evaluations and the agreed final result.

Every person signs in on the login page and moves only by the links and buttons the pages
offer. The server's clock is set by the test (time_machine, ticking), so months can pass.
test_coop_flow.py checks the front half step by step with direct URLs; this journey walks the
whole lifecycle by navigation and checks what each person sees."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Placement

from ..factories import PASSWORD, TermFactory, member
from .conftest import screenshot, unfold_menu

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

JST = zoneinfo.ZoneInfo("Asia/Tokyo")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=JST)


@pytest.fixture(autouse=True)
def _last_pages(browser):
    """After each journey (passed or failed) the last page of every browser is saved as
    tests/screenshots/debug-<n>.png: where a failed step left each person."""
    yield
    for n, context in enumerate(browser.contexts):
        for page in context.pages:
            screenshot(page, f"debug-{n}")


# --- how a person moves through the portal ---------------------------------------------------


def sign_in(browser, live_server, email, *, phone=False, password=PASSWORD):
    """A fresh browser (a desktop, or a 390 px phone) signed in on the login page."""
    size = {"width": 390, "height": 844} if phone else {"width": 1200, "height": 900}
    context = browser.new_context(
        base_url=live_server.url, viewport=size, is_mobile=phone, has_touch=phone, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    return page


def outsider(browser, live_server, *, phone=False):
    """A browser with nobody signed in (for an emailed link)."""
    size = {"width": 390, "height": 844} if phone else {"width": 1200, "height": 900}
    context = browser.new_context(base_url=live_server.url, viewport=size, is_mobile=phone, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def menu(page, label):
    """A link of the main navigation, or of its Office menu."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        unfold_menu(page)
    if not link.is_visible():
        nav.locator("summary", has_text="Office").click()
    link.click()
    page.wait_for_load_state()


def follow(page, name, *, within=None, exact=True):
    (within or page).get_by_role("link", name=name, exact=exact).first.click()
    page.wait_for_load_state()


def press(page, name, *, within=None):
    (within or page).get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state()


def sees(page, *texts):
    """Each text is visible somewhere on the page."""
    for text in texts:
        found = page.get_by_text(text).first.is_visible()
        assert found, f"{text!r} is not on {page.url}: {page.locator('main').inner_text()[:2000]}"


def field(page, label):
    """The form field whose label is exactly `label` (a required one has a " *" after it)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def choose(select, text):
    """Picks the option of a <select> whose text contains `text`."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


def badge(page, text):
    return page.locator(".badge", has_text=text).first


def emailed_path(to, pattern):
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return re.search(rf"https?://[^/\s]+({pattern})", message.body).group(1)


def sign_document(page, name):
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("I have read this version").check()
    press(page, "Sign")


# --- the journey ------------------------------------------------------------------------------


def test_coop_program_from_partner_to_final_result(browser, live_server):
    term = TermFactory(
        program__tenant__slug="kit",
        program__tenant__name="Kanazawa Institute of Technology",
        program__name="KIT Co-op Education",
        name="AY2027",
        academic_year=2027,
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
    )
    tenant = term.tenant
    member(tenant, Role.STAFF, email="office@kit.example.jp", full_name="Office Staff")
    member(tenant, Role.FACULTY, email="faculty@kit.example.jp", full_name="Faculty Supervisor")
    member(tenant, Role.STUDENT, email="student@kit.example.jp", full_name="Student One")

    with time_machine.travel(at(2027, 6, 1), tick=True) as clock:
        # 1. The office records the partner company and its supervisor, and invites them.
        office = sign_in(browser, live_server, "office@kit.example.jp")
        sees(office, "Welcome, Office Staff (Placement office staff).")
        menu(office, "Partners")
        follow(office, "Add a partner")
        field(office, "Name").fill("Hokuriku Data Systems")
        office.get_by_label("Industry").fill("Manufacturing IT")
        press(office, "Save")
        assert office.get_by_role("heading", name="Hokuriku Data Systems").is_visible()
        follow(office, "Add a person")
        office.get_by_label("Full name").fill("Partner Boss")
        office.get_by_label("Job title").fill("Head of data")
        office.get_by_label("Email address").fill("boss@hds.example.jp")
        press(office, "Save")
        press(office, "Invite to the portal")
        join_path = emailed_path("boss@hds.example.jp", r"/t/kit/join/\S+/")

        # 2. The partner supervisor follows the emailed invitation and makes an account.
        boss = outsider(browser, live_server)
        boss.goto(join_path)
        sees(boss, "Join Kanazawa Institute of Technology")
        boss.get_by_label("Full name").fill("Partner Boss")
        field(boss, "Password").fill(PASSWORD)
        boss.get_by_label("Password (again)").fill(PASSWORD)
        press(boss, "Create account and join")
        # A new account takes the institution's language (Japanese); they switch to English.
        sees(boss, "ようこそ、Partner Boss さん（連携先担当者）。")
        press(boss, "English")
        sees(boss, "Welcome, Partner Boss (Partner person).", "No themes yet.")

        # ... and the office appoints them practitioner faculty (5+ years as a manager).
        office.reload()
        sees(office, "Has access")
        follow(office, "Appoint as practitioner faculty")
        office.get_by_label("Title as educator").fill("Practitioner faculty")
        office.get_by_label("Years of managerial experience").fill("12")
        office.get_by_label("Appointed from").fill("2027-06-01")
        press(office, "Appoint")
        sees(office, "12 years as a manager")

        # 3. The office sets the theme with the partner and opens it.
        follow(office, "New theme with this partner")
        office.get_by_label("Title").fill("Quality prediction from factory data")
        office.get_by_label("Program").select_option(label="KIT Co-op Education")
        choose(office.get_by_label("Term"), "AY2027")
        office.get_by_label("Description").fill("Analyse inspection data and predict defects.")
        office.get_by_label("Duration (months)").fill("5")
        office.get_by_label("Pay").fill("時給 1,200円")
        press(office, "Save")
        press(office, "Mark as agreed with the partner")
        press(office, "Open for applications")
        assert badge(office, "Open for applications").is_visible()
        screenshot(office, "journey-coop-01-theme-open")

        # 4. The co-op agreement and the theme's implementation plan are issued; the office and
        #    the partner person sign both.
        for kind, theme in [("agreement", None), ("implementation_plan", "Quality prediction from factory data")]:
            menu(office, "Agreements")
            follow(office, "New agreement")
            office.get_by_label("Kind").select_option(value=kind)
            office.get_by_label("Partner").select_option(label="Hokuriku Data Systems")
            if theme:
                office.get_by_label("Theme").select_option(label=theme)
            press(office, "Create the draft")
            press(office, "Issue for signature")
            office.reload()
            assert office.get_by_role("link", name="Read version 1 (PDF)").is_visible()
            sign_document(office, "Office Staff")  # the office signs for the institution
        menu(boss, "Agreements")
        assert boss.locator("tbody tr").count() == 2
        for row in range(2):
            menu(boss, "Agreements")
            boss.locator("tbody tr").nth(row).get_by_role("link").first.click()
            boss.wait_for_load_state()
            sees(boss, "Office Staff")  # the institution has signed
            sign_document(boss, "Partner Boss")
            assert badge(boss, "In force").is_visible()
        screenshot(boss, "journey-coop-02-agreement-signed-by-partner")
        menu(office, "Agreements")
        assert office.locator("tbody .badge", has_text="In force").count() == 2

        # 5. Pre-education: a pre-assignment on the theme.
        menu(office, "Themes")
        follow(office, "Quality prediction from factory data")
        follow(office, "Add a pre-assignment")
        office.get_by_label("Title").fill("Log analysis")
        office.get_by_label("Instructions").fill("Find three anomalies in the sample log.")
        office.get_by_label("Due").fill("2027-06-15T17:00")
        press(office, "Save")
        sees(office, "due 2027-06-15 17:00")

        # 6. The student, on a phone, does the pre-assignment and applies.
        student = sign_in(browser, live_server, "student@kit.example.jp", phone=True)
        follow(student, "1 theme is open for applications")
        follow(student, "Quality prediction from factory data")
        follow(student, "Log analysis")
        student.get_by_label("Answer").fill("Three anomalies: a gap at 03:00, a spike, a duplicated lot.")
        press(student, "Submit")
        follow(student, "← Quality prediction from factory data")
        follow(student, "Apply to this theme")
        student.get_by_label("Motivation").fill("I want to learn data science on a real production line.")
        press(student, "Send application")
        menu(student, "Dashboard")
        assert student.get_by_role("link", name="Quality prediction from factory data").is_visible()
        assert badge(student, "Submitted").is_visible()
        screenshot(student, "journey-coop-03-applied-phone")

        # ... and the office sees the pre-assignment answer.
        menu(office, "Themes")
        follow(office, "Quality prediction from factory data")
        follow(office, "Log analysis")
        sees(office, "Student One", "Three anomalies: a gap at 03:00, a spike, a duplicated lot.")

        # 7. The partner person reads the application and selects the student.
        menu(boss, "Dashboard")
        sees(boss, "1 applicant")
        follow(boss, "Quality prediction from factory data")
        follow(boss, "Student One")
        sees(boss, "I want to learn data science on a real production line.")
        press(boss, "Select")
        assert badge(boss, "Selected").is_visible()

        # 8. The student accepts; the office issues the pledge; the student and the office sign.
        student.reload()
        follow(student, "Quality prediction from factory data")
        assert badge(student, "Selected").is_visible()
        press(student, "Accept the offer")
        menu(office, "Applications")
        follow(office, "Student One")
        assert badge(office, "Accepted").is_visible()
        press(office, "Issue the student pledge")
        student.reload()
        follow(student, "Sign the student pledge")
        sign_document(student, "Student One")
        screenshot(student, "journey-coop-04-pledge-signed-phone")
        office.reload()
        follow(office, re.compile("pledge", re.I), exact=False)
        sign_document(office, "Office Staff")
        assert badge(office, "In force").is_visible()

        # 9. The office registers the placement: September to January, with its supervisors.
        menu(office, "Applications")
        follow(office, "Student One")
        follow(office, "Create the placement")
        office.get_by_label("Faculty supervisor").select_option(label="Faculty Supervisor")
        choose(office.get_by_label("Practitioner faculty"), "Partner Boss")
        office.get_by_label("Starts on").fill("2027-09-01")
        office.get_by_label("Ends on").fill("2028-01-31")
        office.get_by_label("Partner Boss").check()
        press(office, "Save")
        sees(office, "The placement was created.", "2027-09-01", "2028-01-31")
        assert badge(office, "Planned").is_visible()

        # 10. September 1st: the office starts the placement.
        clock.move_to(at(2027, 9, 1, 8))
        office = sign_in(browser, live_server, "office@kit.example.jp")
        menu(office, "Placements")
        follow(office, "Student One")
        press(office, "Start the placement")
        assert badge(office, "In progress").is_visible()
        sees(office, "The placement is now “In progress”.")
        screenshot(office, "journey-coop-05-placement-active")
        with scopes_disabled():
            placement = Placement.objects.get()
        assert (placement.state, placement.starts_on) == ("active", datetime.date(2027, 9, 1))

        # 11. The student writes the daily report on the phone, on the first two days.
        for day, did in [(1, "Met the team; read the inspection data."), (2, "Cleaned the inspection data.")]:
            clock.move_to(at(2027, 9, day, 18))
            student = sign_in(browser, live_server, "student@kit.example.jp", phone=True)
            sees(student, "Today's report is not written yet.")
            follow(student, "Today's report", within=student.locator("main"))
            sees(student, f"2027-09-0{day}")
            student.get_by_label("Hours worked").fill("7.5")
            student.get_by_label("What I did").fill(did)
            student.get_by_label("What I learned").fill("Ask the people on the line what a column means.")
            press(student, "Submit")
            sees(student, "is submitted")
        menu(student, "Dashboard")
        sees(student, "Today's report is submitted.")
        follow(student, "Report calendar")
        assert student.locator("td.day-submitted").count() == 2
        screenshot(student, "journey-coop-06-calendar-phone")

        # 12. October 1st: the student writes September's monthly report.
        clock.move_to(at(2027, 10, 1, 9))
        student = sign_in(browser, live_server, "student@kit.example.jp", phone=True)
        follow(student, "Report calendar")
        follow(student, "2027-09", within=student.locator(".month-list"))
        student.get_by_label("Summary of the month").fill("Data preparation and a first model.")
        student.get_by_label("Reflection").fill("I should ask questions earlier.")
        press(student, "Submit the monthly report")
        sees(student, "The monthly report is submitted.")
        screenshot(student, "journey-coop-07-monthly-submitted-phone")

        # 13. The partner supervisor gives feedback; the faculty supervisor comments.
        boss = sign_in(browser, live_server, "boss@hds.example.jp")
        sees(boss, "Monthly reports waiting for your feedback")
        follow(boss, "Student One · 2027-09")
        sees(boss, "Data preparation and a first model.", "Cleaned the inspection data.")
        boss.get_by_label("Your feedback").fill("Careful work; please present your model next month.")
        press(boss, "Send the feedback")
        faculty = sign_in(browser, live_server, "faculty@kit.example.jp")
        follow(faculty, "Student One · 2027-09")
        sees(faculty, "Careful work; please present your model next month.")
        faculty.get_by_label("Your comment").fill("Good progress. Keep notes for the final report.")
        press(faculty, "Send the comment")
        assert badge(faculty, "Reviewed").is_visible()
        screenshot(faculty, "journey-coop-08-monthly-reviewed")
        student.reload()
        sees(student, "Careful work; please present your model next month.", "Good progress.")

        # 14. The last day: the student submits the final report.
        clock.move_to(at(2028, 1, 31, 15))
        student = sign_in(browser, live_server, "student@kit.example.jp", phone=True)
        follow(student, "Report calendar")
        follow(student, "Open the final report")
        field(student, "Report").fill("Built a defect prediction model used on line 3.")
        press(student, "Submit the final report")
        assert badge(student, "Submitted").is_visible()
        screenshot(student, "journey-coop-09-final-report-phone")

        # 15. The practitioner faculty (the partner person) evaluates; the faculty supervisor
        #     evaluates and proposes the result; the practitioner agrees: the result is final.
        criteria = [
            "Finding problems",
            "Putting it into practice",
            "Working with others",
            "Reporting, informing and consulting",
            "Initiative",
        ]
        clock.move_to(at(2028, 2, 7, 10))
        boss = sign_in(browser, live_server, "boss@hds.example.jp")
        menu(boss, "Placements")
        follow(boss, "Student One")
        follow(boss, "Open the reports")
        follow(boss, "Open the evaluations")
        follow(boss, "Write the evaluation")
        for criterion in criteria:
            boss.get_by_role("group", name=criterion).get_by_label("4", exact=True).check()
        boss.get_by_label("Comments").fill("We would welcome another student next year.")
        press(boss, "Submit the evaluation")
        sees(boss, "The evaluation is submitted.")

        faculty = sign_in(browser, live_server, "faculty@kit.example.jp")
        menu(faculty, "Placements")
        follow(faculty, "Student One")
        follow(faculty, "Open the reports")
        assert badge(faculty, "Submitted").is_visible()  # the final report
        follow(faculty, "Open the evaluations")
        sees(faculty, "We would welcome another student next year.")
        follow(faculty, "Write the evaluation")
        for criterion in criteria:
            faculty.get_by_role("group", name=criterion).get_by_label("5", exact=True).check()
        faculty.get_by_label("Comments").fill("Steady growth over the placement.")
        press(faculty, "Submit the evaluation")
        sees(faculty, "The evaluation is submitted.")
        follow(faculty, "← Evaluations")
        faculty.get_by_label("Grade").select_option(value="A")
        faculty.get_by_label("Comments").fill("Passed with a very good evaluation from both sides.")
        press(faculty, "Save the result")
        sees(faculty, "Waiting for agreement")

        follow(boss, "← Evaluations")
        sees(boss, "Passed with a very good evaluation from both sides.")
        press(boss, "Agree to this result")
        sees(boss, "You agreed to the result.")
        assert boss.locator("#result-h .badge", has_text="Final").is_visible()
        screenshot(boss, "journey-coop-10-result-final")

        # 16. The student sees the final result on the report page.
        student = sign_in(browser, live_server, "student@kit.example.jp", phone=True)
        follow(student, "Report calendar")
        sees(student, "Final result")
        assert badge(student, "Final").is_visible()
        screenshot(student, "journey-coop-11-result-phone")
