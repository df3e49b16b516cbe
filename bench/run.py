"""`make bench`: seeds a bench database at the target scale and runs every scenario.

Uses DATABASE_URL when given (PostgreSQL in production-like runs), else its own SQLite file
under bench/out/. Prints a table and writes bench/out/results.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def _setup_django():
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATIC_MANIFEST"):
        os.environ.setdefault(name, "0")
    # WhiteNoise serves from the finders here; STATIC_ROOT exists only after collectstatic.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=25_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per measured URL")
    parser.add_argument("--only", nargs="*", help="scenario names")
    args = parser.parse_args()
    _setup_django()
    from django.db import connection

    from bench.seed import seed

    started = time.perf_counter()
    tenant = seed(students=args.students)
    results = {
        "database": connection.vendor,
        "seed_seconds": round(time.perf_counter() - started, 1),
        "python": sys.version.split()[0],
    }
    for name, scenario in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        results[name] = scenario(tenant, args.seconds)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
