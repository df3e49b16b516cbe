"""Journey of an exchange program with partner universities abroad (seed 001, Kanazawa
University with Russian universities), in the browser.

The international office sets up the exchange program and its yearly plan (students to send
and to receive), records the partner university (Partner kind university) and the themes, and
registers the year's outbound and inbound students from its spreadsheet; the five-abilities
rubric is answered before and after by the students, and after by the host through an emailed
link. Then each person looks at what they may see: the office the plan against the actual
numbers and the cohort's growth, the administrator the term summary, the faculty supervisor
the growth of their students, the student their own growth (and no programme numbers).

Every person signs in on the login page and moves by links and buttons; the server's clock is
set by the test (time_machine, ticking)."""

import re

import pytest
import time_machine
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Placement
from rubrics.models import Assessment

from ..factories import TenantFactory, member
from .conftest import screenshot
from .test_journey_coop import (  # noqa: F401 (_last_pages is a fixture)
    _last_pages,
    at,
    choose,
    emailed_path,
    field,
    follow,
    menu,
    outsider,
    press,
    sees,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROGRAM = "Japan-Russia Exchange: Cultural Program"
OUTBOUND_THEME = "Russian language and culture semester in Kazan"
INBOUND_THEME = "Japanese studies semester in Kanazawa"


def rate_all(page, levels):
    groups = page.locator("fieldset.rate")
    assert groups.count() == len(levels)
    for n, level in enumerate(levels):
        groups.nth(n).locator(f"input[value='{level}']").check()


def plan_row(page, year):
    """The cells of the plan-vs-actual table's row for `year`: sent planned/actual, received planned/actual."""
    row = page.locator("tr", has=page.locator("td", has_text=re.compile(rf"^{year}$")))
    return row.locator("td").all_inner_texts()[1:]


def open_window(office, phase, opens_on, closes_on, *, partner=False):
    menu(office, "Rubrics")
    follow(office, "Assessment windows")
    follow(office, "Open an assessment window")
    choose(office.get_by_label("Rubric"), "グローバル人材の5つの能力")
    office.get_by_label("Phase").select_option(value=phase)
    choose(office.get_by_label("Program"), PROGRAM)
    office.get_by_label("Faculty supervisor").uncheck()
    if not partner:
        office.get_by_label("Partner supervisor").uncheck()
    office.get_by_label("Opens on").fill(opens_on)
    office.get_by_label("Closes on").fill(closes_on)
    press(office, "Open the window")
    sees(office, "The assessment window is set.")


def self_assess(page, levels):
    menu(page, "Assessments")
    follow(page, "グローバル人材の5つの能力ルーブリック")
    rate_all(page, levels)
    press(page, "Submit the assessment")
    sees(page, "The assessment is saved. Thank you.")


def test_exchange_with_partner_universities_plan_actual_and_growth(browser, live_server):
    tenant = TenantFactory(slug="kanazawa", name="Kanazawa University")
    member(tenant, Role.ADMIN, email="admin@kanazawa.example.jp", full_name="Office Admin")
    member(tenant, Role.STAFF, email="intl@kanazawa.example.jp", full_name="International Office")
    member(tenant, Role.FACULTY, email="prof@kanazawa.example.jp", full_name="Professor Russia")
    member(tenant, Role.STUDENT, email="aoi@kanazawa.example.jp", full_name="Aoi Sent")
    member(tenant, Role.STUDENT, email="ren@kanazawa.example.jp", full_name="Ren Sent")
    member(tenant, Role.STUDENT, email="ivan@kanazawa.example.jp", full_name="Ivan Received")

    with time_machine.travel(at(2027, 4, 5), tick=True) as clock:
        # 1. The international office sets up the exchange program, its term and the yearly
        #    plan: send 3 students to Russia, receive 1.
        office = sign_in(browser, live_server, "intl@kanazawa.example.jp")
        menu(office, "Programs")
        follow(office, "Add a program")
        field(office, "Name").fill(PROGRAM)
        office.get_by_label("Kind").select_option(value="exchange")
        office.get_by_label("Shortest placement (months)").fill("1")
        office.get_by_label("Longest placement (months)").fill("12")
        press(office, "Save")
        sees(office, "Program saved.", "No plans yet.")
        term_form = office.locator("section", has=office.get_by_role("heading", name="Add a term"))
        field(term_form, "Name").fill("AY2027")
        field(term_form, "Academic year").fill("2027")
        field(term_form, "Starts on").fill("2027-04-01")
        field(term_form, "Ends on").fill("2028-03-31")
        press(office, "Add", within=term_form)
        sees(office, "Term added.")
        plan_form = office.locator("section", has=office.get_by_role("heading", name="Set a yearly plan"))
        field(plan_form, "Academic year").fill("2027")
        field(plan_form, "Students to send").fill("3")
        field(plan_form, "Students to receive").fill("1")
        press(office, "Save", within=plan_form)
        sees(office, "Yearly plan saved.")
        assert plan_row(office, 2027) == ["3", "0", "1", "0"]

        # 2. The partner university abroad, with its international office coordinator.
        menu(office, "Partners")
        follow(office, "Add a partner")
        field(office, "Name").fill("Kazan Federal University")
        office.get_by_label("Kind").select_option(value="university")
        field(office, "Country").fill("Russia")
        press(office, "Save")
        sees(office, "University or school", "Russia")
        follow(office, "Add a person")
        field(office, "Full name").fill("Kazan Coordinator")
        field(office, "Email address").fill("coordinator@kpfu.example.ru")
        press(office, "Save")

        # 3. Two themes with it: studying in Kazan (sent) and in Kanazawa (received).
        for title in [OUTBOUND_THEME, INBOUND_THEME]:
            menu(office, "Partners")
            follow(office, "Kazan Federal University")
            follow(office, "New theme with this partner")
            field(office, "Title").fill(title)
            office.get_by_label("Program").select_option(label=PROGRAM)
            choose(office.get_by_label("Term"), "AY2027")
            field(office, "Description").fill("One semester of credit-bearing study at the partner university.")
            field(office, "Duration (months)").fill("5")
            press(office, "Save")
            press(office, "Mark as agreed with the partner")
        menu(office, "Partners")
        partners = office.get_by_role("row", name=re.compile("Kazan Federal University"))
        assert partners.locator("td").all_inner_texts()[1:4] == ["University or school", "—", "2"]

        # 4. The year's exchange students come from the office's spreadsheet (Japanese words
        #    for the direction and state): two sent to Kazan, one received from Kazan.
        csv = (
            "student_email,theme,partner,faculty_email,starts_on,ends_on,direction,state\n"
            f"aoi@kanazawa.example.jp,{OUTBOUND_THEME},Kazan Federal University,prof@kanazawa.example.jp,"
            "2027-09-01,2028-01-31,派遣,予定\n"
            f"ren@kanazawa.example.jp,{OUTBOUND_THEME},Kazan Federal University,prof@kanazawa.example.jp,"
            "2027-09-01,2028-01-31,派遣,予定\n"
            f"ivan@kanazawa.example.jp,{INBOUND_THEME},Kazan Federal University,prof@kanazawa.example.jp,"
            "2027-10-01,2028-02-29,受入,予定\n"
        )
        menu(office, "Imports")
        office.get_by_label("What the file contains").select_option(value="placements")
        field(office, "File").set_input_files(
            files=[{"name": "exchange-2027.csv", "mimeType": "text/csv", "buffer": ("\ufeff" + csv).encode()}]
        )
        press(office, "Check the file")
        rollup = office.locator("dl")
        assert rollup.locator("div", has_text="Rows in the file").locator("dd").inner_text() == "3"
        assert rollup.locator("div", has_text="New").first.locator("dd").inner_text() == "3"
        screenshot(office, "journey-exchange-01-import-preview")
        press(office, "Import 3 rows")
        with scopes_disabled():
            directions = sorted(Placement.objects.values_list("student__full_name", "direction"))
        assert directions == [("Aoi Sent", "outbound"), ("Ivan Received", "inbound"), ("Ren Sent", "outbound")]

        # 5. The plan against the actual numbers: 2 of 3 sent, 1 of 1 received.
        menu(office, "Programs")
        follow(office, PROGRAM)
        assert plan_row(office, 2027) == ["3", "2", "1", "1"]
        screenshot(office, "journey-exchange-02-plan-vs-actual")

        # 6. The coordinator in Kazan supervises the sent students: the office adds them.
        for student in ["Aoi Sent", "Ren Sent"]:
            menu(office, "Placements")
            follow(office, student)
            follow(office, "Edit")
            office.get_by_label("Kazan Coordinator").check()
            press(office, "Save")
            sees(office, "Kazan Coordinator")

        # 7. Before leaving: the office builds the five-abilities rubric and opens the "before"
        #    window; the students answer it.
        menu(office, "Rubrics")
        office.get_by_label("Start from").select_option(value="five_abilities")
        press(office, "Make the rubric")
        press(office, "Save the rubric")
        open_window(office, "pre", "2027-08-16", "2027-08-31")

        clock.move_to(at(2027, 8, 20, 12))
        aoi = sign_in(browser, live_server, "aoi@kanazawa.example.jp", phone=True)
        self_assess(aoi, [1, 2, 1, 2, 2])
        ren = sign_in(browser, live_server, "ren@kanazawa.example.jp", phone=True)
        self_assess(ren, [2, 2, 2, 1, 2])
        ivan = sign_in(browser, live_server, "ivan@kanazawa.example.jp", phone=True)
        self_assess(ivan, [2, 1, 2, 2, 1])
        screenshot(ivan, "journey-exchange-03-pre-assessment-phone")

        # 8. After the semester: the "after" window asks the students and the host; the
        #    coordinator in Kazan rates through the emailed link, without an account.
        clock.move_to(at(2028, 2, 1, 10))
        office = sign_in(browser, live_server, "intl@kanazawa.example.jp")
        open_window(office, "post", "2028-02-01", "2028-02-29", partner=True)
        mail.outbox.clear()
        press(office, "Email links to every partner supervisor who has not rated")
        to_host = [m for m in mail.outbox if m.to == ["coordinator@kpfu.example.ru"]]
        assert len(to_host) == 2  # one per sent student; the received student has no host supervisor
        host = outsider(browser, live_server, phone=True)
        for message, levels in zip(to_host, [[3, 3, 3, 3, 4], [3, 2, 3, 3, 3]], strict=True):
            host.goto(re.search(r"https?://[^/\s]+(/t/kanazawa/rubrics/r/\S+/)", message.body).group(1))
            sees(host, "No password is needed")
            rate_all(host, levels)
            press(host, "Submit the assessment")
            assert host.get_by_role("heading", name="Thank you").is_visible()
        screenshot(host, "journey-exchange-04-host-rated-phone")

        for email, levels in [
            ("aoi@kanazawa.example.jp", [3, 3, 2, 3, 3]),
            ("ren@kanazawa.example.jp", [3, 3, 3, 2, 3]),
            ("ivan@kanazawa.example.jp", [3, 2, 3, 3, 2]),
        ]:
            student = sign_in(browser, live_server, email, phone=True)
            menu(student, "Assessments")
            student.get_by_role("row", name=re.compile("After")).get_by_role("link").click()
            student.wait_for_load_state()
            rate_all(student, levels)
            press(student, "Submit the assessment")
        with scopes_disabled():
            assert Assessment.objects.filter(rater="self").count() == 6
            assert Assessment.objects.filter(rater="partner").count() == 2

        # 9. What each person sees.
        # The office: the cohort's growth over the three students.
        menu(office, "Rubrics")
        follow(office, "Growth")
        sees(office, "3 students assessed.")
        assert office.locator("figure.chart svg").count() >= 1
        screenshot(office, "journey-exchange-05-cohort-growth")

        # The administrator: the term summary of the program, plan against actual.
        admin = sign_in(browser, live_server, "admin@kanazawa.example.jp")
        menu(admin, "Term summary")
        admin.get_by_label("Program").select_option(label=PROGRAM)
        field(admin, "Academic year").fill("2027")
        press(admin, "Show")
        plan = admin.locator("section", has=admin.get_by_role("heading", name=re.compile("plan and actual")))
        assert plan.get_by_role("row", name=re.compile("Sent \\(outbound\\)")).locator("td").all_inner_texts() == [
            "Sent (outbound)",
            "3",
            "2",
        ]
        assert plan.get_by_role("row", name=re.compile("Received \\(inbound\\)")).locator("td").all_inner_texts() == [
            "Received (inbound)",
            "1",
            "1",
        ]
        screenshot(admin, "journey-exchange-06-term-summary")

        # The faculty supervisor: the growth of their own students.
        prof = sign_in(browser, live_server, "prof@kanazawa.example.jp")
        assert not prof.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").count()
        menu(prof, "Growth")
        sees(prof, "3 students assessed.")
        menu(prof, "Assessments")
        follow(prof, "Aoi Sent @ Kazan Federal University")
        assert prof.get_by_role("table", name=re.compile("Self-assessment, before and after")).is_visible()
        sees(prof, "Partner supervisor")

        # The sent student: their own growth; no program numbers, no menu for them.
        aoi = sign_in(browser, live_server, "aoi@kanazawa.example.jp", phone=True)
        nav = aoi.get_by_role("navigation", name="Main")
        assert not nav.get_by_role("link", name="Programs").count()
        menu(aoi, "Assessments")
        follow(aoi, "Aoi Sent @ Kazan Federal University")
        sees(aoi, "Growth of Aoi Sent")
        assert aoi.locator("figure.chart svg").count() >= 1
        screenshot(aoi, "journey-exchange-07-own-growth-phone")
