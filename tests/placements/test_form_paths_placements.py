"""Every path of the placement forms, posted through the pages as the office does it:
PlacementForm (create and edit: each schedule, each direction, the work period), TransitionForm
(each state change, with and without a reason), CareerOutcomeForm and GrantForm."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import HistoryEntry, Role
from placements.models import (
    Agreement,
    Application,
    CareerOutcome,
    Placement,
    PlacementUserObjectPermission,
    Program,
)

from ..factories import (
    AgreementFactory,
    ApplicationFactory,
    PartnerContactFactory,
    PlacementFactory,
    PractitionerFacultyFactory,
    TermFactory,
    ThemeFactory,
    member,
)

pytestmark = pytest.mark.django_db

PLAN_START, PLAN_END = datetime.date(2026, 12, 1), datetime.date(2027, 5, 31)


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def shown(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_client(client, members):
    client.force_login(members[Role.STAFF])
    return client


@pytest.fixture
def theme(tenant):
    """A theme whose term is the academic year and whose implementation plan sets Dec to May."""
    term = TermFactory(program__tenant=tenant, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2027, 3, 31))
    theme = ThemeFactory(tenant=tenant, program=term.program, term=term, pay="時給 1,200円")
    AgreementFactory(
        partner=theme.partner,
        theme=theme,
        kind=Agreement.Kind.IMPLEMENTATION_PLAN,
        title="コーオプ教育実施計画書",
        state=Agreement.State.IN_FORCE,
        valid_from=PLAN_START,
        valid_until=PLAN_END,
    )
    return theme


@pytest.fixture
def application(theme, members):
    """Accepted, with its student pledge in force: ready for its placement."""
    application = ApplicationFactory(theme=theme, student=members[Role.STUDENT], state=Application.State.ACCEPTED)
    AgreementFactory(
        partner=theme.partner,
        theme=theme,
        application=application,
        kind=Agreement.Kind.STUDENT_PLEDGE,
        title="実施誓約書",
        state=Agreement.State.IN_FORCE,
    )
    return application


def placement_data(**overrides):
    data = {
        "starts_on": "2026-12-01",
        "ends_on": "2027-05-31",
        "schedule": "full_time",
        "pay": "時給 1,200円",
        "direction": "outbound",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def placements_of(application):
    with scopes_disabled():
        return list(Placement.objects.filter(application=application))


# --- PlacementForm on the create page ---------------------------------------------------


def test_the_direction_is_asked_and_shown_for_exchanges_only(staff_client, tenant, application):
    """Issue 11 item 10: 派遣・受入れ showed on co-op, internship and dual-system placements."""
    form = staff_client.get(url("placement_create", tenant, pk=application.pk)).context["form"]
    assert "direction" not in form.fields
    staff_client.post(url("placement_create", tenant, pk=application.pk), placement_data(direction="inbound"))
    [placement] = placements_of(application)
    assert placement.direction == Placement.Direction.OUTBOUND  # a co-op placement places the student
    page = staff_client.get(url("placement_detail", tenant, pk=placement.pk)).content.decode()
    assert "派遣・受入れ" not in page
    edit = staff_client.get(url("placement_edit", tenant, pk=placement.pk)).context["form"]
    assert "direction" not in edit.fields
    with scopes_disabled():
        Program.objects.filter(pk=application.theme.program_id).update(kind=Program.Kind.EXCHANGE)
    page = staff_client.get(url("placement_detail", tenant, pk=placement.pk)).content.decode()
    assert "派遣・受入れ" in page
    assert "direction" in staff_client.get(url("placement_edit", tenant, pk=placement.pk)).context["form"].fields


def test_the_create_form_proposes_the_plans_work_period(staff_client, tenant, application):
    response = staff_client.get(url("placement_create", tenant, pk=application.pk))
    form = response.context["form"]
    assert form["starts_on"].value() == PLAN_START
    assert form["ends_on"].value() == PLAN_END
    assert form["pay"].value() == "時給 1,200円"


def test_without_a_plan_the_form_proposes_the_terms_start(staff_client, tenant, application):
    with scopes_disabled():
        Agreement.objects.filter(kind=Agreement.Kind.IMPLEMENTATION_PLAN).update(state=Agreement.State.TERMINATED)
    form = staff_client.get(url("placement_create", tenant, pk=application.pk)).context["form"]
    assert form["starts_on"].value() == datetime.date(2026, 4, 1)
    assert form["ends_on"].value() is None


@pytest.mark.parametrize(
    ("schedule", "days", "direction", "weekdays"),
    [
        ("full_time", [], "outbound", ""),
        ("full_time", ["2"], "inbound", ""),  # days ticked by mistake are not kept for full time
        ("weekly_days", ["2"], "outbound", "2"),
        ("weekly_days", ["0", "3", "5"], "inbound", "0,3,5"),
    ],
)
def test_each_schedule_and_direction_is_saved(
    staff_client, tenant, members, application, schedule, days, direction, weekdays
):
    faculty = members[Role.FACULTY]
    supervisor = PartnerContactFactory(partner=application.theme.partner)
    practitioner = PractitionerFacultyFactory(contact__partner=application.theme.partner)
    with scopes_disabled():  # the direction is an exchange's (派遣・受入れ)
        Program.objects.filter(pk=application.theme.program_id).update(kind=Program.Kind.EXCHANGE)
    response = staff_client.post(
        url("placement_create", tenant, pk=application.pk),
        placement_data(
            schedule=schedule,
            direction=direction,
            weekday_choices=days,
            faculty_supervisor=faculty.pk,
            practitioner=practitioner.pk,
            supervisors=[supervisor.pk],
        ),
    )
    [placement] = placements_of(application)
    assert response.status_code == 302
    assert shown(response) == ["就業を登録しました。"]
    assert (placement.starts_on, placement.ends_on) == (PLAN_START, PLAN_END)
    assert (placement.schedule, placement.weekdays, placement.direction) == (schedule, weekdays, direction)
    assert (placement.faculty_supervisor, placement.practitioner, placement.state) == (faculty, practitioner, "planned")
    with scopes_disabled():
        assert [s.contact for s in placement.supervisors.all()] == [supervisor]
        application.refresh_from_db()
    assert application.state == Application.State.PLACED


def test_a_start_before_the_plan_is_refused_on_the_form(staff_client, tenant, application):
    response = staff_client.post(
        url("placement_create", tenant, pk=application.pk), placement_data(starts_on="2026-11-30")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "starts_on": ["就業の開始日は「コーオプ教育実施計画書」の開始日（2026年12月1日）より前にはできません。"]
    }
    assert placements_of(application) == []


def test_an_end_after_the_plan_is_refused_on_the_form(staff_client, tenant, application):
    response = staff_client.post(
        url("placement_create", tenant, pk=application.pk), placement_data(ends_on="2027-06-01")
    )
    assert response.context["form"].errors == {
        "ends_on": ["就業の終了日は「コーオプ教育実施計画書」の終了日（2027年5月31日）より後にはできません。"]
    }
    assert placements_of(application) == []


def test_the_co_op_agreement_governs_when_there_is_no_plan(staff_client, tenant, application):
    theme = application.theme
    with scopes_disabled():
        Agreement.objects.filter(kind=Agreement.Kind.IMPLEMENTATION_PLAN).delete()
    AgreementFactory(
        partner=theme.partner,
        theme=theme,
        kind=Agreement.Kind.AGREEMENT,
        title="コーオプ教育協定書",
        state=Agreement.State.IN_FORCE,
        valid_from=datetime.date(2026, 4, 1),
        valid_until=datetime.date(2027, 3, 31),
    )
    form = staff_client.get(url("placement_create", tenant, pk=application.pk)).context["form"]
    assert (form["starts_on"].value(), form["ends_on"].value()) == (datetime.date(2026, 4, 1), None)  # the term's
    response = staff_client.post(url("placement_create", tenant, pk=application.pk), placement_data())
    assert response.context["form"].errors == {
        "ends_on": ["就業の終了日は「コーオプ教育協定書」の終了日（2027年3月31日）より後にはできません。"]
    }
    assert placements_of(application) == []


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"schedule": "weekly_days", "weekday_choices": []},
            {"weekday_choices": ["就業する曜日を1つ以上選んでください。"]},
        ),
        (
            {"ends_on": "2026-12-01", "starts_on": "2027-01-10"},
            {"ends_on": ["就業の終了日は開始日より前にできません。"]},
        ),
        (
            {"schedule": "weekly_days", "weekday_choices": ["9"]},
            {
                "weekday_choices": [
                    "正しく選択してください。 9 は候補にありません。",
                    "就業する曜日を1つ以上選んでください。",
                ]
            },
        ),
        ({"schedule": "part_time"}, {"schedule": ["正しく選択してください。 part_time は候補にありません。"]}),
        ({"direction": "sideways"}, {"direction": ["正しく選択してください。 sideways は候補にありません。"]}),
        ({"starts_on": ""}, {"starts_on": ["このフィールドは必須です。"]}),
        ({"ends_on": "2027-02-30"}, {"ends_on": ["日付を正しく入力してください。"]}),
    ],
)
def test_invalid_placement_input_is_refused_with_its_message(staff_client, tenant, application, overrides, errors):
    if "direction" in overrides:
        with scopes_disabled():  # only an exchange's placements have a direction
            Program.objects.filter(pk=application.theme.program_id).update(kind=Program.Kind.EXCHANGE)
    response = staff_client.post(url("placement_create", tenant, pk=application.pk), placement_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert placements_of(application) == []


def test_people_outside_the_choices_are_refused(staff_client, tenant, members, application):
    other_partners_person = PartnerContactFactory(partner__tenant=tenant)
    response = staff_client.post(
        url("placement_create", tenant, pk=application.pk),
        placement_data(faculty_supervisor=members[Role.STUDENT].pk, supervisors=[other_partners_person.pk]),
    )
    errors = response.context["form"].errors
    assert errors["faculty_supervisor"] == ["正しく選択してください。選択したものは候補にありません。"]
    assert errors["supervisors"] == [f"正しく選択してください。 {other_partners_person.pk} は候補にありません。"]
    assert placements_of(application) == []


def test_no_placement_before_the_pledge_is_in_force(staff_client, tenant, application):
    with scopes_disabled():
        Agreement.objects.filter(kind=Agreement.Kind.STUDENT_PLEDGE).update(state=Agreement.State.ISSUED)
    response = staff_client.post(url("placement_create", tenant, pk=application.pk), placement_data())
    assert response.context["form"].non_field_errors() == ["就業を登録する前に実施誓約書への署名が必要です。"]
    assert placements_of(application) == []


def test_no_placement_before_the_student_accepts(staff_client, tenant, application):
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(state=Application.State.SELECTED)
    response = staff_client.post(url("placement_create", tenant, pk=application.pk), placement_data())
    assert response.context["form"].non_field_errors() == ["学生はまだこのテーマを承諾していません。"]
    assert placements_of(application) == []


# --- PlacementForm on the edit page -----------------------------------------------------


@pytest.fixture
def placement(application, members):
    return PlacementFactory(
        theme=application.theme,
        student=application.student,
        application=application,
        starts_on=PLAN_START,
        ends_on=datetime.date(2027, 3, 31),
    )


def test_edit_moves_to_set_days_and_back(staff_client, tenant, placement):
    edit = url("placement_edit", tenant, pk=placement.pk)
    form = staff_client.get(edit).context["form"]
    assert form["weekday_choices"].value() == ["0", "1", "2", "3", "4"]
    response = staff_client.post(edit, placement_data(schedule="weekly_days", weekday_choices=["1", "4"]))
    assert shown(response) == ["就業を保存しました。"]
    placement.refresh_from_db()
    assert (placement.schedule, placement.weekdays, placement.ends_on) == ("weekly_days", "1,4", PLAN_END)
    staff_client.post(edit, placement_data(schedule="full_time", weekday_choices=["1", "4"]))
    placement.refresh_from_db()
    assert (placement.schedule, placement.weekdays) == ("full_time", "")


def test_edit_refuses_dates_outside_the_plan(staff_client, tenant, placement):
    response = staff_client.post(
        url("placement_edit", tenant, pk=placement.pk), placement_data(starts_on="2026-10-01", ends_on="2027-06-30")
    )
    assert response.context["form"].errors == {
        "starts_on": ["就業の開始日は「コーオプ教育実施計画書」の開始日（2026年12月1日）より前にはできません。"],
        "ends_on": ["就業の終了日は「コーオプ教育実施計画書」の終了日（2027年5月31日）より後にはできません。"],
    }
    placement.refresh_from_db()
    assert (placement.starts_on, placement.ends_on) == (PLAN_START, datetime.date(2027, 3, 31))


def test_edit_refuses_set_days_without_a_day(staff_client, tenant, placement):
    response = staff_client.post(url("placement_edit", tenant, pk=placement.pk), placement_data(schedule="weekly_days"))
    assert response.context["form"].errors == {"weekday_choices": ["就業する曜日を1つ以上選んでください。"]}
    placement.refresh_from_db()
    assert placement.schedule == "full_time"


# --- TransitionForm: every state change, with and without a reason ------------------------


def transition(client, tenant, placement, state, reason=None):
    data = {} if reason is None else {"reason": reason}
    response = client.post(url("placement_transition", tenant, pk=placement.pk, state=state), data)
    placement.refresh_from_db()
    return response


@pytest.mark.parametrize(
    ("start", "to", "reason", "state_reason"),
    [
        ("planned", "active", None, ""),
        ("planned", "terminated", "内定辞退のため", "内定辞退のため"),
        ("active", "suspended", "体調不良", "体調不良"),
        ("active", "completed", None, ""),
        ("active", "terminated", "受入先の事情", "受入先の事情"),
        ("suspended", "active", "", ""),
        ("suspended", "terminated", "復帰の見込みがない", "復帰の見込みがない"),
    ],
)
def test_each_allowed_change(staff_client, tenant, placement, start, to, reason, state_reason):
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(state=start)
    response = transition(staff_client, tenant, placement, to, reason)
    label = {"active": "就業中", "suspended": "休止中", "completed": "修了", "terminated": "中途終了"}[to]
    assert shown(response) == [f"就業の状態を「{label}」にしました。"]
    assert (placement.state, placement.state_reason) == (to, state_reason)
    with scopes_disabled():
        entry = HistoryEntry.objects.filter(object_id=placement.pk, action=f"placement.{to}").get()
    assert (entry.from_state, entry.to_state, entry.note) == (start, to, reason or "")


@pytest.mark.parametrize(
    ("start", "to"), [("planned", "terminated"), ("active", "suspended"), ("active", "terminated")]
)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_suspending_or_terminating_needs_a_reason(staff_client, tenant, placement, start, to, reason):
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(state=start)
    response = transition(staff_client, tenant, placement, to, reason)
    assert shown(response) == ["理由を入力してください。"]
    assert placement.state == start


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        ("planned", "completed", "「予定」から「修了」には変更できません。"),
        ("planned", "suspended", None),  # needs a reason first
        ("completed", "active", "「修了」から「就業中」には変更できません。"),
        ("terminated", "active", "「中途終了」から「就業中」には変更できません。"),
        ("active", "planned", "「就業中」から「予定」には変更できません。"),
        ("active", "bogus", "「就業中」から「bogus」には変更できません。"),
    ],
)
def test_changes_that_are_not_allowed(staff_client, tenant, placement, start, to, message):
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(state=start)
    response = transition(staff_client, tenant, placement, to, "理由")
    assert shown(response) == [message or "「予定」から「休止中」には変更できません。"]
    assert placement.state == start


def test_only_the_office_changes_states(client, tenant, members, placement):
    for role in (Role.FACULTY, Role.PARTNER, Role.STUDENT):
        client.force_login(members[role])
        assert client.post(url("placement_transition", tenant, pk=placement.pk, state="active")).status_code == 403
    placement.refresh_from_db()
    assert placement.state == "planned"


# --- CareerOutcomeForm ---------------------------------------------------------------------


def test_career_outcome_waits_for_the_end(staff_client, tenant, placement):
    response = staff_client.post(url("placement_outcome", tenant, pk=placement.pk), {"hired_by_partner": "on"})
    assert shown(response) == ["進路は就業が終わってから記録します。"]
    with scopes_disabled():
        assert not CareerOutcome.objects.exists()


@pytest.mark.parametrize("ended", ["completed", "terminated"])
def test_career_outcome_each_box(staff_client, tenant, members, placement, ended):
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(state=ended)
    outcome_url = url("placement_outcome", tenant, pk=placement.pk)
    data = {"offer_received": "on", "hired_by_partner": "on", "stayed_in_region": "on", "notes": "地元企業に就職"}
    response = staff_client.post(outcome_url, data)
    assert shown(response) == ["進路を保存しました。"]
    with scopes_disabled():
        outcome = CareerOutcome.objects.get(placement=placement)
    assert (outcome.offer_received, outcome.hired_by_partner, outcome.hired_in_japan, outcome.stayed_in_region) == (
        True,
        True,
        False,
        True,
    )
    assert (outcome.notes, outcome.recorded_by) == ("地元企業に就職", members[Role.STAFF])
    staff_client.post(outcome_url, {"hired_in_japan": "on"})  # unticking is saved too
    with scopes_disabled():
        outcome.refresh_from_db()
    assert (outcome.offer_received, outcome.hired_by_partner, outcome.hired_in_japan, outcome.stayed_in_region) == (
        False,
        False,
        True,
        False,
    )


# --- GrantForm -----------------------------------------------------------------------------


def grants(placement):
    with scopes_disabled():
        return sorted(g.user.email for g in PlacementUserObjectPermission.objects.filter(content_object=placement))


def test_grant_to_a_member(staff_client, tenant, placement):
    reviewer = member(tenant, Role.FACULTY, email="second@hokuriku.example.jp")
    response = staff_client.post(
        url("placement_grant", tenant, pk=placement.pk), {"email": "SECOND@hokuriku.example.jp"}
    )
    assert shown(response) == ["閲覧権限を付与しました。"]
    assert grants(placement) == [reviewer.email]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.jp", "そのメールアドレスのメンバーはこの機関にいません。"),
        ("not-an-address", "そのメールアドレスのメンバーはこの機関にいません。"),
        ("", "そのメールアドレスのメンバーはこの機関にいません。"),
        # Another institution's account gets the same answer as no account: no oracle.
        ("staff@other.example.jp", "そのメールアドレスのメンバーはこの機関にいません。"),
    ],
)
def test_grant_refusals(staff_client, tenant, placement, outsider, email, message):
    response = staff_client.post(url("placement_grant", tenant, pk=placement.pk), {"email": email})
    assert shown(response) == [message]
    assert grants(placement) == []


def test_another_tenants_placement_pages_are_not_found(client, tenant, other_tenant, outsider, placement):
    client.force_login(outsider)
    application = placement.application
    assert client.get(url("placement_create", other_tenant, pk=application.pk)).status_code == 404
    assert client.post(url("placement_edit", other_tenant, pk=placement.pk), placement_data()).status_code == 404
    response = client.post(url("placement_transition", other_tenant, pk=placement.pk, state="active"))
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.state == "planned"
