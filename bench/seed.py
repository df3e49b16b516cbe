"""Seeded-data generator: one large tenant next to small ones, at a chosen scale.

The target scale (issue 2) is one tenant with 25,000 students, 8,000 partners (one theme
each) and 10,000 placements per term, with an application behind each placement and pending
invitations. Rows are bulk-inserted with one precomputed password hash, so 25,000 people take
seconds. Each part is filled when it is missing, so a bench database from an earlier run (whose
scenarios add a partner or two of their own) gets what it lacks; `large_counts` is what the
bench measures with, and `check_counts` refuses to measure with less.
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


SEED_PROGRAM = "コーオプ教育"  # the seeded program: its presence marks a tenant's placements as seeded
PARTNERS, PLACEMENTS, INVITATIONS = 8_000, 10_000, 2_000


def seed_placements(
    tenant, *, partners=PARTNERS, terms=1, per_term=PLACEMENTS, start=datetime.date(2026, 11, 2), applications=True
):
    """Partners, one theme each, and `per_term` active placements in each of `terms` terms,
    spread over the tenant's students, each with the accepted application behind it.
    Idempotent: a tenant that has the seeded program is left alone (the scenarios add partners,
    themes and placements of their own, so those do not tell)."""
    from placements.models import Application, Partner, Placement, Program, Term, Theme

    with scopes_disabled():
        if Program.objects.filter(tenant=tenant, name=SEED_PROGRAM, kind=Program.Kind.COOP).exists():
            return
        with transaction.atomic():
            program = Program.objects.create(
                tenant=tenant, name=SEED_PROGRAM, kind=Program.Kind.COOP, min_months=4, max_months=12
            )
            Partner.objects.bulk_create(
                [
                    Partner(tenant=tenant, name=f"ベンチ企業 {n:05d}", name_kana=f"ベンチキギョウ {n:05d}")
                    for n in range(partners)
                ],
                batch_size=BATCH,
            )
            partner_ids = list(
                Partner.objects.filter(tenant=tenant, name__startswith="ベンチ企業 ").values_list("pk", flat=True)
            )
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
            themes = list(Theme.objects.filter(tenant=tenant, program=program).values_list("pk", "partner_id"))
            students = list(
                Membership.objects.filter(tenant=tenant, role=Role.STUDENT)
                .order_by("pk")
                .values_list("user_id", flat=True)
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
                pairs = [
                    (themes[n % len(themes)], students[(t * per_term + n + n // len(themes)) % len(students)])
                    for n in range(per_term)
                ]
                made = Application.objects.bulk_create(
                    [
                        Application(
                            tenant=tenant,
                            theme_id=theme_id,
                            student_id=student_id,
                            motivation="志望動機",
                            state=Application.State.PLACED,
                        )
                        for (theme_id, _partner_id), student_id in pairs
                    ]
                    if applications
                    else [],
                    batch_size=BATCH,
                )
                application_ids = [a.pk for a in made] or [None] * len(pairs)
                Placement.objects.bulk_create(
                    [
                        Placement(
                            tenant=tenant,
                            theme_id=theme_id,
                            partner_id=partner_id,
                            student_id=student_id,
                            application_id=application_id,
                            starts_on=term.starts_on,
                            ends_on=term.ends_on,
                            state=Placement.State.ACTIVE,
                        )
                        for ((theme_id, partner_id), student_id), application_id in zip(
                            pairs, application_ids, strict=True
                        )
                    ],
                    batch_size=BATCH,
                )


def seed_invitations(tenant, count=INVITATIONS):
    """Pending invitations (the invitations list); idempotent by their addresses."""
    from coop.models import Invitation
    from coop.tokens import hash_token

    with scopes_disabled():
        if Invitation.objects.filter(tenant=tenant, email__startswith="bench-invitee-").exists():
            return
        expires = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
        Invitation.objects.bulk_create(
            [
                Invitation(
                    tenant=tenant,
                    email=f"bench-invitee-{n}@bench.example.jp",
                    role=Role.STUDENT,
                    token_hash=hash_token(f"bench-invitation-{tenant.pk}-{n}"),
                    expires_at=expires,
                )
                for n in range(count)
            ],
            batch_size=BATCH,
        )


def seed_daily_reports(tenant, today=None):
    """Submitted daily reports of the seeded placements on every weekday from their start to
    yesterday, one in five placements skipping every fourth day (so some are behind). Tops up
    the days a bench database from an earlier day lacks (compliance counts this month's)."""
    from coop.clock import tenant_today
    from placements.models import Placement
    from reports.models import DailyReport, ReportTally
    from reports.services import report_tallies_recount

    today = today or tenant_today(tenant)
    with scopes_disabled():
        placements = list(
            Placement.objects.filter(tenant=tenant, theme__program__name=SEED_PROGRAM)
            .order_by("pk")
            .values_list("pk", "starts_on", "ends_on")
        )
        if not placements:
            return
        first = min(starts for _pk, starts, _ends in placements)
        seeded = set(DailyReport.objects.filter(tenant=tenant, done="bench").values_list("date", flat=True).distinct())
        submitted_at = datetime.datetime.combine(today, datetime.time(9), tzinfo=datetime.UTC)
        day, inserted = first, False
        while day < today:
            if day.weekday() < 5 and day not in seeded:
                inserted = True
                with transaction.atomic():
                    DailyReport.objects.bulk_create(
                        [
                            DailyReport(
                                tenant=tenant,
                                placement_id=pk,
                                date=day,
                                hours=8,
                                done="bench",
                                state=DailyReport.State.SUBMITTED,
                                submitted_at=submitted_at,
                            )
                            for n, (pk, starts, ends) in enumerate(placements)
                            if starts <= day <= ends and not (n % 5 == 0 and day.toordinal() % 4 == 0)
                        ],
                        batch_size=BATCH,
                    )
            day += datetime.timedelta(days=1)
        if inserted or not ReportTally.objects.filter(tenant=tenant).exists():
            report_tallies_recount(tenant_id=tenant.pk)  # bulk inserts send no signals


def large_counts(tenant):
    """What the large tenant holds, counted in the database."""
    from coop.models import Invitation
    from placements.models import Application, Partner, Placement, Theme
    from reports.models import DailyReport

    with scopes_disabled():
        return {
            "daily_reports": DailyReport.objects.filter(tenant=tenant).count(),
            "students": Membership.objects.filter(tenant=tenant, role=Role.STUDENT).count(),
            "partners": Partner.objects.filter(tenant=tenant).count(),
            "themes": Theme.objects.filter(tenant=tenant).count(),
            "placements": Placement.objects.filter(tenant=tenant).count(),
            "applications": Application.objects.filter(tenant=tenant).count(),
            "invitations": Invitation.objects.filter(tenant=tenant).count(),
        }


def check_counts(counts, *, students):
    """Refuses to measure with fewer rows than the README says the large tenant holds."""
    wanted = {
        "students": students,
        "partners": PARTNERS,
        "themes": PARTNERS,
        "placements": PLACEMENTS,
        "applications": PLACEMENTS,
        "invitations": INVITATIONS,
        "daily_reports": PLACEMENTS,
    }
    short = {name: (counts.get(name, 0), least) for name, least in wanted.items() if counts.get(name, 0) < least}
    if short:
        raise SystemExit(f"bench-large is short of rows (have, want): {short}")


def seed(*, students=25_000, staff=20, faculty=300, small_tenants=3, small_students=200):
    """Creates `bench-large` and `bench-small-N` tenants unless they exist, and fills what the
    large one lacks. Returns the large tenant."""
    large = _seed_people(
        students=students, staff=staff, faculty=faculty, small_tenants=small_tenants, small_students=small_students
    )
    seed_placements(large)
    seed_invitations(large)
    seed_daily_reports(large)
    return large


@transaction.atomic
def _seed_people(*, students, staff, faculty, small_tenants, small_students):
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
