"""Journey of the dual system at a vocational high school (seed 003, Meister High School), in the
browser: the pupil works at a company one set weekday a week (Thursdays, 曜日指定), so daily
reports are expected only on Thursdays; the industry practitioner teacher of the company, who
is the partner supervisor, answers the monthly report and the teacher comments; the pupil's
self-efficacy and grit are assessed before and after, and the school sees the growth.

Every person signs in on the login page and moves by links and buttons; the server's clock is
set by the test (time_machine, ticking)."""

import datetime
import re

import pytest
import time_machine
from django_scopes import scopes_disabled

from coop.models import Role, Tenant
from placements.models import Placement, Program, Theme
from rubrics.models import Assessment

from ..factories import PartnerFactory, PractitionerFacultyFactory, TermFactory, ThemeFactory, member, partner_person
from .conftest import screenshot
from .test_journey_coop import _last_pages, at, badge, choose, follow, menu, press, sees, sign_document, sign_in  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def rate_all(page, levels):
    groups = page.locator("fieldset.rate")
    assert groups.count() == len(levels)
    for n, level in enumerate(levels):
        groups.nth(n).locator(f"input[value='{level}']").check()


def open_self_window(office, rubric, phase, opens_on, closes_on):
    """Staff open a window of `rubric` for the dual-system program, answered by the pupil only."""
    menu(office, "Rubrics")
    follow(office, "Assessment windows")
    follow(office, "Open an assessment window")
    choose(office.get_by_label("Rubric"), rubric)
    office.get_by_label("Phase").select_option(value=phase)
    choose(office.get_by_label("Program"), "Dual system")
    office.get_by_label("Partner supervisor").uncheck()
    office.get_by_label("Faculty supervisor").uncheck()
    office.get_by_label("Opens on").fill(opens_on)
    office.get_by_label("Closes on").fill(closes_on)
    press(office, "Open the window")
    sees(office, "The assessment window is set.")


def test_dual_system_one_day_a_week(browser, live_server):
    term = TermFactory(
        program__tenant__slug="meister",
        program__tenant__name="Sapporo Meister High School",
        program__tenant__kind=Tenant.Kind.HIGH_SCHOOL,
        program__name="Dual system (mechanical engineering)",
        program__kind=Program.Kind.DUAL_SYSTEM,
        program__min_months=1,
        name="AY2027",
        academic_year=2027,
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
    )
    tenant = term.tenant
    member(tenant, Role.STAFF, email="office@meister.example.jp", full_name="School Office")
    member(tenant, Role.FACULTY, email="teacher@meister.example.jp", full_name="Class Teacher")
    member(tenant, Role.STUDENT, email="pupil@meister.example.jp", full_name="Pupil One")
    company = PartnerFactory(tenant=tenant, name="Hokkaido Precision Works")
    partner_person(company, email="mentor@hpw.example.jp", full_name="Industry Mentor")
    with scopes_disabled():
        contact = company.contacts.get()
    PractitionerFacultyFactory(contact=contact, title="Industry practitioner teacher", managerial_years=15)
    with scopes_disabled():
        ThemeFactory(
            tenant=tenant,
            program=term.program,
            term=term,
            partner=company,
            practitioner=contact.practitioner,
            title="Machining practice on Thursdays",
            state=Theme.State.OPEN,
            duration_months=3,
            capacity=4,
        )

    with time_machine.travel(at(2027, 4, 12), tick=True) as clock:
        # 1. The pupil applies on a phone; the company selects; the pupil accepts; the pledge
        #    is issued by the school and signed by the pupil and the school.
        pupil = sign_in(browser, live_server, "pupil@meister.example.jp", phone=True)
        follow(pupil, "1 theme is open for applications")
        follow(pupil, "Machining practice on Thursdays")
        follow(pupil, "Apply to this theme")
        pupil.get_by_label("Motivation").fill("I want to learn machining at a real factory.")
        press(pupil, "Send application")
        mentor = sign_in(browser, live_server, "mentor@hpw.example.jp")
        follow(mentor, "Machining practice on Thursdays")
        follow(mentor, "Pupil One")
        press(mentor, "Select")
        pupil.reload()
        press(pupil, "Accept the offer")
        office = sign_in(browser, live_server, "office@meister.example.jp")
        menu(office, "Applications")
        follow(office, "Pupil One")
        press(office, "Issue the student pledge")
        pupil.reload()
        follow(pupil, "Sign the student pledge")
        sign_document(pupil, "Pupil One")
        office.reload()
        follow(office, "Student pledge: Machining practice on Thursdays")
        sign_document(office, "School Office")
        assert badge(office, "In force").is_visible()

        # 2. The school registers the placement, in Japanese as the school office works:
        #    曜日指定, 木 only, May to mid-July.
        menu(office, "Applications")
        follow(office, "Pupil One")
        press(office, "日本語")
        follow(office, "就業を登録する")
        office.get_by_label("指導教員").select_option(label="Class Teacher")
        choose(office.get_by_label("実務家教員"), "Industry Mentor")
        office.get_by_label("開始日").fill("2027-05-06")
        office.get_by_label("終了日").fill("2027-07-15")
        office.get_by_label("勤務形態").select_option(label="曜日指定")
        office.get_by_label("木", exact=True).check()
        office.get_by_label("Industry Mentor").check()
        press(office, "保存")
        sees(office, "就業を登録しました。", "曜日指定: 木", "2027-05-06", "2027-07-15")
        screenshot(office, "journey-dual-01-placement-thursdays-ja")
        press(office, "English")
        sees(office, "Set days of the week: Thu")
        with scopes_disabled():
            placement = Placement.objects.get()
        assert (placement.schedule, placement.weekday_numbers) == ("weekly_days", [3])

        # 3. The school builds the self-efficacy and grit questionnaires and opens the "before"
        #    windows; the pupil answers both on the phone.
        for template in ["self_efficacy", "grit"]:
            menu(office, "Rubrics")
            office.get_by_label("Start from").select_option(value=template)
            press(office, "Make the rubric")
            press(office, "Save the rubric")
        open_self_window(office, "自己効力感", "pre", "2027-04-26", "2027-05-05")
        open_self_window(office, "やり抜く力", "pre", "2027-04-26", "2027-05-05")

        clock.move_to(at(2027, 4, 26, 16))
        pupil = sign_in(browser, live_server, "pupil@meister.example.jp", phone=True)
        sees(pupil, "Assessments to fill")
        menu(pupil, "Assessments")
        assert pupil.locator("tbody .badge", has_text="to do").count() == 2
        follow(pupil, "自己効力感アンケート")
        rate_all(pupil, [2, 2, 3, 2, 2, 3, 2, 2][: pupil.locator("fieldset.rate").count()])
        press(pupil, "Submit the assessment")
        menu(pupil, "Assessments")
        follow(pupil, "やり抜く力（グリット）アンケート")
        rate_all(pupil, [2, 3, 2, 3, 2, 3])
        press(pupil, "Submit the assessment")
        menu(pupil, "Assessments")
        assert pupil.locator("tbody .badge", has_text="done").count() == 2
        screenshot(pupil, "journey-dual-02-pre-assessments-phone")

        # 4. Thursday 6 May: the school starts the placement; the pupil reports the day.
        clock.move_to(at(2027, 5, 6, 8))
        office = sign_in(browser, live_server, "office@meister.example.jp")
        menu(office, "Placements")
        follow(office, "Pupil One")
        press(office, "Start the placement")
        assert badge(office, "In progress").is_visible()
        sees(office, "Set days of the week")

        clock.move_to(at(2027, 5, 6, 17))
        pupil = sign_in(browser, live_server, "pupil@meister.example.jp", phone=True)
        sees(pupil, "Today's report is not written yet.")
        follow(pupil, "Today's report", within=pupil.locator("main"))
        sees(pupil, "2027-05-06")
        pupil.get_by_label("Hours worked").fill("6")
        pupil.get_by_label("What I did").fill("Safety training and my first turning on the lathe.")
        pupil.get_by_label("What I learned").fill("Measure twice before cutting.")
        press(pupil, "Submit")
        sees(pupil, "is submitted")

        # 5. Friday: no work, no report expected.
        clock.move_to(at(2027, 5, 7, 17))
        pupil = sign_in(browser, live_server, "pupil@meister.example.jp", phone=True)
        sees(pupil, "No work is scheduled today.")

        # 6. Thursday 13 May passes without a report: on Friday the calendar shows it missing;
        #    the other days of the week are not counted.
        clock.move_to(at(2027, 5, 14, 17))
        pupil = sign_in(browser, live_server, "pupil@meister.example.jp", phone=True)
        follow(pupil, "Report calendar")
        assert pupil.locator("td.day-submitted").count() == 1
        assert pupil.locator("td.day-missing").count() == 1
        assert pupil.locator("td.day-missing .num").inner_text() == "13"
        rollup = pupil.locator("dl.rollup")
        assert rollup.locator("div", has_text="Days reported").locator("dd").inner_text() == "1"
        assert rollup.locator("div", has_text="Days missed").locator("dd").inner_text() == "1"
        screenshot(pupil, "journey-dual-03-thursdays-calendar-phone")
        # The class teacher sees the same: 1 of the 2 Thursdays so far reported, 1 missed.
        teacher = sign_in(browser, live_server, "teacher@meister.example.jp")
        menu(teacher, "Reports")
        row = teacher.get_by_role("row", name=re.compile("Pupil One"))
        sees(row, "50% (1 / 2)")
        assert row.locator("td[data-label='Days missed']").inner_text() == "1"

        # 7. The pupil catches up on the 20th and 27th; on 1 June May's monthly report is written,
        #    the industry practitioner teacher answers and the teacher comments.
        for day in (20, 27):
            clock.move_to(at(2027, 5, day, 17))
            pupil = sign_in(browser, live_server, "pupil@meister.example.jp", phone=True)
            follow(pupil, "Today's report", within=pupil.locator("main"))
            pupil.get_by_label("Hours worked").fill("6")
            pupil.get_by_label("What I did").fill(f"Turning practice, week of {day} May.")
            press(pupil, "Submit")
        clock.move_to(at(2027, 6, 1, 17))
        pupil = sign_in(browser, live_server, "pupil@meister.example.jp", phone=True)
        sees(pupil, "No work is scheduled today.")  # a Tuesday
        follow(pupil, "Report calendar")
        follow(pupil, "2027-05", within=pupil.locator(".month-list"))
        sees(pupil, "Days reported", "Days missed")
        pupil.get_by_label("Summary of the month").fill("Three Thursdays at the factory; lathe basics.")
        pupil.get_by_label("Reflection").fill("I missed one Thursday report; I will write it on the bus.")
        press(pupil, "Submit the monthly report")
        sees(pupil, "The monthly report is submitted.")

        mentor = sign_in(browser, live_server, "mentor@hpw.example.jp")
        follow(mentor, "Pupil One · 2027-05")
        sees(mentor, "Three Thursdays at the factory; lathe basics.", "Turning practice, week of 20 May.")
        mentor.get_by_label("Your feedback").fill("Good attitude. Next month: reading drawings.")
        press(mentor, "Send the feedback")
        teacher = sign_in(browser, live_server, "teacher@meister.example.jp")
        follow(teacher, "Pupil One · 2027-05")
        sees(teacher, "Good attitude. Next month: reading drawings.")
        teacher.get_by_label("Your comment").fill("Well done; keep the reports on time.")
        press(teacher, "Send the comment")
        assert badge(teacher, "Reviewed").is_visible()
        screenshot(teacher, "journey-dual-04-monthly-reviewed")

        # 8. After the placement: the "after" windows; the pupil answers; the school sees growth.
        clock.move_to(at(2027, 7, 16, 9))
        office = sign_in(browser, live_server, "office@meister.example.jp")
        open_self_window(office, "自己効力感", "post", "2027-07-16", "2027-07-30")
        open_self_window(office, "やり抜く力", "post", "2027-07-16", "2027-07-30")
        pupil = sign_in(browser, live_server, "pupil@meister.example.jp", phone=True)
        menu(pupil, "Assessments")
        for name, levels in [("自己効力感アンケート", 4), ("やり抜く力（グリット）アンケート", 4)]:
            pupil.get_by_role("row", name="After").filter(has_text=name).get_by_role("link").click()
            pupil.wait_for_load_state()
            rate_all(pupil, [levels] * pupil.locator("fieldset.rate").count())
            press(pupil, "Submit the assessment")
            menu(pupil, "Assessments")
        with scopes_disabled():
            assert Assessment.objects.filter(rater="self").count() == 4

        menu(office, "Placements")
        follow(office, "Pupil One")
        follow(office, "Growth")
        sees(office, "自己効力感アンケート", "やり抜く力（グリット）アンケート")
        assert office.locator("figure.chart svg").count() >= 2
        # Grit's reverse-scored item: answering "4" to "I lose interest after a while" is less grit.
        row = office.get_by_role("row", name=re.compile("興味を持ったことでも"))
        assert re.search(r"4\s+2\s+[-−]2", row.inner_text()), row.inner_text()
        row = office.get_by_role("row", name=re.compile("難しい課題でも"))
        assert re.search(r"2\s+4\s+\+2", row.inner_text()), row.inner_text()
        screenshot(office, "journey-dual-05-growth")
