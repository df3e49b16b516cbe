"""Seeded-data generator: one large tenant next to small ones, at a chosen scale.

The target scale (issue 2) is one tenant with 25,000 students, 8,000 partners and 10,000
placements per term. Partners and placements join the generator as their models arrive.
Rows are bulk-inserted with one precomputed password hash, so 25,000 people take seconds.
"""

import argparse
import time

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_scopes import scopes_disabled

from coop.models import Membership, Role, Tenant, User

BENCH_PASSWORD = "bench-pass-2026"
BATCH = 2000


def _bulk_people(tenant, role, count, password_hash, prefix):
    users = [
        User(email=f"{prefix}-{role}-{i}@bench.example.jp", full_name=f"{role} {i}", password=password_hash)
        for i in range(count)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    created = User.objects.filter(email__startswith=f"{prefix}-{role}-").only("id")
    Membership.objects.bulk_create(
        [Membership(tenant=tenant, user=user, role=role) for user in created.iterator(chunk_size=BATCH)],
        batch_size=BATCH,
    )


@transaction.atomic
def seed(*, students=25_000, staff=20, faculty=300, small_tenants=3, small_students=200):
    """Creates `bench-large` and `bench-small-N` tenants unless they exist. Returns the large tenant."""
    existing = Tenant.objects.filter(slug="bench-large").first()
    if existing is not None:
        return existing
    password_hash = make_password(BENCH_PASSWORD)
    with scopes_disabled():
        large = Tenant.objects.create(slug="bench-large", name="ベンチ大学", kind=Tenant.Kind.UNIVERSITY)
        for role, count in [(Role.ADMIN, 2), (Role.STAFF, staff), (Role.FACULTY, faculty), (Role.STUDENT, students)]:
            _bulk_people(large, role, count, password_hash, "large")
        for n in range(small_tenants):
            small = Tenant.objects.create(slug=f"bench-small-{n}", name=f"小規模校 {n}", kind=Tenant.Kind.HIGH_SCHOOL)
            for role, count in [(Role.ADMIN, 1), (Role.STAFF, 2), (Role.STUDENT, small_students)]:
                _bulk_people(small, role, count, password_hash, f"small{n}")
    return large


def main():
    import django

    django.setup()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=25_000)
    parser.add_argument("--small-tenants", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    seed(students=args.students, small_tenants=args.small_tenants)
    print(f"seeded in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
