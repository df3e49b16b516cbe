"""The API for student-record systems (issue 14), through the full middleware stack:

- a 10,000-student sync by the bulk endpoint in pages of 500: the first run that gives seeded
  students their numbers, the nightly re-run with nothing changed, a run that changes every kana,
  and 1,000 new students (invited by email): seconds and queries per page;
- list throughput (page 1 of 100 rows, and a page deep in by cursor) as a ratio to the bare
  /api/v1/ping/ (which pays only for the token, the rate limit and the request log).
"""

import json
import statistics
import time

from .lists import measure

SYNC = 10_000
NEW = 1_000
PAGE = 500
PREFIX = "BENCH"


def _records(count, *, kana="", new=False):
    if new:
        return [
            {"student_number": f"{PREFIX}N{i:05}", "email": f"api-new-{i}@bench.example.jp", "name_kana": "シンニュウ"}
            for i in range(count)
        ]
    return [
        {"student_number": f"{PREFIX}{i:06}", "email": f"large-student-{i}@bench.example.jp", "name_kana": kana}
        for i in range(count)
    ]


def _sync(client, records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds, queries, results = [], [], {}
    for start in range(0, len(records), PAGE):
        body = json.dumps({"students": records[start : start + PAGE]})
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.post("/api/v1/students/bulk/", body, content_type="application/json")
            seconds.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
        queries.append(len(captured))
        for row in response.json()["results"]:
            results[row["result"]] = results.get(row["result"], 0) + 1
    return {
        "students": len(records),
        "pages": len(seconds),
        "total_s": round(sum(seconds), 2),
        "page_p50_ms": round(statistics.median(seconds) * 1000, 1),
        "page_max_ms": round(max(seconds) * 1000, 1),
        "queries_per_page": sorted(set(queries)),
        "results": results,
    }


def scenario_api(tenant, seconds):
    import datetime

    from django.test import Client
    from django.test.utils import override_settings
    from django_scopes import scopes_disabled

    from api.scopes import SCOPES
    from api.services import api_token_create
    from coop.models import Invitation, Membership, Role

    with scopes_disabled():
        admin = Membership.objects.filter(tenant=tenant, role=Role.STAFF).select_related("user").first()
        admin.role = Role.ADMIN  # the bench's token maker
        admin.save(update_fields=["role"])
        # Repeatable: the bench database is kept between runs.
        Membership.objects.filter(tenant=tenant, student_number__startswith=PREFIX).update(
            student_number="", name_kana=""
        )
        Invitation.objects.filter(tenant=tenant, email__startswith="api-new-").delete()
        _token, raw = api_token_create(
            tenant=tenant,
            by=admin.user,
            name="bench",
            scopes=SCOPES,
            expires_on=datetime.date.today() + datetime.timedelta(days=30),
        )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    results = {}
    with override_settings(API_RATE_PER_MINUTE=1_000_000):
        results["sync_first_numbers"] = _sync(client, _records(SYNC))
        results["sync_unchanged"] = _sync(client, _records(SYNC))
        results["sync_kana_changed"] = _sync(client, _records(SYNC, kana="ベンチ"))
        results["sync_new_invited"] = _sync(client, _records(NEW, new=True))

        ping = measure(client, "/api/v1/ping/", seconds=seconds)
        results["ping"] = ping
        for label, url in (
            ("students_page_1", "/api/v1/students/?limit=100"),
            ("placements_page_1", "/api/v1/placements/?limit=100"),
            ("partners_page_1", "/api/v1/partners/?limit=100"),
            ("monthly_reports_page_1", "/api/v1/reports/monthly/?limit=100"),
        ):
            figures = measure(client, url, seconds=seconds)
            figures["ratio_to_ping"] = round(figures["rps"] / ping["rps"], 3)
            results[label] = figures
        # a page deep in: the cursor after 5,000 placements
        cursor, url = None, "/api/v1/placements/?limit=500"
        for _ in range(10):
            cursor = client.get(url + (f"&cursor={cursor}" if cursor else "")).json()["next_cursor"]
        deep = measure(client, f"/api/v1/placements/?limit=100&cursor={cursor}", seconds=seconds)
        deep["ratio_to_ping"] = round(deep["rps"] / ping["rps"], 3)
        results["placements_after_5000"] = deep
    return results


SCENARIOS = {"api": scenario_api}
