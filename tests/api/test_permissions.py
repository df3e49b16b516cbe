"""The API's permission matrix: every endpoint x token scope x tenant.

For each endpoint: no token, a revoked token and an expired token -> 401; a token with every
permission but the endpoint's -> 403; a token with only the endpoint's permission -> success;
a token of another tenant (with every permission) -> 404 for an object of this tenant, and
none of this tenant's rows in a list. The API is outside /t/<slug>/ (the tenant comes from the
token), so tests/test_permissions.py leaves every `api:` URL to this module, and
test_every_api_url_is_in_the_matrix keeps it complete."""

import datetime
import json
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled

from api.models import ApiToken
from api.scopes import SCOPES
from coop.models import Membership, Role
from coop.tokens import hash_token
from placements.models import CareerOutcome, Placement
from reports.models import DailyReport, Evaluation, EvaluationForm, MonthlyReport, PlacementResult

from ..clock import at, jst
from ..factories import PlacementFactory, ProgramFactory, TermFactory, ThemeFactory, member
from ..test_permissions import _all_url_names
from .conftest import auth, make_token

pytestmark = [at(2026, 11, 18, 10), pytest.mark.django_db]


@dataclass
class Endpoint:
    name: str
    method: str
    scope: str | None  # None: any valid token
    kwargs: callable = None  # objects -> URL kwargs naming this tenant's object
    data: dict = field(default_factory=dict)
    success: int = 200
    other_tenant: int = None  # a token of another tenant: 404 for an object, else the list's status


def _student(objects):
    return {"student_number": objects["student_number"]}


def _placement(objects):
    return {"pk": objects["placement"].pk}


def _term(objects):
    return {"pk": objects["term"].pk}


ENDPOINTS = [
    Endpoint("api:ping", "GET", None),
    Endpoint("api:students", "GET", "students:read"),
    Endpoint("api:student", "GET", "students:read", _student),
    # An upsert: another tenant's token writes a student of its own tenant (checked below).
    Endpoint("api:student", "PUT", "students:write", _student, {"email": "s-a1@example.jp"}, 200, 201),
    Endpoint(
        "api:students_bulk",
        "POST",
        "students:write",
        data={"students": [{"student_number": "N1", "email": "n1@example.jp"}]},
    ),
    Endpoint("api:partners", "GET", "partners:read"),
    Endpoint("api:themes", "GET", "themes:read"),
    Endpoint("api:placements", "GET", "placements:read"),
    Endpoint("api:placement", "GET", "placements:read", _placement),
    Endpoint("api:placement_outcome", "GET", "outcomes:read", _placement),
    Endpoint("api:placement_outcome", "PUT", "outcomes:write", _placement, {"hired_in_japan": True}),
    Endpoint("api:daily_reports", "GET", "reports:read"),
    Endpoint("api:monthly_reports", "GET", "reports:read"),
    Endpoint("api:evaluations", "GET", "evaluations:read"),
    Endpoint("api:results", "GET", "evaluations:read"),
    Endpoint("api:outcomes", "GET", "outcomes:read"),
    Endpoint("api:terms", "GET", "summaries:read"),
    Endpoint("api:term_summary", "GET", "summaries:read", _term),
]
# Public: the schema and its documentation page show the API's shape, no data.
PUBLIC = {"api:schema", "api:docs"}


def test_every_api_url_is_in_the_matrix():
    api_names = {name for name in _all_url_names() if name.startswith("api:")}
    assert api_names == {e.name for e in ENDPOINTS} | PUBLIC


@pytest.fixture
def objects(tenant):
    with scopes_disabled():
        student = member(tenant, Role.STUDENT, email="s-a1@example.jp")
        Membership.objects.filter(user=student).update(student_number="S-A1")
        term = TermFactory(program=ProgramFactory(tenant=tenant))
        placement = PlacementFactory(
            theme=ThemeFactory(tenant=tenant, program=term.program), student=student, state=Placement.State.COMPLETED
        )
        # one row for each list to show
        MonthlyReport.objects.create(tenant=tenant, placement=placement, month=datetime.date(2026, 10, 1))
        DailyReport.objects.create(tenant=tenant, placement=placement, date=datetime.date(2026, 10, 1), hours=8)
        form = EvaluationForm.default_for(tenant)
        form.save()
        Evaluation.objects.create(
            tenant=tenant, placement=placement, kind="faculty", form=form, state=Evaluation.State.SUBMITTED
        )
        PlacementResult.objects.create(tenant=tenant, placement=placement, grade="A")
        CareerOutcome.objects.create(tenant=tenant, placement=placement)
    return {"student_number": "S-A1", "placement": placement, "term": term}


def _call(client, endpoint, kwargs, raw):
    url = reverse(endpoint.name, kwargs=kwargs)
    headers = auth(raw) if raw else {}
    with transaction.atomic():
        if endpoint.method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.generic(
                endpoint.method, url, json_body(endpoint.data), content_type="application/json", headers=headers
            )
        transaction.set_rollback(True)
    return response


def json_body(data):
    return json.dumps(data)


def _label(endpoint):
    return f"{endpoint.method} {endpoint.name}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_label)
def test_endpoint_permissions(subtests, client, tenant, other_tenant, objects, endpoint):
    kwargs = endpoint.kwargs(objects) if endpoint.kwargs else {}
    everything = make_token(tenant)

    with subtests.test(who="no token"):
        response = _call(client, endpoint, kwargs, None)
        assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")

    with subtests.test(who="a token with only the endpoint's permission"):
        only = make_token(tenant, [endpoint.scope] if endpoint.scope else ["students:read"])
        response = _call(client, endpoint, kwargs, only)
        assert response.status_code == endpoint.success, response.content
        body = response.json()
        if "results" in body and endpoint.name != "api:students_bulk":
            assert body["results"], f"{_label(endpoint)} lists nothing of its own tenant"

    if endpoint.scope:
        with subtests.test(who="a token with every permission but the endpoint's"):
            others = make_token(tenant, [s for s in SCOPES if s != endpoint.scope])
            response = _call(client, endpoint, kwargs, others)
            assert response.status_code == 403
            assert response.json()["detail"] == f"このトークンには権限 {endpoint.scope} がありません。"

    with subtests.test(who="a revoked token"):
        with scopes_disabled():
            ApiToken.objects.filter(token_hash=hash_token(everything)).update(revoked_at=jst(2026, 11, 1))
        response = _call(client, endpoint, kwargs, everything)
        assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")

    with subtests.test(who="an expired token"):
        expired = make_token(tenant)
        with scopes_disabled():
            ApiToken.objects.filter(token_hash=hash_token(expired)).update(expires_at=jst(2026, 11, 18, 9))
        response = _call(client, endpoint, kwargs, expired)
        assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")

    with subtests.test(who="a token of another tenant"):
        foreign = make_token(other_tenant)
        response = _call(client, endpoint, kwargs, foreign)
        expected = endpoint.other_tenant or (404 if endpoint.kwargs else endpoint.success)
        assert response.status_code == expected, response.content
        body = response.json()
        if expected == 404:
            assert body["code"] == "not_found"
        elif "results" in body and endpoint.name != "api:students_bulk":
            assert body["results"] == []
        if endpoint.name == "api:student":  # wrote its own tenant's student, not this one's
            with scopes_disabled():
                assert Membership.objects.get(tenant=tenant, student_number="S-A1").user.email == "s-a1@example.jp"
