"""Several accepted students at once: the office issues their pledges or registers their
placements from one page; refused for one student, nothing is saved and the row says why."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Role
from coop.workflow import ItemsRefused
from placements.models import Agreement, Application, Placement
from placements.services.selection import applications_prepare_pledges

from ..coop.test_waiting import accepted, pledge
from ..factories import AgreementFactory, ThemeFactory
from ..html import body_rows

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page_url(tenant):
    return reverse("placements:accepted_students", kwargs={"tenant_slug": tenant.slug})


def pledges():
    with scopes_disabled():
        return Agreement.objects.filter(kind=Agreement.Kind.STUDENT_PLEDGE)


def test_the_page_lists_accepted_students_with_their_pledge(client, tenant, members):
    theme = ThemeFactory(tenant=tenant, title="製造DX")
    first, second = accepted(tenant, theme), accepted(tenant, theme)
    pledge(second, Agreement.State.IN_FORCE, "student", "institution")
    client.force_login(members[Role.STAFF])
    rows = body_rows(client.get(page_url(tenant), **EN).text)
    with scopes_disabled():
        assert any(str(first.student) in row and "Not issued" in row for row in rows)
        assert any(str(second.student) in row and "Signed" in row for row in rows)


def test_staff_issue_several_pledges_at_once(client, tenant, members, django_capture_on_commit_callbacks):
    applications = [accepted(tenant), accepted(tenant)]
    client.force_login(members[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            page_url(tenant), {"applications": [a.pk for a in applications], "action": "pledges"}, follow=True, **EN
        )
    assert "2 student pledges were issued for signing." in response.text
    with scopes_disabled():
        assert sorted(pledges().values_list("application_id", "state")) == sorted(
            (a.pk, Agreement.State.ISSUED) for a in applications
        )


def test_one_refused_pledge_saves_nothing_and_names_the_student(client, tenant, members):
    fresh, already = accepted(tenant), accepted(tenant)
    pledge(already)
    client.force_login(members[Role.STAFF])
    response = client.post(page_url(tenant), {"applications": [fresh.pk, already.pk], "action": "pledges"}, **EN)
    assert response.status_code == 200
    assert "Nothing was saved: 1 of the chosen rows cannot be done." in response.text
    refused = [row for row in body_rows(response.text) if "The student pledge has already been prepared." in row]
    with scopes_disabled():
        assert len(refused) == 1 and str(already.student) in refused[0]
        assert not pledges().filter(application=fresh).exists()  # nothing half-saved
    assert "checked" in response.text  # the ticks stay for a second try


def test_the_service_says_which_application_was_refused(tenant, members):
    fresh, already = accepted(tenant), accepted(tenant)
    pledge(already)
    with scopes_disabled(), pytest.raises(ItemsRefused) as refused:
        applications_prepare_pledges(applications=[fresh, already], by=members[Role.STAFF])
    assert list(refused.value.refused) == [already]
    assert refused.value.refused[already].messages == ["実施誓約書はすでに発行されています。"]
    assert refused.value.code == "items_refused"


def test_staff_register_several_placements_at_once(client, tenant, members):
    applications = [accepted(tenant), accepted(tenant)]
    for application in applications:
        pledge(application, Agreement.State.IN_FORCE, "student", "institution")
    client.force_login(members[Role.STAFF])
    response = client.post(
        page_url(tenant),
        {
            "applications": [a.pk for a in applications],
            "action": "placements",
            "starts_on": "2026-12-01",
            "ends_on": "2027-05-31",
        },
        follow=True,
        **EN,
    )
    assert "2 placements were registered." in response.text
    mail.outbox.clear()
    with scopes_disabled():
        placed = Placement.objects.filter(application__in=applications)
        assert set(placed.values_list("starts_on", "ends_on")) == {
            (datetime.date(2026, 12, 1), datetime.date(2027, 5, 31))
        }
        assert placed.count() == 2
        assert set(Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("state", flat=True)) == {
            Application.State.PLACED
        }


def test_placements_wait_for_signed_pledges_and_their_dates(client, tenant, members):
    signed, unsigned = accepted(tenant), accepted(tenant)
    pledge(signed, Agreement.State.IN_FORCE, "student", "institution")
    pledge(unsigned)
    client.force_login(members[Role.STAFF])
    chosen = {"applications": [signed.pk, unsigned.pk], "action": "placements"}
    response = client.post(page_url(tenant), chosen, **EN)
    rows = body_rows(response.text)
    with scopes_disabled():
        assert any(
            str(signed.student) in row and "no implementation plan of this theme states its work period" in row
            for row in rows
        )
        assert any(
            str(unsigned.student) in row and "The student pledge must be signed before the placement" in row
            for row in rows
        )
        assert not Placement.objects.exists()


def test_nothing_ticked_is_refused(client, tenant, members):
    accepted(tenant)
    client.force_login(members[Role.STAFF])
    response = client.post(page_url(tenant), {"action": "pledges"}, **EN)
    assert "Tick at least one student." in response.text
    assert not pledges().exists()


def test_empty_dates_come_from_each_themes_implementation_plan(client, tenant, members):
    application = accepted(tenant)
    pledge(application, Agreement.State.IN_FORCE, "student", "institution")
    with scopes_disabled():
        AgreementFactory(
            partner=application.theme.partner,
            theme=application.theme,
            kind=Agreement.Kind.IMPLEMENTATION_PLAN,
            state=Agreement.State.IN_FORCE,
            valid_from=datetime.date(2026, 12, 1),
            valid_until=datetime.date(2027, 5, 31),
        )
    client.force_login(members[Role.STAFF])
    client.post(page_url(tenant), {"applications": [application.pk], "action": "placements"})
    with scopes_disabled():
        placement = Placement.objects.get(application=application)
    assert (placement.starts_on, placement.ends_on) == (datetime.date(2026, 12, 1), datetime.date(2027, 5, 31))


@pytest.mark.parametrize("rows", [1, 3])
def test_the_page_reads_a_fixed_number_of_queries(client, tenant, members, django_assert_num_queries, rows):
    students = [accepted(tenant) for _ in range(rows)]
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, the accepted applications with student, theme,
    # partner and their pledges' states (two EXISTS subqueries)
    with django_assert_num_queries(5):
        page = client.get(page_url(tenant), **EN)
    shown = body_rows(page.text)
    assert len(shown) == rows
    with scopes_disabled():
        for application in students:
            assert any(str(application.student) in row and application.theme.partner.name in row for row in shown)
