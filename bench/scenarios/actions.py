"""The slow actions of issue 11 item 18, through the full middleware stack (Django test client),
with their 95th percentile: issuing an agreement for signature, recording a signature made on
paper (with its scan), signing in the portal, and accepting an invitation (a new person setting
a password). Target: every one within 1 s at p95.

The settings are the bench's (no REDIS_URL: tasks eager, as in `make run`), with the
production password hasher. Each action is measured `ROUNDS` times on fresh objects; the PDF
renders queued by an action run after its response, as in `make run`, and are timed apart.
"""

import datetime
import statistics
import time
import uuid

ROUNDS = 20


def _p95(timings):
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _figures(timings):
    return {
        "runs": len(timings),
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(_p95(timings) * 1000, 1),
        "max_ms": round(max(timings) * 1000, 1),
        "meets_1s_p95": _p95(timings) <= 1.0,
    }


def _people(tenant, tag):
    from coop.models import Membership, Role, User
    from placements.models import Partner, PartnerContact, Program, Theme

    staff = Membership.objects.filter(tenant=tenant, role=Role.STAFF).select_related("user").first().user
    partner = Partner.objects.create(
        tenant=tenant, name=f"株式会社ベンチ署名{tag}", address="石川県金沢市広坂1-1-1", industry="製造業"
    )
    signer = User.objects.create_user(email=f"bench-signer-{tag}@bench.example.jp", full_name="署名 太郎")
    Membership.objects.create(tenant=tenant, user=signer, role=Role.PARTNER)
    PartnerContact.objects.create(
        tenant=tenant, partner=partner, user=signer, full_name="署名 太郎", title="技術部長", is_primary=True
    )
    program, _ = Program.objects.get_or_create(tenant=tenant, name="ベンチ コーオプ教育", kind=Program.Kind.COOP)
    theme = Theme.objects.create(
        tenant=tenant,
        program=program,
        partner=partner,
        title=f"工場で働く従業員の幸福度を向上させるための測定解析技術の検討 {tag}",
        description="製造現場のセンサーデータと従業員アンケートを分析し、働きやすさを高める改善案を提案する。",
        pay="時給 1,200円",
        place="石川県金沢市",
        duration_months=6,
    )
    return staff, partner, signer, theme


def _draft(tenant, partner, theme, staff):
    from placements.models import Agreement

    return Agreement.objects.create(
        tenant=tenant,
        partner=partner,
        theme=theme,
        kind=Agreement.Kind.AGREEMENT,
        title="コーオプ教育協定書",
        valid_from=datetime.date(2026, 9, 1),
        valid_until=datetime.date(2027, 3, 31),
        terms="学生の就業は週4日（月曜日から木曜日）とする。\n報酬は毎月末日締め、翌月25日払いとする。",
        created_by=staff,
    )


def _timed(client, url, data, expect=302):
    started = time.perf_counter()
    response = client.post(url, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == expect, (url, response.status_code)
    return elapsed


def scenario_slow_actions(tenant, seconds, *, rounds=ROUNDS):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scope, scopes_disabled

    from coop.models import Invitation, Role
    from coop.services import invitation_create
    from placements.models import AgreementVersion

    tag = uuid.uuid4().hex[:8]
    slug = tenant.slug
    with scope(tenant=tenant):
        staff, partner, signer, theme = _people(tenant, tag)
    office, partner_client = Client(), Client()
    office.force_login(staff)
    partner_client.force_login(signer)
    timings = {"issue": [], "record_scan": [], "sign": [], "accept_invitation": []}
    pdf_waits = []
    scan = b"%PDF-1.4\n" + b"0" * 200_000  # a 200 kB scan
    for n in range(rounds):
        with scope(tenant=tenant):
            agreement = _draft(tenant, partner, theme, staff)
        kwargs = {"tenant_slug": slug, "pk": agreement.pk}
        timings["issue"].append(_timed(office, reverse("placements:agreement_issue", kwargs=kwargs), {}))
        started = time.perf_counter()
        with scopes_disabled():
            while not AgreementVersion.objects.filter(agreement=agreement, pdf_state="ready").exists():
                assert time.perf_counter() - started < 60, "the PDF was not rendered within 60 s"
                time.sleep(0.02)
        pdf_waits.append(time.perf_counter() - started)
        timings["record_scan"].append(
            _timed(
                office,
                reverse("placements:agreement_mark_signed_outside", kwargs=kwargs),
                {
                    "outside-party": "institution",
                    "outside-signed_name": "学長 金沢 一郎",
                    "outside-scan": SimpleUploadedFile("signed.pdf", scan, content_type="application/pdf"),
                },
            )
        )
        timings["sign"].append(
            _timed(
                partner_client,
                reverse("placements:agreement_sign", kwargs=kwargs),
                {"sign-party": "partner", "sign-signed_name": "署名 太郎", "sign-agree": "on"},
            )
        )
        with scope(tenant=tenant):
            email = f"bench-invited-{tag}-{n}@bench.example.jp"
            _invitation, token = invitation_create(tenant=tenant, email=email, role=Role.STUDENT, by=staff)
        newcomer = Client()
        url = reverse("coop:invitation_accept", kwargs={"tenant_slug": slug, "token": token})
        assert newcomer.get(url).status_code == 200
        password = f"Kanazawa-{uuid.uuid4().hex[:10]}"
        timings["accept_invitation"].append(
            _timed(newcomer, url, {"full_name": "招待 花子", "password1": password, "password2": password})
        )
        with scopes_disabled():
            assert Invitation.objects.filter(email=email, accepted_at__isnull=False).exists()
    results = {name: _figures(values) for name, values in timings.items()}
    results["pdf_ready_after_issue_ms"] = _figures(pdf_waits)
    results["pdf_ready_after_issue_ms"].pop("meets_1s_p95")
    return results


SCENARIOS = {"slow_actions": scenario_slow_actions}
