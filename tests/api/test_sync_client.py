"""Done when: a client of the published schema, here plain `requests` against a live server,
syncs students, reads placements and writes outcomes; the schema validates."""

import pytest
import requests
from django_scopes import scopes_disabled
from openapi_spec_validator import validate

from coop import services as coop_services
from coop.models import Invitation, Membership, Role
from placements.models import CareerOutcome, Placement

from ..clock import at
from ..factories import PlacementFactory, ThemeFactory, UserFactory, students_bulk
from .conftest import auth, make_token

pytestmark = [at(2026, 11, 18, 10), pytest.mark.django_db(transaction=True)]


def _pages(session, url, **params):
    """Every row of a list, following next_cursor."""
    rows, cursor = [], None
    while True:
        body = session.get(url, params={**params, **({"cursor": cursor} if cursor else {})}, timeout=10).json()
        rows += body["results"]
        cursor = body["next_cursor"]
        if cursor is None:
            return rows


def test_a_student_record_system_syncs_students_reads_placements_and_writes_outcomes(live_server, tenant, settings):
    # The invitation emails go out inside each request, not after it: the test reads the same
    # SQLite database from its own thread as soon as a response arrives.
    settings.TASKS_AFTER_RESPONSE = False
    base = f"{live_server.url}/api/v1"
    schema = requests.get(f"{base}/schema/", params={"format": "json"}, timeout=10)
    assert schema.status_code == 200
    spec = schema.json()
    validate(spec)
    assert {"/api/v1/students/bulk/", "/api/v1/placements/", "/api/v1/placements/{id}/outcome/"} <= set(spec["paths"])

    raw = make_token(tenant, ["students:read", "students:write", "placements:read", "outcomes:write"])
    session = requests.Session()  # one connection kept alive, as a sync job would
    session.headers.update(auth(raw))

    # 1. The student-record system sends its 30 students in pages of 10.
    records = [
        {"student_number": f"K{i:04}", "email": f"k{i:04}@student.example.jp", "name_kana": f"ガクセイ {i}"}
        for i in range(30)
    ]
    for start in range(0, 30, 10):
        response = session.post(f"{base}/students/bulk/", json={"students": records[start : start + 10]}, timeout=10)
        assert response.status_code == 200
        assert {r["result"] for r in response.json()["results"]} == {"created"}
    with scopes_disabled():
        invitations = {i.student_number: i for i in Invitation.objects.filter(tenant=tenant)}
        assert len(invitations) == 30
        # Ten of them accept their invitation and join.
        for i in range(10):
            invitation = invitations[f"K{i:04}"]
            coop_services.invitation_accept(invitation=invitation, user=UserFactory(email=invitation.email))

    # 2. The next night's run changes one name; the rest is unchanged.
    records[3]["name_kana"] = "カイメイ"
    results = session.post(f"{base}/students/bulk/", json={"students": records[:10]}, timeout=10).json()["results"]
    assert [r["result"] for r in results].count("updated") == 1 and results[3]["status"] == "member"
    joined = _pages(session, f"{base}/students/", limit=4)
    assert sorted(r["student_number"] for r in joined) == [f"K{i:04}" for i in range(10)]
    assert {r["student_number"]: r["name_kana"] for r in joined}["K0003"] == "カイメイ"

    # 3. It reads the placements page by page.
    theme = ThemeFactory(tenant=tenant)
    students = students_bulk(tenant, 5, prefix="p")
    made = [PlacementFactory(theme=theme, student=s, state=Placement.State.COMPLETED) for s in students]
    placements = _pages(session, f"{base}/placements/", limit=2)
    assert sorted(p["id"] for p in placements) == sorted(p.pk for p in made)
    assert {p["student_number"] for p in placements} == {f"Sp{i:04}" for i in range(5)}

    # 4. It writes the career outcomes, once each even when a retry repeats the request.
    for placement in placements:
        for _attempt in range(2):
            response = session.put(
                f"{base}/placements/{placement['id']}/outcome/",
                json={"hired_in_japan": True, "stayed_in_region": placement["id"] % 2 == 0},
                headers={"Idempotency-Key": f"outcome-{placement['id']}"},
                timeout=10,
            )
            assert response.status_code == 200
    with scopes_disabled():
        outcomes = CareerOutcome.objects.filter(tenant=tenant)
        assert outcomes.count() == 5 and all(o.hired_in_japan for o in outcomes)

    # A read-only permission is not enough to write.
    refused = session.get(f"{base}/outcomes/", timeout=10)
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/problem+json"
    with scopes_disabled():
        assert Membership.objects.filter(tenant=tenant, role=Role.STUDENT).count() == 15
