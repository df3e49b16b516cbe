"""`make bench`: seeds a bench database at the target scale and runs every scenario.

Uses DATABASE_URL when given (PostgreSQL in production-like runs), else its own SQLite file
under bench/out/. Prints JSON and writes bench/out/results-<sqlite or postgresql>.json.
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def _setup_django(migrate=True):
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    # Emails are built and "sent" as in `make run` (whose console backend prints them), kept in memory.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATIC_MANIFEST"):
        os.environ.setdefault(name, "0")
    # WhiteNoise serves from the finders here; STATIC_ROOT exists only after collectstatic.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def discover_scenarios():
    """Every bench/scenarios/<module>.py contributes its SCENARIOS: {name: fn(tenant, seconds)}."""
    import importlib
    import pkgutil

    from bench import scenarios

    found = {}
    for info in sorted(pkgutil.iter_modules(scenarios.__path__), key=lambda i: i.name):
        found.update(importlib.import_module(f"bench.scenarios.{info.name}").SCENARIOS)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=25_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per measured URL")
    parser.add_argument("--only", nargs="*", help="scenario names")
    args = parser.parse_args()
    _setup_django()
    from django.db import connection

    from bench.seed import check_counts, large_counts, seed

    started = time.perf_counter()
    tenant = seed(students=args.students)
    with connection.cursor() as cursor:  # fresh statistics after bulk inserts, as autovacuum would keep them
        cursor.execute("ANALYZE")
    counts = large_counts(tenant)
    print(f"bench-large holds: {json.dumps(counts)}", flush=True)
    check_counts(counts, students=args.students)
    results = {
        "database": connection.vendor,
        "seed_seconds": round(time.perf_counter() - started, 1),
        "python": sys.version.split()[0],
        "large_tenant_rows": counts,
    }
    for name, scenario in discover_scenarios().items():
        if args.only and name not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results[name] = scenario(tenant, args.seconds)
        (OUT / f"results-{connection.vendor}.json").write_text(
            json.dumps(results, indent=2, ensure_ascii=False)
        )  # kept if a later one fails
    results["large_tenant_rows_after"] = large_counts(tenant)
    (OUT / f"results-{connection.vendor}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
