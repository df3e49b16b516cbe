"""The student's daily report submit through the full middleware stack, against the bare help page.

A bench student with a long running placement gets a draft report for each of the last
DAYS days, unlocked (as the faculty supervisor would), so that every request submits a
different draft: the common case of a report autosaved during the day and submitted with one
tap. Idempotent: the student, placement and drafts are made (or reset) under the given tenant.
"""

import datetime
import statistics
import time

from .web import requests_per_second

DAYS = 6000
EMAIL = "bench-reports-student@bench.example.jp"


def _setup(tenant):
    from django.utils import timezone
    from django_scopes import scope

    from coop.models import Membership, Role, User
    from placements.models import Partner, Placement, Program, Theme
    from reports.models import DailyReport

    today = timezone.localdate()
    with scope(tenant=tenant):
        student, _ = User.objects.get_or_create(email=EMAIL, defaults={"full_name": "日報 ベンチ"})
        Membership.objects.get_or_create(tenant=tenant, user=student, defaults={"role": Role.STUDENT})
        partner, _ = Partner.objects.get_or_create(tenant=tenant, name="ベンチ日報株式会社")
        program, _ = Program.objects.get_or_create(
            tenant=tenant, name="ベンチ日報プログラム", defaults={"kind": Program.Kind.COOP}
        )
        theme, _ = Theme.objects.get_or_create(
            tenant=tenant,
            title="ベンチ日報テーマ",
            defaults={"program": program, "partner": partner, "description": "日報の提出速度を測る。"},
        )
        placement, _ = Placement.objects.update_or_create(
            tenant=tenant,
            student=student,
            theme=theme,
            defaults={
                "partner": partner,
                "starts_on": today - datetime.timedelta(days=DAYS),
                "ends_on": today + datetime.timedelta(days=365),
                "state": Placement.State.ACTIVE,
            },
        )
        DailyReport.objects.filter(placement=placement).delete()
        unlocked = today + datetime.timedelta(days=1)
        DailyReport.objects.bulk_create(
            [
                DailyReport(
                    tenant=tenant,
                    placement=placement,
                    date=today - datetime.timedelta(days=n),
                    done="下書き",
                    unlocked_until=unlocked,
                )
                for n in range(DAYS)
            ],
            batch_size=2000,
        )
    return student, placement, today


def scenario_daily_report_submit(tenant, seconds):
    from django.test import Client
    from django.urls import reverse

    student, placement, today = _setup(tenant)
    client = Client()
    client.force_login(student)
    bare = requests_per_second(client, reverse("coop:help", kwargs={"tenant_slug": tenant.slug}), seconds=seconds)

    data = {"hours": "7.5", "done": "検査データの前処理をした。", "learned": "現場の声を聞く。", "action": "submit"}
    timings, n = [], 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds and n < DAYS:
        day = today - datetime.timedelta(days=n)
        url = reverse("reports:daily_edit", kwargs={"tenant_slug": tenant.slug, "pk": placement.pk, "day": day})
        t0 = time.perf_counter()
        response = client.post(url, data)
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 302, (url, response.status_code)
        n += 1
    elapsed = time.perf_counter() - started
    submit_rps = n / elapsed
    return {
        "bare_view_rps": round(bare["rps"], 1),
        "submit_rps": round(submit_rps, 1),
        "submit_median_ms": round(statistics.median(timings) * 1000, 2),
        "submits": n,
        "submit_to_bare_ratio": round(submit_rps / bare["rps"], 3),
    }


SCENARIOS = {"daily_report_submit": scenario_daily_report_submit}
