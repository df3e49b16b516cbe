"""Request throughput through the full middleware stack."""

import statistics
import time


def requests_per_second(client, url, *, seconds=3.0, warmup=20):
    for _ in range(warmup):
        assert client.get(url).status_code == 200
    count, started = 0, time.perf_counter()
    timings = []
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
        count += 1
    elapsed = time.perf_counter() - started
    return {"rps": count / elapsed, "median_ms": statistics.median(timings) * 1000, "requests": count}


def scenario_dashboard_vs_bare(tenant, seconds):
    """The staff dashboard (member counts over 25,000 students) against the bare help page,
    both through the full middleware stack (session, auth, tenant resolution, scope)."""
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from coop.models import Membership, Role

    with scopes_disabled():
        staff = Membership.objects.filter(tenant=tenant, role=Role.STAFF).select_related("user").first().user
    client = Client()
    client.force_login(staff)
    bare = requests_per_second(client, reverse("coop:help", kwargs={"tenant_slug": tenant.slug}), seconds=seconds)
    dash = requests_per_second(client, reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}), seconds=seconds)
    return {
        "bare_view_rps": round(bare["rps"], 1),
        "bare_view_median_ms": round(bare["median_ms"], 2),
        "dashboard_rps": round(dash["rps"], 1),
        "dashboard_median_ms": round(dash["median_ms"], 2),
        "dashboard_to_bare_ratio": round(dash["rps"] / bare["rps"], 3),
    }


SCENARIOS = {"dashboard_vs_bare": scenario_dashboard_vs_bare}
