"""Every path of the theme forms, posted by the office: ThemeForm (each track, each refusal),
the theme ReasonForm with every state change (allowed and not), and publishing."""

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import HistoryEntry, Role
from placements.models import Theme

from ..factories import (
    PartnerFactory,
    PractitionerFacultyFactory,
    ProgramFactory,
    TermFactory,
    ThemeFactory,
    partner_person,
)
from .pages import post, shown, url

pytestmark = pytest.mark.django_db

STATE_JA = {
    "draft": "下書き",
    "agreed": "合意済み",
    "open": "募集中",
    "selecting": "選考中",
    "filled": "定員充足",
    "closed": "終了",
    "cancelled": "中止",
}


@pytest.fixture
def staff_client(client, members):
    client.force_login(members[Role.STAFF])
    return client


@pytest.fixture
def program(tenant):
    return ProgramFactory(tenant=tenant, min_months=4, max_months=12)


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


def theme_data(program, partner, **overrides):
    data = {
        "title": "工場データの分析による業務改善",
        "program": program.pk,
        "partner": partner.pk,
        "track": "project_theme",
        "description": "製造現場のデータを分析し、改善案を提案する。",
        "required_skills": "Python",
        "capacity": 2,
        "duration_months": 6,
        "pay": "時給 1,200円",
        "place": "金沢市",
    }
    data.update(overrides)
    return data


def themes():
    with scopes_disabled():
        return list(Theme.objects.order_by("id"))


@pytest.mark.parametrize("track", ["donated_course", "project_theme"])
def test_each_track_is_saved(staff_client, tenant, members, program, partner, track):
    term = TermFactory(program=program)
    practitioner = PractitionerFacultyFactory(contact__partner=partner)
    data = theme_data(program, partner, track=track, term=term.pk, practitioner=practitioner.pk)
    response = post(staff_client, url("theme_create", tenant), data)
    [theme] = themes()
    assert shown(response) == ["テーマを保存しました。"]
    assert (theme.track, theme.term, theme.practitioner, theme.state) == (track, term, practitioner, "draft")
    assert (theme.capacity, theme.duration_months, theme.created_by) == (2, 6, members[Role.STAFF])


def test_edit_changes_a_theme_whose_creator_left(staff_client, tenant, program, partner):
    theme = ThemeFactory(tenant=tenant, program=program, partner=partner, state="open", created_by=None)
    response = post(staff_client, url("theme_edit", tenant, pk=theme.pk), theme_data(program, partner, capacity=3))
    assert shown(response) == ["テーマを保存しました。"]
    theme.refresh_from_db()
    assert (theme.capacity, theme.state) == (3, "open")


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"duration_months": 3}, {"duration_months": ["このプログラムの就業期間は4〜12か月です。"]}),
        ({"duration_months": 13}, {"duration_months": ["このプログラムの就業期間は4〜12か月です。"]}),
        ({"capacity": 0}, {"capacity": ["この値は 1 以上でなければなりません。"]}),
        ({"track": "lecture"}, {"track": ["正しく選択してください。 lecture は候補にありません。"]}),
        (
            {"title": "", "description": ""},
            {"title": ["このフィールドは必須です。"], "description": ["このフィールドは必須です。"]},
        ),
    ],
)
def test_invalid_theme_input(staff_client, tenant, program, partner, overrides, errors):
    response = post(staff_client, url("theme_create", tenant), theme_data(program, partner, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert themes() == []


def test_a_term_of_another_program_is_refused(staff_client, tenant, program, partner):
    other_term = TermFactory(program__tenant=tenant)
    response = post(staff_client, url("theme_create", tenant), theme_data(program, partner, term=other_term.pk))
    assert response.context["form"].errors == {"term": ["選んだプログラムの期を選んでください。"]}
    assert themes() == []


def test_a_practitioner_of_another_partner_is_refused(staff_client, tenant, program, partner):
    practitioner = PractitionerFacultyFactory(contact__partner__tenant=tenant)
    response = post(
        staff_client, url("theme_create", tenant), theme_data(program, partner, practitioner=practitioner.pk)
    )
    assert response.context["form"].errors == {"practitioner": ["実務家教員はテーマの連携先の人でなければなりません。"]}
    assert themes() == []


def test_inactive_or_foreign_choices_are_refused(staff_client, tenant, other_tenant, program, partner):
    inactive_program = ProgramFactory(tenant=tenant, is_active=False)
    foreign_partner = PartnerFactory(tenant=other_tenant)
    response = post(
        staff_client,
        url("theme_create", tenant),
        {**theme_data(program, partner), "program": inactive_program.pk, "partner": foreign_partner.pk},
    )
    assert response.context["form"].errors == {
        "program": ["正しく選択してください。選択したものは候補にありません。"],
        "partner": ["正しく選択してください。選択したものは候補にありません。"],
    }
    assert themes() == []


# --- Every state change ----------------------------------------------------------------


ALLOWED = [(start, to) for start, targets in Theme.TRANSITIONS.items() for to in sorted(targets)]
REFUSED = [
    (start, to)
    for start in Theme.State.values
    for to in Theme.State.values
    if to != start and to not in Theme.TRANSITIONS[start]
]


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_each_allowed_change(staff_client, tenant, start, to):
    theme = ThemeFactory(tenant=tenant, state=start)
    response = post(staff_client, url("theme_transition", tenant, pk=theme.pk, state=to), {"note": "連携先と協議済み"})
    assert shown(response) == [f"テーマの状態を「{STATE_JA[to]}」にしました。"]
    theme.refresh_from_db()
    assert theme.state == to
    with scopes_disabled():
        entry = HistoryEntry.objects.get(object_id=theme.pk, action=f"theme.{to}")
    assert (entry.from_state, entry.to_state, entry.note) == (start, to, "連携先と協議済み")


@pytest.mark.parametrize(("start", "to"), [*REFUSED, ("open", "published")])
def test_each_refused_change(staff_client, tenant, start, to):
    theme = ThemeFactory(tenant=tenant, state=start)
    response = post(staff_client, url("theme_transition", tenant, pk=theme.pk, state=to))
    assert shown(response) == [f"「{STATE_JA[start]}」から「{STATE_JA.get(to, to)}」には変更できません。"]
    theme.refresh_from_db()
    assert theme.state == start


@pytest.mark.parametrize("to", ["agreed", "open", "cancelled"])
def test_the_partner_hears_of_agreement_opening_and_cancellation(
    staff_client, tenant, to, django_capture_on_commit_callbacks
):
    start = {"agreed": "draft", "open": "agreed", "cancelled": "open"}[to]
    theme = ThemeFactory(tenant=tenant, state=start)
    person = partner_person(theme.partner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(staff_client, url("theme_transition", tenant, pk=theme.pk, state=to), {"note": "ご確認ください"})
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_leaving_recruitment_leaves_the_public_index(staff_client, tenant):
    theme = ThemeFactory(tenant=tenant, state="selecting", is_public=True)
    post(staff_client, url("theme_transition", tenant, pk=theme.pk, state="filled"))
    theme.refresh_from_db()
    assert (theme.state, theme.is_public) == ("filled", False)


@pytest.mark.parametrize(
    ("state", "public", "message", "is_public"),
    [
        ("open", "1", "テーマを公開プロジェクト一覧に掲載しました。", True),
        ("selecting", "1", "テーマを公開プロジェクト一覧に掲載しました。", True),
        ("draft", "1", "公開できるのは募集中のテーマだけです。", False),
        ("filled", "1", "公開できるのは募集中のテーマだけです。", False),
        ("open", "0", "テーマを公開一覧から外しました。", False),
    ],
)
def test_publishing(staff_client, tenant, state, public, message, is_public):
    theme = ThemeFactory(tenant=tenant, state=state, is_public=public == "0")
    response = post(staff_client, url("theme_publish", tenant, pk=theme.pk), {"public": public})
    assert shown(response) == [message]
    theme.refresh_from_db()
    assert theme.is_public is is_public


@pytest.mark.parametrize("role", [Role.FACULTY, Role.PARTNER, Role.STUDENT])
def test_only_the_office_changes_themes(client, tenant, members, role):
    theme = ThemeFactory(tenant=tenant, state="draft")
    client.force_login(members[role])
    assert post(client, url("theme_transition", tenant, pk=theme.pk, state="agreed")).status_code == 403
    # A partner person edits drafts of their own partner only: another partner's is not even
    # there for them (tests/placements/test_themes_together.py).
    refused = 404 if role == Role.PARTNER else 403
    assert post(client, url("theme_edit", tenant, pk=theme.pk), {"title": "x"}).status_code == refused
    theme.refresh_from_db()
    assert theme.state == "draft"
