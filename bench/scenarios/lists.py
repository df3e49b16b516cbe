"""Every list page at the large tenant (issue 15): page 1, a deep page (`?page=N`) and a search
for one student by name and by email (`?q=`), through the full middleware stack as staff.

Each figure is the page's throughput as a ratio to the tenant's help page measured in the same
run (target: at least 0.15), its p50 and p95, and the size of the page (target: under 150 kB).
Pages that do not page or search yet ignore the parameters and answer with their whole list.
The pages kept in the cache while the tenant's records are unchanged (compliance, the month's
overview) are measured warm (as above) and cold: page 1 right after a change to the records.
"""

import statistics
import time

from .web import requests_per_second

DEEP_PAGE = 100  # rows 4,951-5,000 at 50 a page
STUDENT = 12_345  # `student 12345`, large-student-12345@bench.example.jp (seeded by bench.seed)

# Kept in the cache while the tenant's placement and report records are unchanged.
CACHED = {"compliance", "daily reports"}
# (label, URL name, query string of the plain list)
LISTS = [
    ("placements", "placements:placement_list", ""),
    ("themes", "placements:theme_list", ""),
    ("partners", "placements:partner_list", ""),
    ("applications", "placements:application_list", ""),
    ("members (students)", "coop:members", "role=student"),
    ("invitations", "coop:invitations", ""),
    ("agreements", "placements:agreement_list", ""),
    ("compliance", "reports:compliance", ""),
    ("daily reports", "reports:overview", ""),
    ("monthly reports", "reports:monthly_list", ""),
    ("evaluations", "reports:evaluation_list", ""),
    ("links", "reports:link_list", ""),
    ("presentations", "reports:presentation_list", ""),
    ("rubric windows", "rubrics:window_list", ""),
    ("exports history", "coop:exports", ""),
    ("imports history", "placements:import_start", ""),
]


def _p(timings, q):
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(client, url, *, seconds, least=3, most=500, before=None):
    """Requests `url` for `seconds` (at least `least` times): requests/s, p50, p95, size.
    `before()` runs ahead of each request, untimed."""
    first = client.get(url)
    if first.status_code != 200:
        return {"status": first.status_code}
    size = len(first.content)
    timings = []
    started = time.perf_counter()
    untimed = 0.0
    while len(timings) < most and (len(timings) < least or time.perf_counter() - started - untimed < seconds):
        if before is not None:
            t0 = time.perf_counter()
            before()
            untimed += time.perf_counter() - t0
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    elapsed = time.perf_counter() - started - untimed
    return {
        "rps": round(len(timings) / elapsed, 2),
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(_p(timings, 0.95) * 1000, 1),
        "kB": round(size / 1000, 1),
        "requests": len(timings),
    }


def scenario_lists(tenant, seconds):
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django_scopes import scopes_disabled

    from coop.cache import tenant_version_bump
    from coop.models import Membership, Role

    with scopes_disabled():
        staff = Membership.objects.filter(tenant=tenant, role=Role.STAFF).select_related("user").first().user
        students = Membership.objects.filter(tenant=tenant, role=Role.STUDENT).count()
    number = min(STUDENT, students - 1)
    name, email = f"student {number}", f"large-student-{number}@bench.example.jp"
    client = Client()
    client.force_login(staff)
    help_page = requests_per_second(client, reverse("coop:help", kwargs={"tenant_slug": tenant.slug}), seconds=seconds)
    results = {"help_rps": round(help_page["rps"], 1), "search_name": name, "search_email": email}
    for label, url_name, query in LISTS:
        try:
            base = reverse(url_name, kwargs={"tenant_slug": tenant.slug})
        except NoReverseMatch:
            results[label] = "no such page"
            continue
        joined = f"{query}&" if query else ""
        figures = {}
        for variant, params in (
            ("page_1", query),
            ("deep_page", f"{joined}page={DEEP_PAGE}"),
            ("search_name", f"{joined}q={name}"),
            ("search_email", f"{joined}q={email}"),
        ):
            measured = measure(client, f"{base}?{params}" if params else base, seconds=seconds)
            if "rps" in measured:
                measured["ratio_to_help"] = round(measured["rps"] / help_page["rps"], 3)
            figures[variant] = measured
        if label in CACHED:
            measured = measure(client, base, seconds=seconds, before=lambda: tenant_version_bump("records", tenant.pk))
            measured["ratio_to_help"] = round(measured["rps"] / help_page["rps"], 3)
            figures["page_1_cold"] = measured
        results[label] = figures
    return results


SCENARIOS = {"lists": scenario_lists}
