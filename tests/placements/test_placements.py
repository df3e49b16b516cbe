import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coop.models import Role
from placements.models import Application, Placement
from placements.services import placements as services

from ..factories import ApplicationFactory, PlacementFactory, ThemeFactory, member, partner_person
from ..html import body_rows

pytestmark = pytest.mark.django_db


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_placement_needs_an_accepted_application_with_a_signed_pledge(in_tenant, members):
    application = ApplicationFactory(
        theme=ThemeFactory(tenant=in_tenant), student=members[Role.STUDENT], state=Application.State.ACCEPTED
    )
    with pytest.raises(ValidationError) as refused:
        services.placement_create(
            theme=application.theme,
            student=application.student,
            application=application,
            by=members[Role.STAFF],
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 2, 28),
        )
    assert refused.value.messages == ["就業を登録する前に実施誓約書への署名が必要です。"]


def test_dual_system_schedule_needs_working_days(in_tenant, members):
    theme = ThemeFactory(tenant=in_tenant)
    with pytest.raises(ValidationError) as refused:
        services.placement_create(
            theme=theme,
            student=members[Role.STUDENT],
            by=members[Role.STAFF],
            schedule="weekly_days",
            weekdays="",
            starts_on=datetime.date(2026, 4, 1),
            ends_on=datetime.date(2027, 3, 31),
        )
    assert refused.value.message_dict == {"weekdays": ["就業する曜日を1つ以上選んでください。"]}
    placement = services.placement_create(
        theme=theme,
        student=members[Role.STUDENT],
        by=members[Role.STAFF],
        schedule="weekly_days",
        weekdays="2",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )
    assert placement.weekday_numbers == [2]


def test_faculty_supervisor_must_be_faculty_of_the_tenant(in_tenant, members):
    with pytest.raises(ValidationError) as refused:
        services.placement_create(
            theme=ThemeFactory(tenant=in_tenant),
            student=members[Role.STUDENT],
            by=members[Role.STAFF],
            faculty_supervisor=members[Role.STUDENT],
            starts_on=datetime.date(2026, 4, 1),
            ends_on=datetime.date(2026, 9, 30),
        )
    assert refused.value.messages == ["指導教員はこの機関の教員でなければなりません。"]


def test_states_and_reasons(in_tenant, members):
    staff = members[Role.STAFF]
    placement = PlacementFactory(theme=ThemeFactory(tenant=in_tenant), student=members[Role.STUDENT])
    placement = services.placement_transition(placement=placement, to="active", by=staff)
    with pytest.raises(ValidationError) as refused:
        services.placement_transition(placement=placement, to="suspended", by=staff)
    assert refused.value.messages == ["理由を入力してください。"]
    placement = services.placement_transition(placement=placement, to="suspended", by=staff, reason="体調不良")
    assert placement.state_reason == "体調不良"
    placement = services.placement_transition(placement=placement, to="active", by=staff)
    placement = services.placement_transition(placement=placement, to="completed", by=staff)
    with pytest.raises(ValidationError) as refused:
        services.placement_transition(placement=placement, to="active", by=staff)
    assert refused.value.messages == ["「修了」から「就業中」には変更できません。"]


def test_who_sees_a_placement(client, tenant, members):
    theme = ThemeFactory(tenant=tenant)
    placement = PlacementFactory(theme=theme, student=members[Role.STUDENT], faculty_supervisor=members[Role.FACULTY])
    other_faculty = member(tenant, Role.FACULTY)
    other_student = member(tenant, Role.STUDENT)
    outsider_partner = partner_person(ThemeFactory(tenant=tenant).partner)
    detail = url("placement_detail", tenant, pk=placement.pk)
    for user, status in [
        (members[Role.STUDENT], 200),
        (members[Role.FACULTY], 200),
        (partner_person(theme.partner), 200),
        (other_faculty, 404),
        (other_student, 404),
        (outsider_partner, 404),
    ]:
        client.force_login(user)
        assert client.get(detail).status_code == status, user


def test_object_permission_grant_gives_a_second_reviewer_access(client, tenant, members):
    placement = PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    reviewer = member(tenant, Role.FACULTY, email="reviewer@hokuriku.example.jp")
    detail = url("placement_detail", tenant, pk=placement.pk)
    client.force_login(reviewer)
    assert client.get(detail).status_code == 404
    client.force_login(members[Role.STAFF])
    client.post(url("placement_grant", tenant, pk=placement.pk), {"email": "reviewer@hokuriku.example.jp"})
    client.force_login(reviewer)
    assert client.get(detail).status_code == 200
    assert placement.student.full_name in client.get(url("placement_list", tenant)).content.decode()
    from django_scopes import scope

    with scope(tenant=tenant):
        assert reviewer.has_perm("placements.view_placement_granted", placement)
    client.force_login(members[Role.STAFF])
    client.post(url("placement_revoke", tenant, pk=placement.pk, user_pk=reviewer.pk))
    client.force_login(reviewer)
    assert client.get(detail).status_code == 404


def test_grant_refuses_people_outside_the_tenant(in_tenant, other_tenant, members):
    placement = PlacementFactory(theme=ThemeFactory(tenant=in_tenant), student=members[Role.STUDENT])
    with pytest.raises(ValidationError) as refused:
        services.placement_grant_access(
            placement=placement, user=member(other_tenant, Role.FACULTY), by=members[Role.STAFF]
        )
    assert refused.value.messages == ["閲覧権限はこの機関のメンバーにだけ付与できます。"]


@pytest.mark.parametrize("rows", [1, 3])
def test_placement_list_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    shown_as = []
    for _ in range(rows):
        theme, student = ThemeFactory(tenant=tenant), member(tenant, Role.STUDENT)
        PlacementFactory(theme=theme, student=student)
        shown_as.append(f"{student.full_name} {theme.partner.name} {theme.title} ")
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, the count, the page of placements with people and
    # outcomes, the program, term and faculty choices of the filters
    with django_assert_num_queries(9):
        page = client.get(url("placement_list", tenant))
    assert page.status_code == 200
    shown = body_rows(page.text)
    assert len(shown) == rows
    assert all(any(row.startswith(start) for row in shown) for start in shown_as), (shown, shown_as)


def test_plan_vs_actual_counts_outbound_and_inbound_by_academic_year(in_tenant, members):
    from placements.selectors.programs import plan_vs_actual
    from placements.services.programs import year_plan_set

    theme = ThemeFactory(tenant=in_tenant)
    year_plan_set(program=theme.program, academic_year=2026, planned_outbound=3, planned_inbound=2, by=None)
    PlacementFactory(theme=theme, starts_on=datetime.date(2026, 9, 1))
    PlacementFactory(theme=theme, starts_on=datetime.date(2027, 2, 1), direction=Placement.Direction.INBOUND)
    PlacementFactory(theme=theme, starts_on=datetime.date(2027, 4, 1))  # the next academic year
    PlacementFactory(theme=theme, starts_on=datetime.date(2026, 5, 1), state=Placement.State.TERMINATED)
    rows = {row["year"]: row for row in plan_vs_actual(theme.program)}
    assert rows[2026] == {
        "year": 2026,
        "planned_outbound": 3,
        "planned_inbound": 2,
        "actual_outbound": 1,
        "actual_inbound": 1,
    }
    assert rows[2027]["actual_outbound"] == 1 and rows[2027]["planned_outbound"] == 0


def test_program_page_term_and_plan_forms_have_their_own_field_ids(client, tenant, members):
    """The program page holds the term form and the yearly-plan form, both with an academic
    year: each label must point at its own form's field, and each form must still save."""
    import re

    from django_scopes import scopes_disabled

    program = ThemeFactory(tenant=tenant, program__kind="exchange").program
    client.force_login(members[Role.STAFF])
    page = client.get(url("program_detail", tenant, pk=program.pk)).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert 'for="id_plan-academic_year"' in page and 'for="id_term-academic_year"' in page

    client.post(
        url("term_add", tenant, pk=program.pk),
        {
            "term-name": "2027年度",
            "term-academic_year": "2027",
            "term-starts_on": "2027-04-01",
            "term-ends_on": "2028-03-31",
        },
    )
    client.post(
        url("year_plan_set", tenant, pk=program.pk),
        {"plan-academic_year": "2027", "plan-planned_outbound": "3", "plan-planned_inbound": "1"},
    )
    with scopes_disabled():
        assert list(program.terms.values_list("name", "academic_year")) == [("2027年度", 2027)]
        assert list(program.year_plans.values_list("academic_year", "planned_outbound", "planned_inbound")) == [
            (2027, 3, 1)
        ]


def test_career_outcome_is_recorded_when_the_placement_has_ended(client, tenant, members):
    placement = PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    outcome_url = url("placement_outcome", tenant, pk=placement.pk)
    client.force_login(members[Role.STAFF])
    client.post(outcome_url, {"hired_by_partner": "on"})
    from django_scopes import scopes_disabled

    from placements.models import CareerOutcome

    with scopes_disabled():
        assert not CareerOutcome.objects.exists()  # still planned: refused
        Placement.objects.filter(pk=placement.pk).update(state=Placement.State.COMPLETED)
    client.post(outcome_url, {"offer_received": "on", "hired_by_partner": "on", "stayed_in_region": "on"})
    with scopes_disabled():
        outcome = CareerOutcome.objects.get(placement=placement)
    assert (outcome.offer_received, outcome.hired_by_partner, outcome.hired_in_japan, outcome.stayed_in_region) == (
        True,
        True,
        False,
        True,
    )


def _placement_form_data(placement, **changes):
    data = {
        "starts_on": placement.starts_on.isoformat(),
        "ends_on": placement.ends_on.isoformat(),
        "schedule": placement.schedule,
        "direction": placement.direction,
        "pay": placement.pay,
    }
    data.update(changes)
    return data


def test_full_time_placement_changed_to_one_weekday_in_the_edit_form(client, tenant, members):
    # The dual system's core step: this answered 500 ("'PlacementForm' has no field named 'weekdays'").
    placement = PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("placement_edit", tenant, pk=placement.pk),
        _placement_form_data(placement, schedule="weekly_days", weekday_choices=["3"]),
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.schedule, placement.weekdays, placement.weekday_numbers) == ("weekly_days", "3", [3])


def test_set_days_without_a_ticked_day_is_a_form_error_not_a_500(client, tenant, members):
    placement = PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("placement_edit", tenant, pk=placement.pk), _placement_form_data(placement, schedule="weekly_days")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"weekday_choices": ["就業する曜日を1つ以上選んでください。"]}
    placement.refresh_from_db()
    assert placement.schedule == "full_time"


def _access_history(tenant, placement):
    from django_scopes import scope

    from coop.workflow import history_for

    with scope(tenant=tenant):
        return [(h.action, h.note) for h in history_for(placement) if h.action.startswith("placement.access")]


def test_grant_gives_the_same_answer_for_another_institutions_account_as_for_no_account(
    client, tenant, other_tenant, members
):
    # The form told staff whether an email had an account in another institution.
    placement = PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    member(other_tenant, Role.ADMIN, email="admin@other.example.jp")
    client.force_login(members[Role.STAFF])
    answers = []
    for email in ("admin@other.example.jp", "nobody@nowhere.example.jp"):
        response = client.post(url("placement_grant", tenant, pk=placement.pk), {"email": email}, follow=True)
        answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1] == ["そのメールアドレスのメンバーはこの機関にいません。"]
    assert _access_history(tenant, placement) == []


def test_revoke_cannot_name_a_user_of_another_institution(client, tenant, other_tenant, members):
    # Any tenant's staff could write any platform user's email into their placement's history.
    placement = PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    stranger = member(other_tenant, Role.ADMIN, email="admin@other.example.jp")
    client.force_login(members[Role.STAFF])
    response = client.post(url("placement_revoke", tenant, pk=placement.pk, user_pk=stranger.pk))
    assert response.status_code == 404
    assert _access_history(tenant, placement) == []
