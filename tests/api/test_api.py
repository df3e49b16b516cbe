"""The API for student-record systems: students by number, lists by cursor, idempotent writes,
problem+json errors, the token's log and rate limit, outcomes and term summaries."""

import datetime
import json

import pytest
from django.core import mail
from django.test.utils import override_settings
from django.urls import reverse
from django_scopes import scopes_disabled
from openapi_spec_validator import validate

from api.models import ApiRequestLog, ApiToken, IdempotentWrite
from coop import services as coop_services
from coop.models import Invitation, Membership, Role
from coop.tokens import hash_token
from placements.models import CareerOutcome, Placement
from reports.models import DailyReport, Evaluation, EvaluationForm, MonthlyReport, PlacementResult

from ..clock import at, jst
from ..factories import (
    PartnerFactory,
    PlacementFactory,
    ProgramFactory,
    TermFactory,
    ThemeFactory,
    UserFactory,
    member,
    students_bulk,
)
from .conftest import auth, make_token

pytestmark = [at(2026, 11, 18, 10), pytest.mark.django_db]

STUDENTS = reverse("api:students")


def student_url(number):
    return reverse("api:student", kwargs={"student_number": number})


def _invitations(tenant, **filters):
    with scopes_disabled():
        return list(Invitation.objects.filter(tenant=tenant, **filters))


# --- students --------------------------------------------------------------------------------


def test_a_new_student_number_invites_the_student_and_joining_puts_the_number_on_the_membership(
    api, tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.put(student_url("S2026001"), {"email": "Hanako@Example.jp", "name_kana": "ハナコ"})
    assert response.status_code == 201
    assert response.json() == {"student_number": "S2026001", "result": "created", "status": "invited", "errors": {}}
    [invitation] = _invitations(tenant, accepted_at__isnull=True)
    assert (invitation.email, invitation.role, invitation.student_number, invitation.name_kana) == (
        "hanako@example.jp",
        Role.STUDENT,
        "S2026001",
        "ハナコ",
    )
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"]]

    assert api.get(student_url("S2026001")).json()["status"] == "invited"
    user = UserFactory(email="hanako@example.jp")
    with scopes_disabled():
        membership = coop_services.invitation_accept(invitation=invitation, user=user)
    assert (membership.role, membership.student_number, membership.name_kana) == (Role.STUDENT, "S2026001", "ハナコ")

    again = api.put(student_url("S2026001"), {"email": "hanako@example.jp", "name_kana": "ハナコ"})
    assert again.json()["result"] == "unchanged"
    changed = api.put(student_url("S2026001"), {"email": "hanako@example.jp", "name_kana": "ヤマダ ハナコ"})
    assert changed.status_code == 200
    assert changed.json() == {"student_number": "S2026001", "result": "updated", "status": "member", "errors": {}}
    detail = api.get(student_url("S2026001")).json()
    assert detail["member"]["name_kana"] == "ヤマダ ハナコ"
    assert detail["member"]["email"] == "hanako@example.jp"


def test_a_member_without_a_number_gets_it_and_inactive_removes_access(api, tenant):
    user = member(tenant, Role.STUDENT, email="taro@example.jp")
    response = api.put(student_url("S1"), {"email": "taro@example.jp", "name_kana": "タロウ"})
    assert response.json()["status"] == "member"
    response = api.put(student_url("S1"), {"email": "taro@example.jp", "is_active": False})
    assert response.json() == {"student_number": "S1", "result": "updated", "status": "inactive", "errors": {}}
    with scopes_disabled():
        membership = Membership.objects.get(user=user)
    assert (membership.student_number, membership.name_kana, membership.is_active) == ("S1", "タロウ", False)
    assert _invitations(tenant) == []


def test_an_address_of_a_member_with_another_number_is_refused_by_field(api, tenant):
    user = member(tenant, Role.STUDENT, email="jiro@example.jp")
    with scopes_disabled():
        Membership.objects.filter(user=user).update(student_number="S9")
    response = api.put(student_url("S10"), {"email": "jiro@example.jp"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"email": "このメールアドレスは、別の学籍番号のメンバーのものです。"}


def test_bulk_sync_reports_each_student_and_an_invalid_one_stops_no_other(api, tenant):
    response = api.post(
        reverse("api:students_bulk"),
        {
            "students": [
                {"student_number": "A1", "email": "a1@example.jp"},
                {"student_number": "A2", "email": "a2@example.jp", "name_kana": "エーツー"},
            ]
        },
    )
    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == ["created", "created"]
    assert sorted(i.student_number for i in _invitations(tenant)) == ["A1", "A2"]

    bad = api.post(reverse("api:students_bulk"), {"students": [{"student_number": "A3", "email": "not-an-address"}]})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"students": {"0": {"email": ["有効なメールアドレスを入力してください。"]}}}


def test_a_changed_address_for_a_pending_number_replaces_the_invitation(api, tenant):
    api.put(student_url("B1"), {"email": "old@example.jp"})
    api.put(student_url("B1"), {"email": "new@example.jp"})
    pending = _invitations(tenant, revoked_at__isnull=True)
    assert [(i.email, i.student_number) for i in pending] == [("new@example.jp", "B1")]


def test_an_unknown_student_number_is_404_as_problem_json(api):
    response = api.get(student_url("NOPE"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


# --- lists: cursor, updated_since, queries ---------------------------------------------------


def test_students_page_by_cursor_in_change_order_and_sync_incrementally(api, tenant, travel):
    students_bulk(tenant, 5)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get(STUDENTS, **params).json()
        seen += [row["student_number"] for row in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    with scopes_disabled():
        numbers = list(
            Membership.objects.filter(tenant=tenant, role=Role.STUDENT)
            .order_by("updated_at", "id")
            .values_list("student_number", flat=True)
        )
    assert seen == numbers and len(seen) == 5

    travel(jst(2026, 11, 19, 9))
    api.put(student_url(numbers[2]), {"email": "x@example.jp", "name_kana": "カワッタ"})
    since = api.get(STUDENTS, updated_since="2026-11-19T00:00:00+09:00").json()
    assert [row["student_number"] for row in since["results"]] == [numbers[2]]
    assert since["results"][0]["name_kana"] == "カワッタ"


def test_a_forged_cursor_and_a_bad_date_are_400(api):
    assert api.get(STUDENTS, cursor="not-ours").json()["detail"].startswith("cursor:")
    response = api.get(STUDENTS, updated_since="yesterday")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("updated_since:")


@pytest.mark.parametrize("rows", [2, 20])
def test_students_list_queries_do_not_grow_with_rows(api, tenant, rows, django_assert_num_queries):
    students_bulk(tenant, rows)
    # tenant by slug, token, the page, the request log
    with django_assert_num_queries(4):
        response = api.get(STUDENTS, limit=100)
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_placements_list_queries_do_not_grow_with_rows(api, tenant, rows, django_assert_num_queries):
    theme = ThemeFactory(tenant=tenant)
    students = students_bulk(tenant, rows)
    for student in students:
        PlacementFactory(theme=theme, student=student)
    with django_assert_num_queries(4):
        response = api.get(reverse("api:placements"))
    results = response.json()["results"]
    assert len(results) == rows
    assert sorted(r["student_number"] for r in results) == [f"Sbulk{i:04}" for i in range(rows)]


# --- errors, languages, idempotency, log, rate --------------------------------------------------


def test_errors_are_problem_json_in_japanese_or_english(client, tenant):
    response = client.get(STUDENTS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["title"] == "APIトークンがありません。"
    english = client.get(STUDENTS, headers={"Accept-Language": "en"})
    assert english.json()["title"] == "The API token is missing."


def test_the_same_idempotency_key_replays_and_another_body_is_422(api, tenant):
    key = {"Idempotency-Key": "sync-2026-11-18-0001"}
    first = api.put(student_url("C1"), {"email": "c1@example.jp"}, headers=key)
    replay = api.put(student_url("C1"), {"email": "c1@example.jp"}, headers=key)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    assert len(_invitations(tenant)) == 1
    other = api.put(student_url("C1"), {"email": "other@example.jp"}, headers=key)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    with scopes_disabled():
        assert IdempotentWrite.objects.filter(tenant=tenant).count() == 1


def test_every_use_of_a_token_is_logged(api, tenant):
    api.get(STUDENTS)
    api.get(student_url("NONE"))
    with scopes_disabled():
        log = list(ApiRequestLog.objects.filter(tenant=tenant).order_by("id").values_list("method", "path", "status"))
    assert log == [("GET", STUDENTS, 200), ("GET", student_url("NONE"), 404)]


@override_settings(API_RATE_PER_MINUTE=2)
def test_a_token_over_its_rate_gets_429_with_retry_after(api):
    assert [api.get(reverse("api:ping")).status_code for _ in range(2)] == [200, 200]
    refused = api.get(reverse("api:ping"))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"  # 10:00:00 sharp: the whole minute
    assert refused.json()["code"] == "throttled"


def test_a_revoked_or_expired_token_is_401(client, tenant, travel):
    raw = make_token(tenant, expires_on=datetime.date(2026, 11, 30))
    assert client.get(reverse("api:ping"), headers=auth(raw)).status_code == 200
    travel(jst(2026, 12, 1, 0, 1))
    assert client.get(reverse("api:ping"), headers=auth(raw)).json()["code"] == "authentication_failed"
    raw2 = make_token(tenant, expires_on=datetime.date(2026, 12, 31))
    with scopes_disabled():
        ApiToken.objects.filter(token_hash=hash_token(raw2)).update(revoked_at=jst(2026, 12, 1, 0, 2))
    response = client.get(reverse("api:ping"), headers=auth(raw2))
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")


# --- outcomes, reports, summaries -----------------------------------------------------------


def test_outcomes_are_written_through_the_placement_service(api, tenant):
    placement = PlacementFactory(theme=ThemeFactory(tenant=tenant))
    url = reverse("api:placement_outcome", kwargs={"pk": placement.pk})
    refused = api.put(url, {"hired_by_partner": True})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "進路は就業が終わってから記録します。"
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(state=Placement.State.COMPLETED)
    response = api.put(url, {"hired_by_partner": True, "stayed_in_region": True})
    assert response.status_code == 200
    with scopes_disabled():
        outcome = CareerOutcome.objects.get(placement=placement)
    assert (outcome.hired_by_partner, outcome.stayed_in_region, outcome.offer_received) == (True, True, False)
    assert [row["placement"] for row in api.get(reverse("api:outcomes")).json()["results"]] == [placement.pk]


def test_term_summary_has_the_sections_of_the_page(api, tenant):
    term = TermFactory(program=ProgramFactory(tenant=tenant))
    response = api.get(reverse("api:term_summary", kwargs={"pk": term.pk}))
    assert response.status_code == 200
    body = response.json()
    assert body["term"]["id"] == term.pk
    assert body["sections"] and all({"key", "title", "columns", "rows"} <= set(s) for s in body["sections"])


def test_the_schema_validates_and_the_docs_page_loads_swagger_from_static(client):
    schema = client.get(reverse("api:schema"), headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    validate(json.loads(schema.content))
    docs = client.get(reverse("api:docs"))
    assert b"vendor/swagger-ui/swagger-ui-bundle.js" in docs.content
    assert b"<script>" not in docs.content


def _rows_of(kind, tenant, n):
    """n rows of one list, in `tenant`."""
    with scopes_disabled():
        if kind == "api:partners":
            for i in range(n):
                PartnerFactory(tenant=tenant, name=f"企業 {i}")
            return
        if kind == "api:themes":
            for _ in range(n):
                ThemeFactory(tenant=tenant)
            return
        if kind == "api:terms":
            program = ProgramFactory(tenant=tenant)
            for i in range(n):
                TermFactory(program=program, name=f"{2000 + i}年度")
            return
        theme = ThemeFactory(tenant=tenant)
        form = EvaluationForm.default_for(tenant)
        form.save()
        for student in students_bulk(tenant, n):
            placement = PlacementFactory(theme=theme, student=student, state=Placement.State.COMPLETED)
            if kind == "api:daily_reports":
                DailyReport.objects.create(tenant=tenant, placement=placement, date=datetime.date(2026, 10, 1))
            elif kind == "api:monthly_reports":
                MonthlyReport.objects.create(tenant=tenant, placement=placement, month=datetime.date(2026, 10, 1))
            elif kind == "api:evaluations":
                Evaluation.objects.create(
                    tenant=tenant, placement=placement, kind="faculty", form=form, state=Evaluation.State.SUBMITTED
                )
            elif kind == "api:results":
                PlacementResult.objects.create(tenant=tenant, placement=placement, grade="A")
            elif kind == "api:outcomes":
                CareerOutcome.objects.create(tenant=tenant, placement=placement)


LISTS = [
    "api:partners",
    "api:themes",
    "api:daily_reports",
    "api:monthly_reports",
    "api:evaluations",
    "api:results",
    "api:outcomes",
    "api:terms",
]


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.parametrize("name", LISTS)
def test_every_list_reads_its_page_in_one_query(api, tenant, name, rows, django_assert_num_queries):
    _rows_of(name, tenant, rows)
    # tenant by slug, token, the page, the request log
    with django_assert_num_queries(4):
        response = api.get(reverse(name))
    assert len(response.json()["results"]) == rows
