"""Agreement PDFs: render time of the three-page standard agreement, and memory over many renders.

Target (DESIGN.md): a 3-page agreement in at most 0.5 s with the IPA fonts, and no memory growth
in a long-lived worker: the resident set of the last 50 of 200 renders stays at the first 50's.
"""

import datetime
import resource
import statistics
import subprocess
import tempfile
import time


def _pages(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        info = subprocess.run(["pdfinfo", pdf.name], capture_output=True, text=True, check=False).stdout
    lines = [line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")]
    return int(lines[0]) if lines else None


def _rss_mib():
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _bench_version(tenant):
    """A realistic agreement in the bench tenant (made once), and an unsaved version of it."""
    from coop.models import Membership, Role
    from placements.models import Agreement, AgreementVersion, Partner, PartnerContact, Program, Theme
    from placements.services.documents import agreement_snapshot

    staff = Membership.objects.filter(tenant=tenant, role=Role.STAFF).select_related("user").first().user
    partner, _ = Partner.objects.get_or_create(
        tenant=tenant, name="株式会社ベンチ製作所", defaults={"address": "石川県金沢市広坂1-1-1", "industry": "製造業"}
    )
    PartnerContact.objects.get_or_create(
        tenant=tenant, partner=partner, full_name="山田 一郎", defaults={"title": "技術部長", "is_primary": True}
    )
    program, _ = Program.objects.get_or_create(tenant=tenant, name="ベンチ コーオプ教育", kind=Program.Kind.COOP)
    theme, _ = Theme.objects.get_or_create(
        tenant=tenant,
        title="工場で働く従業員の幸福度を向上させるための測定解析技術の検討",
        defaults={
            "program": program,
            "partner": partner,
            "description": "製造現場のセンサーデータと従業員アンケートを分析し、働きやすさを高める改善案を提案する。",
            "pay": "時給 1,200円",
            "place": "石川県金沢市",
            "duration_months": 6,
        },
    )
    agreement, _ = Agreement.objects.get_or_create(
        tenant=tenant,
        partner=partner,
        theme=theme,
        kind=Agreement.Kind.AGREEMENT,
        title="コーオプ教育協定書",
        defaults={
            "valid_from": datetime.date(2026, 9, 1),
            "valid_until": datetime.date(2027, 3, 31),
            "terms": "学生の就業は週4日（月曜日から木曜日）とする。\n報酬は毎月末日締め、翌月25日払いとする。",
            "created_by": staff,
        },
    )
    return AgreementVersion(
        tenant=tenant, agreement=agreement, number=1, context=agreement_snapshot(agreement, number=1)
    )


def scenario_agreement_pdf(tenant, seconds, *, timed=30, soak=200):
    """Median render time over `timed` renders, then RSS over `soak` renders (first vs last 50)."""
    from django_scopes import scope

    from placements.services.documents import agreement_version_pdf_bytes

    with scope(tenant=tenant):
        version = _bench_version(tenant)
        for _ in range(2):  # warm-up: fonts, template and stylesheet caches
            data = agreement_version_pdf_bytes(version, signatures=[])
        timings = []
        for _ in range(timed):
            started = time.perf_counter()
            data = agreement_version_pdf_bytes(version, signatures=[])
            timings.append(time.perf_counter() - started)
        rss = []
        started = time.perf_counter()
        for _ in range(soak):
            agreement_version_pdf_bytes(version, signatures=[])
            rss.append(_rss_mib())
        soak_seconds = time.perf_counter() - started
    first, last = statistics.mean(rss[:50]), statistics.mean(rss[-50:])
    median = statistics.median(timings)
    return {
        "pages": _pages(data),
        "pdf_kib": round(len(data) / 1024, 1),
        "renders_timed": timed,
        "median_s": round(median, 3),
        "p90_s": round(sorted(timings)[int(0.9 * (timed - 1))], 3),
        "target_median_s": 0.5,
        "meets_target": median <= 0.5,
        "soak_renders": soak,
        "soak_seconds": round(soak_seconds, 1),
        "rss_first_50_mib": round(first, 1),
        "rss_last_50_mib": round(last, 1),
        "rss_growth_mib": round(last - first, 1),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
    }


SCENARIOS = {"agreement_pdf": scenario_agreement_pdf}
