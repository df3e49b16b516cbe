"""Meetings of seed 002: interviews (面談) scheduled with participants and an outcome; the start
orientation (スタートオリエンテーション) each side confirms, required before the placement starts
when its program says so; reflection dialogues (振り返りの対話) at the program's cadence with
notes from each side and next actions followed up the next time; reminders and waiting items."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from coop import reminders
from coop.models import HistoryEntry, Reminder, Role
from placements.deadlines import meetings_due
from placements.models import (
    Interview,
    Placement,
    Program,
    ReflectionAction,
)
from placements.selectors.meetings import next_reflection_due, reflections_to_schedule
from placements.services import meetings
from placements.services.placements import placement_transition
from placements.services.selection import interview_record, interview_update

from ..clock import at, jst
from ..factories import (
    ApplicationFactory,
    PartnerFactory,
    PlacementFactory,
    ProgramFactory,
    ThemeFactory,
    member,
    partner_person,
)

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

AGREED = {
    "held_at": jst(2026, 9, 1, 10),
    "place": "受入企業 会議室",
    "purpose": "商品企画を受入企業の右腕として形にする。",
    "goals": "3か月で試作品を2つ作る。",
    "working_style": "週3日（火・木・土）",
    "contact": "チャットで毎日報告",
    "rules": "休むときは前日までに連絡",
}


@pytest.fixture
def program(in_tenant):
    return ProgramFactory(
        tenant=in_tenant,
        kind=Program.Kind.PRACTICAL_INTERNSHIP,
        orientation_required=True,
        reflection_cadence="monthly",
    )


@pytest.fixture
def partner(in_tenant):
    return PartnerFactory(tenant=in_tenant, name="株式会社北海道チャレンジ")


@pytest.fixture
def partner_user(partner):
    return partner_person(partner, email="tanaka@challenge.example.jp")


@pytest.fixture
def placement(in_tenant, program, partner, partner_user, members):
    return PlacementFactory(
        theme=ThemeFactory(tenant=in_tenant, program=program, partner=partner),
        student=members[Role.STUDENT],
        faculty_supervisor=members[Role.FACULTY],
        starts_on=datetime.date(2026, 9, 1),
    )


def _confirm_all(placement, partner_user, members):
    for person in (members[Role.STUDENT], partner_user, members[Role.STAFF]):
        meetings.orientation_confirm(placement=placement, by=person)


# --- Interviews (面談) --------------------------------------------------------------------------


def test_a_scheduled_interview_emails_the_student_and_the_other_participants(
    in_tenant, members, partner, partner_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        theme=ThemeFactory(tenant=in_tenant, partner=partner), student=members[Role.STUDENT]
    )
    mail.outbox.clear()
    with pytest.raises(ValidationError) as refused:
        interview_record(
            application=application,
            by=members[Role.STAFF],
            kind=Interview.Kind.SELECTION,
            held_at=jst(2026, 11, 25, 14),
            participants=[members[Role.FACULTY]],
        )
    assert refused.value.code == "not_a_participant"
    assert "参加者にできません" in refused.value.messages[0]

    with django_capture_on_commit_callbacks(execute=True):
        interview = interview_record(
            application=application,
            by=members[Role.STAFF],
            kind=Interview.Kind.SELECTION,
            held_at=jst(2026, 11, 25, 14),
            place="札幌オフィス",
            online_url="https://meet.example.jp/abc",
            participants=[members[Role.STAFF], partner_user],
        )
    assert interview.outcome == Interview.Outcome.PENDING
    assert sorted(p.user.email for p in interview.participants.all()) == sorted(
        [members[Role.STAFF].email, partner_user.email]
    )
    # The scheduler is not emailed about their own act; the student and the partner person are.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([members[Role.STUDENT].email, partner_user.email])
    assert all("面談の日程" in m.subject for m in mail.outbox)
    assert "札幌オフィス" in mail.outbox[0].body


def test_an_interview_held_gets_its_outcome_and_notes_recorded_in_the_history(in_tenant, members, partner):
    application = ApplicationFactory(
        theme=ThemeFactory(tenant=in_tenant, partner=partner), student=members[Role.STUDENT]
    )
    interview = interview_record(
        application=application, by=members[Role.STAFF], kind=Interview.Kind.SELECTION, held_at=jst(2026, 11, 10, 14)
    )
    interview_update(interview=interview, by=members[Role.STAFF], outcome="go_ahead", notes="動機が明確。")
    interview.refresh_from_db()
    assert (interview.outcome, interview.notes) == ("go_ahead", "動機が明確。")
    entry = HistoryEntry.objects.filter(action="application.interview_outcome").get()
    assert entry.values == {"outcome": "go_ahead"}
    with pytest.raises(ValidationError) as refused:
        interview_update(interview=interview, by=members[Role.STAFF], outcome="maybe")
    assert refused.value.message_dict == {"outcome": ["結果を選んでください。"]}


# --- Start orientation ----------------------------------------------------------------------


def test_only_the_office_records_the_orientation(placement, partner_user, members):
    with pytest.raises(ValidationError) as refused:
        meetings.orientation_save(placement=placement, by=partner_user, **AGREED)
    assert refused.value.messages == ["スタートオリエンテーションを記録できるのは事務局だけです。"]
    orientation = meetings.orientation_save(placement=placement, by=members[Role.STAFF], **AGREED)
    assert orientation.goals == AGREED["goals"]
    assert not orientation.is_confirmed


def test_each_side_confirms_once_and_only_the_parties_confirm(placement, partner, partner_user, members, in_tenant):
    with pytest.raises(ValidationError) as refused:
        meetings.orientation_confirm(placement=placement, by=members[Role.STUDENT])
    assert refused.value.messages == ["スタートオリエンテーションはまだ記録されていません。"]
    meetings.orientation_save(placement=placement, by=members[Role.STAFF], **AGREED)
    another_partner_person = partner_person(PartnerFactory(tenant=in_tenant), email="other@partner.example.jp")
    for outsider in (members[Role.FACULTY], another_partner_person, member(in_tenant, Role.STUDENT)):
        with pytest.raises(ValidationError) as refused:
            meetings.orientation_confirm(placement=placement, by=outsider)
        assert refused.value.messages == [
            "スタートオリエンテーションを確認できるのは、学生・連携先の担当者・事務局だけです。"
        ]
    meetings.orientation_confirm(placement=placement, by=members[Role.STUDENT])
    with pytest.raises(ValidationError) as refused:
        meetings.orientation_confirm(placement=placement, by=members[Role.STUDENT])
    assert refused.value.messages == ["あなたの立場ではすでにスタートオリエンテーションを確認済みです。"]
    meetings.orientation_confirm(placement=placement, by=partner_user)
    orientation = meetings.orientation_confirm(placement=placement, by=members[Role.ADMIN])
    assert orientation.is_confirmed
    assert orientation.coordinator_confirmed_by == members[Role.ADMIN]
    sides = list(
        HistoryEntry.objects.filter(action="placement.orientation_confirmed")
        .order_by("id")
        .values_list("values__side", flat=True)
    )
    assert sides == ["student", "partner", "coordinator"]


def test_changing_what_was_agreed_withdraws_the_confirmations(placement, partner_user, members):
    meetings.orientation_save(placement=placement, by=members[Role.STAFF], **AGREED)
    _confirm_all(placement, partner_user, members)
    # Saving the same text again changes nothing.
    assert meetings.orientation_save(placement=placement, by=members[Role.STAFF], **AGREED).is_confirmed
    changed = meetings.orientation_save(
        placement=placement, by=members[Role.STAFF], **{**AGREED, "goals": "試作品を3つ"}
    )
    assert [at for _side, _label, at, _by in changed.confirmations] == [None, None, None]
    assert HistoryEntry.objects.filter(action="placement.orientation_saved").order_by("id").last().values == {
        "withdrawn": True
    }


def test_the_placement_starts_only_once_every_side_confirmed_when_the_program_asks(placement, partner_user, members):
    staff = members[Role.STAFF]
    with pytest.raises(ValidationError) as refused:
        placement_transition(placement=placement, to=Placement.State.ACTIVE, by=staff)
    assert refused.value.code == "orientation_unconfirmed"
    assert refused.value.messages == [
        "このプログラムでは、就業を開始する前に学生・連携先・コーディネーターの全員がスタートオリエンテーションを"
        "確認する必要があります。スタートオリエンテーションはまだ記録されていません。"
    ]
    meetings.orientation_save(placement=placement, by=staff, **AGREED)
    meetings.orientation_confirm(placement=placement, by=members[Role.STUDENT])
    with pytest.raises(ValidationError) as refused:
        placement_transition(placement=placement, to=Placement.State.ACTIVE, by=staff)
    assert refused.value.messages == [
        "このプログラムでは、就業を開始する前に学生・連携先・コーディネーターの全員がスタートオリエンテーションを"
        "確認する必要があります。未確認: 連携先、コーディネーター（事務局）。"
    ]
    placement.refresh_from_db()
    assert placement.state == Placement.State.PLANNED  # nothing half-written
    meetings.orientation_confirm(placement=placement, by=partner_user)
    meetings.orientation_confirm(placement=placement, by=staff)
    assert placement_transition(placement=placement, to=Placement.State.ACTIVE, by=staff).state == "active"
    # A change afterwards does not stop a placement in progress, nor its resumption.
    meetings.orientation_save(placement=placement, by=staff, **{**AGREED, "rules": "新しいルール"})
    placement_transition(placement=placement, to=Placement.State.SUSPENDED, by=staff, reason="体調不良")
    assert placement_transition(placement=placement, to=Placement.State.ACTIVE, by=staff).state == "active"


def test_without_the_program_setting_the_placement_starts_without_an_orientation(in_tenant, members):
    theme = ThemeFactory(tenant=in_tenant, program=ProgramFactory(tenant=in_tenant, orientation_required=False))
    placement = PlacementFactory(theme=theme, student=members[Role.STUDENT])
    assert placement_transition(placement=placement, to="active", by=members[Role.STAFF]).state == "active"


# --- Reflection dialogues -------------------------------------------------------------------


@pytest.fixture
def active(placement, partner_user, members):
    meetings.orientation_save(placement=placement, by=members[Role.STAFF], **AGREED)
    _confirm_all(placement, partner_user, members)
    return placement_transition(placement=placement, to="active", by=members[Role.STAFF])


def test_dialogues_are_scheduled_by_the_office_for_a_placement_in_progress(
    placement, active, partner_user, members, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as refused:
        meetings.reflection_schedule(placement=active, by=partner_user, scheduled_at=jst(2026, 10, 1, 16))
    assert refused.value.messages == ["振り返りの対話の日程を決められるのは事務局だけです。"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = meetings.reflection_schedule(
            placement=active, by=members[Role.STAFF], scheduled_at=jst(2026, 10, 1, 16)
        )
        second = meetings.reflection_schedule(
            placement=active, by=members[Role.STAFF], scheduled_at=jst(2026, 11, 1, 16)
        )
    assert (first.number, second.number) == (1, 2)
    told = {m.to[0] for m in mail.outbox}
    assert told == {members[Role.STUDENT].email, partner_user.email, members[Role.FACULTY].email}
    placement_transition(placement=active, to="completed", by=members[Role.STAFF])
    with pytest.raises(ValidationError) as refused:
        meetings.reflection_schedule(placement=active, by=members[Role.STAFF], scheduled_at=jst(2026, 12, 1, 16))
    assert refused.value.messages == ["振り返りの対話は就業中の学生と行います。"]


def test_each_side_writes_its_own_notes(active, partner_user, members):
    dialogue = meetings.reflection_schedule(placement=active, by=members[Role.STAFF], scheduled_at=jst(2026, 10, 1, 16))
    meetings.reflection_write_notes(dialogue=dialogue, by=members[Role.STUDENT], notes="顧客の声を聞けた。")
    meetings.reflection_write_notes(dialogue=dialogue, by=partner_user, notes="溶け込みが早い。")
    meetings.reflection_write_notes(dialogue=dialogue, by=members[Role.STAFF], notes="順調。")
    dialogue.refresh_from_db()
    assert (dialogue.student_notes, dialogue.partner_notes, dialogue.coordinator_notes) == (
        "顧客の声を聞けた。",
        "溶け込みが早い。",
        "順調。",
    )
    with pytest.raises(ValidationError) as refused:
        meetings.reflection_write_notes(dialogue=dialogue, by=members[Role.FACULTY], notes="見ました。")
    assert refused.value.messages == ["振り返りの対話のメモを書けるのは、学生・連携先の担当者・事務局だけです。"]
    with pytest.raises(ValidationError) as refused:
        meetings.reflection_write_notes(dialogue=dialogue, by=members[Role.STUDENT], notes="  ")
    assert refused.value.message_dict == {"notes": ["メモを書いてください。"]}


def test_the_next_dialogue_follows_up_last_times_actions(active, members):
    staff = members[Role.STAFF]
    first = meetings.reflection_schedule(placement=active, by=staff, scheduled_at=jst(2026, 10, 1, 16))
    meetings.reflection_actions_save(
        dialogue=first, by=staff, new_actions=[("試作品のラフを作る", "student"), ("会場を探す", "coordinator")]
    )
    with pytest.raises(ValidationError) as refused:
        meetings.reflection_actions_save(dialogue=first, by=members[Role.STUDENT], new_actions=[("x", "student")])
    assert refused.value.messages == ["次のアクションを記録できるのは事務局だけです。"]
    rough, venue = ReflectionAction.objects.filter(dialogue=first).order_by("id")
    second = meetings.reflection_schedule(placement=active, by=staff, scheduled_at=jst(2026, 11, 1, 16))
    meetings.reflection_actions_save(
        dialogue=second,
        by=staff,
        follow_up={rough.pk: "done", venue.pk: "carried_over"},
        new_actions=[("販売テストを振り返る", "student")],
    )
    rough.refresh_from_db()
    venue.refresh_from_db()
    assert (rough.status, venue.status) == ("done", "carried_over")
    carried = list(ReflectionAction.objects.filter(dialogue=second).order_by("id").values_list("text", "carried_from"))
    assert carried == [("会場を探す", venue.pk), ("販売テストを振り返る", None)]
    with pytest.raises(ValidationError) as refused:
        meetings.reflection_actions_save(dialogue=second, by=staff, follow_up={rough.pk: "done"})
    assert refused.value.messages == ["「試作品のラフを作る」はすでに確認済みです。"]
    third = meetings.reflection_schedule(placement=active, by=staff, scheduled_at=jst(2026, 11, 15, 16))
    with pytest.raises(ValidationError) as refused:
        meetings.reflection_actions_save(dialogue=third, by=staff, follow_up={rough.pk: "done"})
    assert refused.value.messages == ["確認できるのは前回の対話のアクションだけです。"]
    entry = HistoryEntry.objects.filter(action="placement.reflection_actions").order_by("id")[1]
    assert entry.values == {"number": 2, "added": 1, "done": 1, "carried": 1}


def test_the_next_dialogue_is_due_by_the_programs_cadence(active, members, program):
    assert next_reflection_due(active, None) == datetime.date(2026, 10, 1)  # a month after the start
    first = meetings.reflection_schedule(placement=active, by=members[Role.STAFF], scheduled_at=jst(2026, 10, 20, 16))
    assert next_reflection_due(active, first) == datetime.date(2026, 11, 20)
    program.reflection_cadence = "biweekly"
    program.save()
    active.theme.program.refresh_from_db()
    assert next_reflection_due(active, first) == datetime.date(2026, 11, 3)
    due = reflections_to_schedule(Placement.objects.all(), datetime.date(2026, 11, 18))
    assert [p.pk for p in due] == [active.pk]
    assert reflections_to_schedule(Placement.objects.all(), datetime.date(2026, 11, 2)).count() == 0
    program.reflection_cadence = ""
    program.save()
    assert reflections_to_schedule(Placement.objects.all(), datetime.date(2026, 11, 18)).count() == 0


# --- Reminders: the deadline scan and the digest ----------------------------------------------


def _reminders(tenant):
    with scopes_disabled():
        return sorted(Reminder.objects.filter(tenant=tenant).values_list("key", "user__email"))


def test_due_dialogues_orientations_and_notes_reach_the_right_people(in_tenant, active, partner_user, members, program):
    staff_emails = sorted([members[Role.ADMIN].email, members[Role.STAFF].email])
    # Started 2026-09-01, monthly, no dialogue yet: due 2026-10-01, overdue on 2026-11-18.
    reminders.reminders_scan_tenant(tenant=in_tenant, today=datetime.date(2026, 11, 18))
    assert [email for key, email in _reminders(in_tenant) if key.startswith("reflection-due:")] == staff_emails
    assert all(
        key.endswith(("2026-10-01:" + str(members[Role.ADMIN].pk), "2026-10-01:" + str(members[Role.STAFF].pk)))
        for key, _email in _reminders(in_tenant)
        if key.startswith("reflection-due:")
    )
    # A dialogue held without the student's and the partner's notes: they are reminded.
    dialogue = meetings.reflection_schedule(
        placement=active, by=members[Role.STAFF], scheduled_at=jst(2026, 11, 17, 16)
    )
    meetings.reflection_write_notes(dialogue=dialogue, by=partner_user, notes="順調です。")
    reminders.reminders_scan_tenant(tenant=in_tenant, today=datetime.date(2026, 11, 18))
    notes = [(key, email) for key, email in _reminders(in_tenant) if key.startswith("reflection-notes:")]
    assert notes == [
        (f"reflection-notes:{dialogue.pk}:student:{members[Role.STUDENT].pk}", members[Role.STUDENT].email)
    ]
    # A second placement's orientation waits on the sides that have not confirmed.
    other = PlacementFactory(
        theme=active.theme, student=member(in_tenant, Role.STUDENT, email="s2@hokuriku.example.jp")
    )
    meetings.orientation_save(placement=other, by=members[Role.STAFF], **AGREED)
    meetings.orientation_confirm(placement=other, by=members[Role.STAFF])
    reminders.reminders_scan_tenant(tenant=in_tenant, today=datetime.date(2026, 11, 18))
    confirm = sorted(email for key, email in _reminders(in_tenant) if key.startswith("orientation-confirm:"))
    assert confirm == sorted(["s2@hokuriku.example.jp", partner_user.email])
    # A second scan adds nothing.
    assert reminders.reminders_scan_tenant(tenant=in_tenant, today=datetime.date(2026, 11, 18)) == 0


def test_no_orientation_reminder_where_none_is_required_or_recorded(in_tenant, partner, partner_user, members):
    """A program without the setting asks nobody to confirm an orientation that was never
    recorded; one the office records anyway waits on each side like a required one."""
    theme = ThemeFactory(
        tenant=in_tenant, partner=partner, program=ProgramFactory(tenant=in_tenant, orientation_required=False)
    )
    placement = PlacementFactory(theme=theme, student=members[Role.STUDENT], starts_on=datetime.date(2026, 9, 1))
    placement_transition(placement=placement, to="active", by=members[Role.STAFF])
    reminders.reminders_scan_tenant(tenant=in_tenant, today=datetime.date(2026, 11, 18))
    assert [key for key, _email in _reminders(in_tenant) if key.startswith("orientation-confirm:")] == []

    meetings.orientation_save(placement=placement, by=members[Role.STAFF], **AGREED)
    meetings.orientation_confirm(placement=placement, by=members[Role.STAFF])
    reminders.reminders_scan_tenant(tenant=in_tenant, today=datetime.date(2026, 11, 18))
    confirm = sorted(email for key, email in _reminders(in_tenant) if key.startswith("orientation-confirm:"))
    assert confirm == sorted([members[Role.STUDENT].email, partner_user.email])


def test_the_office_reads_a_due_dialogue_in_its_digest(in_tenant, active, members):
    reminders.reminders_scan_tenant(tenant=in_tenant, today=datetime.date(2026, 11, 18))
    mail.outbox.clear()
    assert reminders.digest_send(tenant=in_tenant, user=members[Role.STAFF], day=datetime.date(2026, 11, 18))
    (email,) = mail.outbox
    assert email.to == [members[Role.STAFF].email]
    assert f"振り返りの対話の時期です: {active}" in email.body
    assert f"/t/{in_tenant.slug}/placements/{active.pk}/reflections/new/" in email.body


@pytest.mark.parametrize("rows", [1, 3])
def test_the_meetings_deadline_scan_reads_a_fixed_number_of_queries(
    in_tenant, program, partner, partner_user, members, django_assert_num_queries, rows
):
    staff = members[Role.STAFF]
    for n in range(rows):
        placement = PlacementFactory(
            theme=ThemeFactory(tenant=in_tenant, program=program, partner=partner),
            student=member(in_tenant, Role.STUDENT),
            starts_on=datetime.date(2026, 9, 1),
        )
        meetings.orientation_save(placement=placement, by=staff, **AGREED)
        for person in (placement.student, partner_user, staff):
            meetings.orientation_confirm(placement=placement, by=person)
        placement_transition(placement=placement, to="active", by=staff)
        meetings.reflection_schedule(placement=placement, by=staff, scheduled_at=jst(2026, 10, 1 + n, 16))
        other = PlacementFactory(theme=placement.theme, student=member(in_tenant, Role.STUDENT))
        meetings.orientation_save(placement=other, by=staff, **AGREED)
    settings = reminders.deadline_settings_for(in_tenant)
    # staff; placements due with their program, student and partner; dialogues without the
    # student's notes, without the partner's; orientations waiting per side (3); partner people
    with django_assert_num_queries(8):
        due = list(meetings_due(in_tenant, settings, datetime.date(2026, 11, 18)))
    kinds = sorted({d.key.split(":")[0] for d in due})
    assert kinds == ["orientation-confirm", "reflection-due", "reflection-notes"]
    assert len([d for d in due if d.key.startswith("reflection-due:")]) == rows * 2  # admin and staff
