"""Seeded-data generator: one large tenant next to small ones, at a chosen scale.

The target scale (issue 2) is one tenant with 25,000 students, 8,000 partners and 10,000
placements per term. Partners and placements join the generator as their models arrive.
Rows are bulk-inserted with one precomputed password hash, so 25,000 people take seconds.
"""

import argparse
import datetime
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


def seed_placements(tenant, *, partners=8_000, terms=1, per_term=10_000, start=datetime.date(2026, 11, 2)):
    """Partners, one theme each, and `per_term` active placements in each of `terms` terms,
    spread over the tenant's students. Idempotent: a tenant that has partners is left alone."""
    from placements.models import Partner, Placement, Program, Term, Theme

    with scopes_disabled():
        if Partner.objects.filter(tenant=tenant).exists():
            return
        with transaction.atomic():
            program = Program.objects.create(
                tenant=tenant, name="コーオプ教育", kind=Program.Kind.COOP, min_months=4, max_months=12
            )
            Partner.objects.bulk_create(
                [Partner(tenant=tenant, name=f"ベンチ企業 {n:05d}") for n in range(partners)], batch_size=BATCH
            )
            partner_ids = list(Partner.objects.filter(tenant=tenant).values_list("pk", flat=True))
            Theme.objects.bulk_create(
                [
                    Theme(
                        tenant=tenant,
                        program=program,
                        partner_id=pk,
                        title=f"テーマ {pk}",
                        description="...",
                        state=Theme.State.FILLED,
                        duration_months=5,
                    )
                    for pk in partner_ids
                ],
                batch_size=BATCH,
            )
            themes = list(Theme.objects.filter(tenant=tenant).values_list("pk", "partner_id"))
            students = list(
                Membership.objects.filter(tenant=tenant, role=Role.STUDENT).values_list("user_id", flat=True)
            )
            for t in range(terms):
                term = Term.objects.create(
                    tenant=tenant,
                    program=program,
                    name=f"第{t + 1}期",
                    academic_year=2026,
                    starts_on=start,
                    ends_on=start + datetime.timedelta(days=150),
                )
                Placement.objects.bulk_create(
                    [
                        Placement(
                            tenant=tenant,
                            theme_id=themes[n % len(themes)][0],
                            partner_id=themes[n % len(themes)][1],
                            student_id=students[(t * per_term + n) % len(students)],
                            starts_on=term.starts_on,
                            ends_on=term.ends_on,
                            state=Placement.State.ACTIVE,
                        )
                        for n in range(per_term)
                    ],
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
