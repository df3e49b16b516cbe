"""The pages of interviews, the start orientation and reflection dialogues, as each role."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop.models import Role, Tenant
from placements import demo_meetings
from placements.models import (
    Interview,
    Placement,
    Program,
    ReflectionAction,
    ReflectionDialogue,
    StartOrientation,
)
from placements.services import meetings

from ..clock import at, jst
from ..factories import (
    ApplicationFactory,
    PartnerFactory,
    PlacementFactory,
    ProgramFactory,
    TenantFactory,
    ThemeFactory,
    member,
    partner_person,
)

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

AGREED = {"purpose": "商品企画を形にする。", "goals": "試作品を2つ作る。", "working_style": "週3日"}


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant, name="株式会社北海道チャレンジ")


@pytest.fixture
def partner_user(partner):
    return partner_person(partner, email="tanaka@challenge.example.jp")


@pytest.fixture
def other_partner_user(tenant):
    return partner_person(PartnerFactory(tenant=tenant, name="別の会社"), email="other@partner.example.jp")


@pytest.fixture
def placement(tenant, partner, members):
    program = ProgramFactory(tenant=tenant, orientation_required=True, reflection_cadence="monthly")
    return PlacementFactory(
        theme=ThemeFactory(tenant=tenant, program=program, partner=partner),
        student=members[Role.STUDENT],
        faculty_supervisor=members[Role.FACULTY],
    )


@pytest.fixture
def oriented(tenant, placement, members):
    with scope(tenant=tenant):
        meetings.orientation_save(placement=placement, by=members[Role.STAFF], **AGREED)
    return placement


def _active(placement):
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(state=Placement.State.ACTIVE)
    placement.state = Placement.State.ACTIVE
    return placement


def test_each_party_sees_the_orientation_and_a_button_for_its_own_side(
    client, tenant, oriented, members, partner_user, other_partner_user
):
    page_url = url("placement_detail", tenant, pk=oriented.pk)
    confirm = url("orientation_confirm", tenant, pk=oriented.pk)
    for user in (members[Role.STUDENT], partner_user, members[Role.STAFF]):
        client.force_login(user)
        page = client.get(page_url)
        assert "スタートオリエンテーション" in page.text and "試作品を2つ作る。" in page.text
        assert confirm in page.text, user
    client.force_login(members[Role.FACULTY])
    page = client.get(page_url)
    assert "試作品を2つ作る。" in page.text and confirm not in page.text
    assert client.post(confirm).status_code == 403
    client.force_login(other_partner_user)
    assert client.get(page_url).status_code == 404
    assert client.post(confirm).status_code == 404


def test_the_student_confirms_and_the_office_cannot_start_before_every_side_did(
    client, tenant, oriented, members, partner_user
):
    client.force_login(members[Role.STUDENT])
    response = client.post(url("orientation_confirm", tenant, pk=oriented.pk), follow=True)
    assert "スタートオリエンテーションを確認しました。" in response.text
    assert "学生: " in response.text and "に確認" in response.text
    client.force_login(members[Role.STAFF])
    response = client.post(url("placement_transition", tenant, pk=oriented.pk, state="active"), follow=True)
    assert "未確認: 連携先、コーディネーター（事務局）。" in response.text
    with scopes_disabled():
        assert Placement.objects.get(pk=oriented.pk).state == Placement.State.PLANNED
    client.force_login(partner_user)
    client.post(url("orientation_confirm", tenant, pk=oriented.pk))
    client.force_login(members[Role.STAFF])
    client.post(url("orientation_confirm", tenant, pk=oriented.pk))
    response = client.post(url("placement_transition", tenant, pk=oriented.pk, state="active"), follow=True)
    with scopes_disabled():
        assert Placement.objects.get(pk=oriented.pk).state == Placement.State.ACTIVE


def test_the_office_records_the_orientation_with_a_form(client, tenant, placement, members):
    client.force_login(members[Role.STAFF])
    form_url = url("orientation_edit", tenant, pk=placement.pk)
    response = client.post(form_url, {"purpose": "", "goals": ""})
    assert response.status_code == 200
    assert "このフィールドは必須です。" in response.text
    response = client.post(form_url, {**AGREED, "held_at": "2026-09-01T10:00", "place": "本社"})
    assert response.status_code == 302
    with scopes_disabled():
        orientation = StartOrientation.objects.get(placement=placement)
    assert (orientation.place, orientation.goals) == ("本社", "試作品を2つ作る。")


def test_a_dialogue_page_shows_last_times_actions_and_each_side_writes_its_notes(
    client, tenant, oriented, members, partner_user
):
    placement = _active(oriented)
    staff = members[Role.STAFF]
    with scope(tenant=tenant):
        first = meetings.reflection_schedule(placement=placement, by=staff, scheduled_at=jst(2026, 10, 1, 16))
        meetings.reflection_actions_save(dialogue=first, by=staff, new_actions=[("試作品のラフを作る", "student")])
        second = meetings.reflection_schedule(placement=placement, by=staff, scheduled_at=jst(2026, 11, 1, 16))
        rough = ReflectionAction.objects.get(dialogue=first)
    page_url = url("reflection_detail", tenant, pk=second.pk)
    client.force_login(members[Role.STUDENT])
    page = client.get(page_url)
    assert "第1回のアクション" in page.text and "試作品のラフを作る" in page.text
    assert url("reflection_actions", tenant, pk=second.pk) not in page.text  # the office follows up
    client.post(url("reflection_notes", tenant, pk=second.pk), {"notes": "ラフを見てもらえた。"})
    client.force_login(partner_user)
    client.post(url("reflection_notes", tenant, pk=second.pk), {"notes": "方向性が固まった。"})
    client.force_login(staff)
    response = client.post(
        url("reflection_actions", tenant, pk=second.pk),
        {f"follow_{rough.pk}": "done", "action_1": "販売テストをする", "owner_1": "student"},
        follow=True,
    )
    assert "次のアクションを保存しました。" in response.text
    assert "販売テストをする" in response.text and "ラフを見てもらえた。" in response.text
    with scopes_disabled():
        rough.refresh_from_db()
        second.refresh_from_db()
    assert rough.status == "done"
    assert (second.student_notes, second.partner_notes) == ("ラフを見てもらえた。", "方向性が固まった。")
    client.force_login(members[Role.FACULTY])
    page = client.get(page_url)
    assert "方向性が固まった。" in page.text
    assert url("reflection_notes", tenant, pk=second.pk) not in page.text
    assert client.post(url("reflection_notes", tenant, pk=second.pk), {"notes": "x"}).status_code == 403


def test_a_student_writing_empty_notes_is_told_what_is_missing(client, tenant, oriented, members):
    placement = _active(oriented)
    with scope(tenant=tenant):
        dialogue = meetings.reflection_schedule(
            placement=placement, by=members[Role.STAFF], scheduled_at=jst(2026, 11, 1, 16)
        )
    client.force_login(members[Role.STUDENT])
    response = client.post(url("reflection_notes", tenant, pk=dialogue.pk), {"notes": ""}, follow=True)
    assert "メモを書いてください。" in response.text


def test_the_office_schedules_a_dialogue_and_the_timeline_shows_it(client, tenant, oriented, members):
    placement = _active(oriented)
    client.force_login(members[Role.STAFF])
    page = client.get(url("placement_detail", tenant, pk=placement.pk))
    assert "次の対話は 2026-10-01 までに行います。" in page.text  # started 2026-09-01, monthly
    response = client.post(
        url("reflection_schedule", tenant, pk=placement.pk), {"scheduled_at": "2026-11-20T16:00", "place": "オンライン"}
    )
    with scopes_disabled():
        dialogue = ReflectionDialogue.objects.get(placement=placement)
    assert response["Location"] == dialogue.get_absolute_url()
    page = client.get(url("placement_detail", tenant, pk=placement.pk))
    assert "第1回" in page.text and "2026-11-20 16:00" in page.text
    assert "次の対話は 2026-12-20 までに行います。" in page.text


def test_scheduled_interviews_show_to_the_student_and_the_partner(client, tenant, partner, partner_user, members):
    application = ApplicationFactory(theme=ThemeFactory(tenant=tenant, partner=partner), student=members[Role.STUDENT])
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("interview_add", tenant, pk=application.pk),
        {
            "kind": "selection",
            "held_at": "2026-11-25T14:00",
            "place": "札幌オフィス",
            "online_url": "https://meet.example.jp/abc",
            "participants": [members[Role.STAFF].pk, partner_user.pk],
            "notes": "事前に資料を確認",
        },
    )
    assert response.status_code == 302
    with scope(tenant=tenant):
        interview = Interview.objects.get(application=application)
        assert interview.participants.count() == 2
    client.force_login(members[Role.STUDENT])
    page = client.get(url("application_detail", tenant, pk=application.pk))
    assert "あなたの面談" in page.text and "札幌オフィス" in page.text and "https://meet.example.jp/abc" in page.text
    assert "事前に資料を確認" not in page.text  # the notes are the selectors'
    dashboard = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}))
    assert "これからの面談・対話" in dashboard.text and "2026-11-25 14:00" in dashboard.text
    client.force_login(partner_user)
    dashboard = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}))
    assert "2026-11-25 14:00" in dashboard.text
    response = client.post(url("interview_edit", tenant, pk=interview.pk), {"outcome": "go_ahead", "notes": "合格"})
    assert response.status_code == 302
    with scopes_disabled():
        interview.refresh_from_db()
    assert interview.outcome == "go_ahead"


def test_what_waits_on_each_side_shows_on_their_dashboard(client, tenant, oriented, members, partner_user):
    dashboard = reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    for user in (members[Role.STUDENT], partner_user, members[Role.STAFF]):
        client.force_login(user)
        assert "確認するスタートオリエンテーション" in client.get(dashboard).text, user
    placement = _active(oriented)
    client.force_login(members[Role.STAFF])
    assert "日程を決める振り返りの対話" in client.get(dashboard).text  # monthly: due since 2026-10-01
    with scope(tenant=tenant):
        meetings.reflection_schedule(placement=placement, by=members[Role.STAFF], scheduled_at=jst(2026, 11, 17, 16))
    assert "日程を決める振り返りの対話" not in client.get(dashboard).text
    client.force_login(members[Role.STUDENT])
    assert "書く振り返りのメモ" in client.get(dashboard).text


@pytest.mark.parametrize("dialogues", [1, 3])
def test_the_placement_page_section_reads_a_fixed_number_of_queries(
    client, tenant, oriented, members, django_assert_num_queries, dialogues
):
    placement = _active(oriented)
    with scope(tenant=tenant):
        for n in range(dialogues):
            dialogue = meetings.reflection_schedule(
                placement=placement, by=members[Role.STAFF], scheduled_at=jst(2026, 10, 1 + n, 16)
            )
            meetings.reflection_actions_save(
                dialogue=dialogue, by=members[Role.STAFF], new_actions=[("アクション", "student")]
            )
    client.force_login(members[Role.STAFF])
    with django_assert_num_queries(QUERIES):
        page = client.get(url("placement_detail", tenant, pk=placement.pk))
    assert page.text.count("次のアクション 1件") == dialogues  # each dialogue with its one next action


# session, user, tenant, membership, the placement, the history; the supervisors, the grants
# and the messages; the meetings section: the side (memberships), the orientation with who
# confirmed it, the dialogues with their action counts
QUERIES = 12


def test_the_program_form_sets_the_orientation_and_the_cadence(client, tenant, members):
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("program_create", tenant),
        {
            "name": "実践型インターンシップ",
            "kind": "practical_internship",
            "orientation_required": "on",
            "reflection_cadence": "biweekly",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        program = Program.objects.get(name="実践型インターンシップ")
    assert (program.orientation_required, program.reflection_cadence) == (True, "biweekly")


def test_the_demo_seeder_gives_a_coordinators_active_placement_its_meetings_once(db):
    coordinator = TenantFactory(slug="hokkaido-test", kind=Tenant.Kind.COORDINATOR)
    people = {role: member(coordinator, role) for role in Role}
    partner = PartnerFactory(tenant=coordinator)
    partner_person(partner)
    with scope(tenant=coordinator):
        demo_meetings.seed(coordinator, people)  # no active placement: nothing
        assert StartOrientation.objects.count() == 0
        program = ProgramFactory(tenant=coordinator, kind=Program.Kind.PRACTICAL_INTERNSHIP)
        placement = PlacementFactory(
            theme=ThemeFactory(tenant=coordinator, program=program, partner=partner),
            student=people[Role.STUDENT],
            state=Placement.State.ACTIVE,
            starts_on=datetime.date(2026, 8, 1),
        )
        demo_meetings.seed(coordinator, people)
        demo_meetings.seed(coordinator, people)  # idempotent
        orientation = StartOrientation.objects.get(placement=placement)
        assert orientation.is_confirmed
        first, second = ReflectionDialogue.objects.filter(placement=placement).order_by("number")
        assert first.student_notes and first.partner_notes and first.coordinator_notes
        assert sorted(first.actions.values_list("status", flat=True)) == ["carried_over", "done", "done"]
        carried = second.actions.exclude(carried_from=None).get()
        assert carried.carried_from.dialogue == first
    university = TenantFactory(slug="univ-test")
    with scope(tenant=university):
        PlacementFactory(theme=ThemeFactory(tenant=university), state=Placement.State.ACTIVE)
        demo_meetings.seed(university, {role: member(university, role) for role in Role})
        assert StartOrientation.objects.count() == 0


def test_another_partners_person_cannot_reach_an_interview_or_a_dialogue(
    client, tenant, oriented, partner, members, other_partner_user
):
    placement = _active(oriented)
    application = ApplicationFactory(theme=placement.theme, student=member(tenant, Role.STUDENT))
    with scope(tenant=tenant):
        interview = Interview.objects.create(tenant=tenant, application=application, held_at=jst(2026, 11, 25, 14))
        dialogue = meetings.reflection_schedule(
            placement=placement, by=members[Role.STAFF], scheduled_at=jst(2026, 11, 1, 16)
        )
    client.force_login(other_partner_user)
    assert client.get(url("interview_edit", tenant, pk=interview.pk)).status_code == 404
    assert client.get(url("reflection_detail", tenant, pk=dialogue.pk)).status_code == 404
    assert client.post(url("reflection_notes", tenant, pk=dialogue.pk), {"notes": "x"}).status_code == 404
    client.force_login(members[Role.STUDENT])  # not this application's student
    assert client.get(url("interview_edit", tenant, pk=interview.pk)).status_code == 403


def test_a_high_school_holds_reflection_dialogues_too(db):
    school = TenantFactory(slug="meister-test", kind=Tenant.Kind.HIGH_SCHOOL)
    teacher, pupil = member(school, Role.STAFF), member(school, Role.STUDENT)
    with scope(tenant=school):
        program = ProgramFactory(tenant=school, kind=Program.Kind.DUAL_SYSTEM, reflection_cadence="biweekly")
        placement = PlacementFactory(
            theme=ThemeFactory(tenant=school, program=program), student=pupil, state=Placement.State.ACTIVE
        )
        dialogue = meetings.reflection_schedule(placement=placement, by=teacher, scheduled_at=jst(2026, 11, 4, 15))
        meetings.reflection_write_notes(dialogue=dialogue, by=pupil, notes="旋盤の段取りが速くなった。")
        dialogue.refresh_from_db()
        assert dialogue.student_notes == "旋盤の段取りが速くなった。"
