"""Daily reports rolled up into the monthly report, in the browser: the student writes today's
report on a phone and submits the month; the partner supervisor writes feedback and the
faculty supervisor comments."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from coop.models import Role
from reports.models import DailyReport, MonthlyReport

from ..clock import at
from ..factories import PartnerFactory, member
from ..reports.factories import running_placement
from .conftest import screenshot
from .test_accessibility import violations
from .test_coop_flow import click, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@at(2026, 11, 18, 10)
def test_daily_report_to_reviewed_monthly_report(browser, live_server):
    tenant = PartnerFactory(tenant__slug="kit", tenant__name="KIT").tenant
    faculty = member(tenant, Role.FACULTY, email="faculty@kit.example.jp", full_name="Faculty Supervisor")
    student = member(tenant, Role.STUDENT, email="student@kit.example.jp", full_name="Student One")
    boss = member(tenant, Role.PARTNER, email="boss@hds.example.jp", full_name="Partner Boss")
    placement = running_placement(tenant, student=student, faculty=faculty, partner_user=boss)
    today = timezone.localdate()

    # 1. The student opens today's report on a phone, writes it and submits it in one tap.
    phone = login(browser, live_server, student.email, width=390)
    phone.goto(f"/t/{tenant.slug}/")
    waiting = phone.locator("section.waiting")
    assert waiting.get_by_role("listitem").all_inner_texts() == ["Today's report to write 1"]
    waiting.get_by_role("link", name="Today's report to write").click()
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/days/{today.isoformat()}/")
    phone.get_by_label("Hours worked").fill("7.5")
    phone.get_by_label("What I did").fill("Cleaned the inspection data and met the team.")
    phone.get_by_label("What I learned").fill("Ask the people on the line what a column means.")
    # The draft is saved on its own (htmx) a few seconds after typing stops.
    phone.get_by_text("Draft saved at").wait_for()
    with scopes_disabled():
        assert DailyReport.objects.get().state == DailyReport.State.DRAFT
    click(phone, "Submit")
    assert phone.get_by_text("is submitted").first.is_visible()
    screenshot(phone, "20-daily-report-phone")
    with scopes_disabled():
        assert DailyReport.objects.get().state == DailyReport.State.SUBMITTED

    # 2. The month's calendar shows the day as submitted.
    phone.get_by_role("link", name="Report calendar").click()
    phone.wait_for_load_state()
    assert phone.locator("td.day-submitted").count() == 1
    screenshot(phone, "21-report-calendar-phone")
    phone.goto(f"/t/{tenant.slug}/")
    assert phone.get_by_text("Today's report is submitted.").is_visible()
    assert phone.get_by_text("Nothing is waiting for you.").is_visible()
    screenshot(phone, "26-student-dashboard-phone")

    # 3. The student writes and submits the monthly report.
    phone.goto(f"/t/{tenant.slug}/reports/placements/{placement.pk}/months/{today:%Y-%m}/")
    phone.get_by_label("Summary of the month").fill("Data preparation and a first model.")
    phone.get_by_label("Reflection").fill("I should ask questions earlier.")
    click(phone, "Submit the monthly report")
    assert phone.get_by_text("The monthly report is submitted.").is_visible()
    monthly_url = phone.url
    screenshot(phone, "22-monthly-report-submitted-phone")

    # 4. The partner supervisor writes feedback.
    company = login(browser, live_server, boss.email)
    company.goto(f"/t/{tenant.slug}/")
    assert company.get_by_role("link", name=f"Student One · {today:%Y-%m}").is_visible()
    feedback_due = company.locator("section.waiting").get_by_role(
        "link", name="Monthly reports waiting for your feedback"
    )
    assert feedback_due.is_visible()
    screenshot(company, "27-partner-dashboard-waiting")
    company.goto(monthly_url)
    company.get_by_label("Your feedback").fill("Careful work; please present your results next month.")
    click(company, "Send the feedback")

    # 5. The faculty supervisor comments; the report is reviewed.
    office = login(browser, live_server, faculty.email)
    office.goto(monthly_url)
    office.get_by_label("Your comment").fill("Good progress. Keep notes for the final report.")
    click(office, "Send the comment")
    assert office.locator("p.answer", has_text="Careful work").is_visible()
    screenshot(office, "23-monthly-report-reviewed")
    with scopes_disabled():
        report = MonthlyReport.objects.get()
        assert (report.state, report.days_reported) == (MonthlyReport.State.REVIEWED, 1)

    office.goto(f"/t/{tenant.slug}/reports/")
    assert office.locator("svg.meter").count() == 1
    screenshot(office, "28-reports-overview")

    # 6. The student sees both answers on the phone.
    phone.goto(monthly_url)
    assert phone.locator("p.answer", has_text="Good progress").is_visible()
    screenshot(phone, "24-monthly-report-answers-phone")

    # 7. The printable version: no navigation, forms or history.
    office.goto(monthly_url)
    office.emulate_media(media="print")
    assert not office.get_by_role("button", name="Update the comment").is_visible()
    screenshot(office, "25-monthly-report-print")

    # 8. No serious accessibility finding on the report pages, on the phone and on a desktop.
    office.emulate_media(media="screen")
    base = f"/t/{tenant.slug}/reports"
    findings = {}
    for path in [f"{base}/placements/{placement.pk}/days/{today.isoformat()}/", f"{base}/placements/{placement.pk}/"]:
        phone.goto(path)
        findings["student " + path] = violations(phone)
    for path in [f"{base}/", f"{base}/monthly/", f"{base}/presentations/", monthly_url]:
        office.goto(path)
        findings["faculty " + path] = violations(office)
    assert {path: found for path, found in findings.items() if found} == {}
