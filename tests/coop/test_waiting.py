""" "Waiting for you" on every dashboard: each role sees what waits on them, with a count and a
link that leads there, in a fixed number of queries however many rows wait."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Agreement, AgreementVersion, Application, Signature
from reports.models import AccessLink, PlacementResult

from ..clock import at
from ..factories import (
    AgreementFactory,
    ApplicationFactory,
    PartnerFactory,
    PractitionerFacultyFactory,
    ThemeFactory,
    member,
    partner_person,
)
from ..reports.factories import DailyReportFactory, running_placement

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ITEM = re.compile(r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)</span></li>')


def waiting(client, tenant):
    """{label: (count, url)} of the dashboard's "Waiting for you" panel."""
    page = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}), **EN)
    assert page.status_code == 200
    assert "Waiting for you" in page.text
    return {html.unescape(label): (int(count), html.unescape(url)) for url, label, count in ITEM.findall(page.text)}


def issued(agreement, *signed_by):
    """Gives `agreement` an issued version 1, signed by the parties in `signed_by`."""
    with scopes_disabled():
        agreement.state = Agreement.State.ISSUED
        agreement.save(update_fields=["state"])
        version = AgreementVersion.objects.create(tenant=agreement.tenant, agreement=agreement, number=1)
        for party in signed_by:
            Signature.objects.create(
                tenant=agreement.tenant, version=version, party=party, method="portal", signed_name="署名"
            )
    return agreement


def pledge(application, state=Agreement.State.ISSUED, *signed_by):
    with scopes_disabled():
        agreement = AgreementFactory(
            partner=application.theme.partner,
            theme=application.theme,
            application=application,
            kind=Agreement.Kind.STUDENT_PLEDGE,
            title="実施誓約書",
        )
    issued(agreement, *signed_by)
    if state != Agreement.State.ISSUED:
        with scopes_disabled():
            agreement.state = state
            agreement.save(update_fields=["state"])
    return agreement


def accepted(tenant, theme=None):
    with scopes_disabled():
        return ApplicationFactory(
            theme=theme or ThemeFactory(tenant=tenant), student=member(tenant, Role.STUDENT), state="accepted"
        )


def test_nothing_waiting_says_so(client, tenant, members):
    client.force_login(members[Role.STAFF])
    page = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}), **EN)
    assert "Nothing is waiting for you." in page.text
    assert ITEM.findall(page.text) == []


def test_staff_see_accepted_students_agreements_to_countersign_and_links_not_opened(client, tenant, members):
    without_pledge = accepted(tenant)
    signed = accepted(tenant)
    pledge(signed, Agreement.State.IN_FORCE, "student", "institution")
    waiting_pledge = accepted(tenant)
    pledge(waiting_pledge, Agreement.State.ISSUED, "student")  # the student signed; the office has not
    with scopes_disabled():
        issued(AgreementFactory(partner=without_pledge.theme.partner), "partner")
        issued(AgreementFactory(partner=without_pledge.theme.partner), "institution")  # partner's turn
    client.force_login(members[Role.STAFF])
    found = waiting(client, tenant)
    bulk = reverse("placements:accepted_students", kwargs={"tenant_slug": tenant.slug})
    assert found["Accepted students waiting for their pledge"] == (1, bulk)
    assert found["Signed pledges waiting for a placement"] == (1, bulk)
    count, url = found["Agreements waiting for the institution's signature"]
    assert count == 2  # the student's pledge and the partner-signed agreement
    assert url == reverse("placements:agreement_list", kwargs={"tenant_slug": tenant.slug}) + "?state=issued"
    assert "Emailed links not opened yet" not in found
    for _count, link in found.values():
        assert client.get(link).status_code == 200


@at(2026, 11, 30, 10)
def test_staff_see_links_not_opened(client, tenant, members):
    placement = running_placement(tenant)
    with scopes_disabled():
        contact = placement.theme.partner.contacts.create(tenant=tenant, full_name="担当", email="t@example.jp")
        common = {"tenant": tenant, "placement": placement, "contact": contact, "purpose": "feedback"}
        common["email"] = contact.email
        later = timezone.now() + datetime.timedelta(days=7)
        AccessLink.objects.create(token_hash="a" * 64, expires_at=later, **common)
        AccessLink.objects.create(token_hash="b" * 64, expires_at=later, opened_at=timezone.now(), **common)
        AccessLink.objects.create(token_hash="c" * 64, expires_at=timezone.now() - datetime.timedelta(days=1), **common)
    client.force_login(members[Role.STAFF])
    count, url = waiting(client, tenant)["Emailed links not opened yet"]
    assert count == 1
    listing = client.get(url)
    assert listing.status_code == 200
    assert listing.text.count("t@example.jp") == 1  # the list shows the same one link


def test_partner_sees_agreements_to_sign_and_applicants_to_review(client, tenant, members):
    with scopes_disabled():
        theme = ThemeFactory(tenant=tenant)
        person = partner_person(theme.partner)
        agreement = issued(AgreementFactory(partner=theme.partner), "institution")
        issued(AgreementFactory(partner=theme.partner), "partner")  # signed: not waiting
        ApplicationFactory(theme=theme, student=member(tenant, Role.STUDENT))
        ApplicationFactory(theme=theme, student=member(tenant, Role.STUDENT), state="shortlisted")
        ApplicationFactory(theme=theme, student=member(tenant, Role.STUDENT), state="rejected")
        ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=member(tenant, Role.STUDENT))  # not theirs
    client.force_login(person)
    found = waiting(client, tenant)
    assert found["Agreements to sign"] == (1, agreement.get_absolute_url())
    count, url = found["Applicants to review"]
    assert count == 2
    assert client.get(url).status_code == 200


def test_student_is_asked_to_sign_only_a_pledge_that_exists(client, tenant, members):
    with scopes_disabled():
        application = ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
        application.state = Application.State.SELECTED
        application.save()
    client.force_login(members[Role.STUDENT])
    action = reverse(
        "placements:application_action", kwargs={"tenant_slug": tenant.slug, "pk": application.pk, "action": "accept"}
    )
    page = client.post(action, follow=True, **EN)
    assert "The placement office now prepares your student pledge" in page.text
    assert "Please sign the student pledge" not in page.text
    assert "Sign the student pledge" not in page.text
    assert "Your student pledge to sign" not in waiting(client, tenant)
    agreement = pledge(application)
    assert waiting(client, tenant)["Your student pledge to sign"] == (1, agreement.get_absolute_url())
    assert "Sign the student pledge" in client.get(application.get_absolute_url(), **EN).text
    with scopes_disabled():
        Signature.objects.create(
            tenant=tenant, version=agreement.versions.get(), party="student", method="portal", signed_name="学生"
        )
    assert "Your student pledge to sign" not in waiting(client, tenant)
    detail = client.get(application.get_absolute_url(), **EN).text
    assert "You signed the student pledge. The placement office signs it next" in detail
    assert "Sign the student pledge" not in detail


def test_student_is_asked_to_answer_an_offer_until_they_do(client, tenant, members):
    student = members[Role.STUDENT]
    with scopes_disabled():
        offer = ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=student, state="selected")
        ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=student)  # submitted: nothing to answer
        ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=member(tenant, Role.STUDENT), state="selected")
    client.force_login(student)
    assert waiting(client, tenant)["Offers to accept or decline"] == (1, offer.get_absolute_url())
    with scopes_disabled():
        second = ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=student, state="selected")
    count, url = waiting(client, tenant)["Offers to accept or decline"]
    assert (count, url) == (
        2,
        reverse("placements:application_list", kwargs={"tenant_slug": tenant.slug}) + "?state=selected",
    )
    listed = client.get(url, **EN).text
    assert offer.theme.title in listed and second.theme.title in listed
    for application in (offer, second):
        action = reverse(
            "placements:application_action",
            kwargs={"tenant_slug": tenant.slug, "pk": application.pk, "action": "accept"},
        )
        client.post(action)
    assert "Offers to accept or decline" not in waiting(client, tenant)


@at(2026, 11, 30, 10)  # a Monday
def test_student_sees_todays_report_until_it_is_submitted(client, tenant, members):
    placement = running_placement(tenant, student=members[Role.STUDENT])
    client.force_login(members[Role.STUDENT])
    count, url = waiting(client, tenant)["Today's report to write"]
    assert count == 1
    assert client.get(url).status_code == 302  # straight to today's report
    DailyReportFactory(placement=placement, state="draft", submitted_at=None)
    assert waiting(client, tenant)["Today's report to write"] == (1, url)  # a draft is not done
    with scopes_disabled():
        placement.daily_reports.update(state="submitted")
    assert "Today's report to write" not in waiting(client, tenant)


@at(2026, 11, 30, 10)
def test_practitioner_and_faculty_see_final_results_to_agree(client, tenant, members):
    placement = running_placement(tenant, faculty=members[Role.FACULTY])
    with scopes_disabled():
        practitioner = partner_person(placement.partner)
        PractitionerFacultyFactory(contact=practitioner.partner_contacts.get())
        placement.practitioner = practitioner.partner_contacts.get().practitioner
        placement.save()
        result = PlacementResult.objects.create(
            tenant=tenant, placement=placement, grade="A", agreed_by_faculty=timezone.now()
        )
    evaluations = reverse("reports:evaluations", kwargs={"tenant_slug": tenant.slug, "pk": placement.pk})
    client.force_login(practitioner)
    assert waiting(client, tenant)["Final results waiting for your agreement"] == (1, evaluations)
    client.force_login(members[Role.FACULTY])
    assert "Final results waiting for your agreement" not in waiting(client, tenant)
    with scopes_disabled():
        result.agreed_by_faculty, result.agreed_by_practitioner = None, timezone.now()
        result.save()
    assert waiting(client, tenant)["Final results waiting for your agreement"] == (1, evaluations)


# --- Constant queries per role: 1 and 3 rows of everything that waits -------------------------


def _dashboard(client, tenant, user, django_assert_num_queries, queries):
    client.force_login(user)
    with django_assert_num_queries(queries):
        page = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}), **EN)
    assert page.status_code == 200
    return {html.unescape(label): int(count) for _url, label, count in ITEM.findall(page.text)}


@at(2026, 11, 30, 10)
@pytest.mark.parametrize("rows", [1, 3])
def test_staff_dashboard_queries(client, tenant, members, django_assert_num_queries, rows):
    for _ in range(rows):
        application = accepted(tenant)
        with scopes_disabled():
            issued(AgreementFactory(partner=application.theme.partner), "partner")
        running_placement(tenant)
    # session, user, tenant, membership; waiting: accepted students, agreements to countersign,
    # themes to confirm, deadline settings, compliance (the days off, the weekly schedules in use, the
    # placements late with evaluations, one counting statement: reports.selectors.ComplianceCounts),
    # links not opened, reflection dialogues to schedule, start
    # orientations to confirm, the office's surveys to answer, membership requests (coop.saml);
    # panels: applications waiting, theme states, placement states, open assessment windows, open
    # survey rounds, member counts per role, pending invitations, interviews and dialogues ahead
    found = _dashboard(client, tenant, members[Role.STAFF], django_assert_num_queries, 27)
    assert found["Accepted students waiting for their pledge"] == rows
    assert found["Agreements waiting for the institution's signature"] == rows


@at(2026, 11, 30, 10)
@pytest.mark.parametrize("rows", [1, 3])
def test_partner_dashboard_queries(client, tenant, members, django_assert_num_queries, rows):
    with scopes_disabled():
        theme = ThemeFactory(tenant=tenant)
        person = partner_person(theme.partner)
        for _ in range(rows):
            issued(AgreementFactory(partner=theme.partner), "institution")
            ApplicationFactory(theme=theme, student=member(tenant, Role.STUDENT))
    for _ in range(rows):
        placement = running_placement(tenant, partner_user=person)
        with scopes_disabled():
            placement.partner.contacts.filter(user=person).update(partner=theme.partner)
    # session, user, tenant, membership; waiting: agreements to sign, applicants to review,
    # draft themes to confirm, feedback to give, evaluations to write, results to agree, (rubrics: open windows),
    # start orientations to confirm, reflection notes to write, surveys to answer;
    # panels: themes, placements, monthly reports waiting, interviews and dialogues ahead
    found = _dashboard(client, tenant, person, django_assert_num_queries, 19)
    assert found["Agreements to sign"] == rows
    assert found["Applicants to review"] == rows


@at(2026, 11, 30, 10)
@pytest.mark.parametrize("rows", [1, 3])
def test_faculty_dashboard_queries(client, tenant, members, django_assert_num_queries, rows):
    faculty = members[Role.FACULTY]
    for _ in range(rows):
        placement = running_placement(tenant, faculty=faculty)
        with scopes_disabled():
            PlacementResult.objects.create(
                tenant=tenant, placement=placement, grade="A", agreed_by_practitioner=timezone.now()
            )
    # session, user, tenant, membership; waiting: comments to give, evaluations to write,
    # results to agree, (rubrics: open windows); panels: placements, monthly reports waiting
    found = _dashboard(client, tenant, faculty, django_assert_num_queries, 10)
    assert found["Final results waiting for your agreement"] == rows


@at(2026, 11, 30, 10)
@pytest.mark.parametrize("rows", [1, 3])
def test_student_dashboard_queries(client, tenant, members, django_assert_num_queries, rows):
    student = members[Role.STUDENT]
    running_placement(tenant, student=student)
    for _ in range(rows):
        with scopes_disabled():
            application = ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=student, state="accepted")
        pledge(application)
    # session, user, tenant, membership; waiting: offers to answer, pledges to sign, running placements and
    # this month's daily reports (read once for the panel too) and days off (report settings,
    # closures), open assessment windows, start orientations to confirm, reflection notes to write,
    # surveys to answer; panels: open themes, applications, placements, interviews and dialogues ahead
    found = _dashboard(client, tenant, student, django_assert_num_queries, 19)
    assert found["Your student pledge to sign"] == rows
    assert found["Today's report to write"] == 1


@at(2026, 11, 30, 10)
def test_evaluations_wait_on_the_supervisors_who_write_them(client, tenant, members):
    boss = partner_person(PartnerFactory(tenant=tenant))
    ended = running_placement(
        tenant,
        faculty=members[Role.FACULTY],
        partner_user=boss,
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 11, 20),
    )
    with scopes_disabled():
        colleague = partner_person(ended.partner)  # of the same partner, not a supervisor
    evaluations = reverse("reports:evaluations", kwargs={"tenant_slug": tenant.slug, "pk": ended.pk})
    client.force_login(boss)
    assert waiting(client, tenant)["Evaluations to write"] == (1, evaluations)
    client.force_login(colleague)
    assert "Evaluations to write" not in waiting(client, tenant)
    client.force_login(members[Role.FACULTY])
    assert waiting(client, tenant)["Evaluations to write"] == (1, evaluations)


@at(2026, 11, 30, 10)
def test_staff_see_the_placements_behind_with_reports(client, tenant, members):
    behind = running_placement(tenant)  # forty days in, not one daily report
    client.force_login(members[Role.STAFF])
    count, url = waiting(client, tenant)["Placements behind with reports"]
    assert count == 1
    with scopes_disabled():
        assert str(behind.student) in client.get(url).text
