"""Imports at the target scale: 10,000 partner rows and 10,000 placement rows.

The dry-run preview and the confirmation are timed separately, through the same services the
pages call (placements.services.imports). Each run uses names of its own and deletes what it
created, so runs can repeat against the same bench database; uploads are kept in a temporary
MEDIA_ROOT.
"""

import csv
import datetime
import io
import tempfile
import time
import uuid

ROWS = 10_000


def _csv(rows, encoding="cp932"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _staff(tenant):
    from django_scopes import scopes_disabled

    from coop.models import Membership, Role

    with scopes_disabled():
        return Membership.objects.filter(tenant=tenant, role=Role.STAFF).select_related("user").first().user


def _timed_import(tenant, staff, kind, data, expect_new, expect_updated=0):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from placements.services.imports import import_confirm, import_preview, import_status

    started = time.perf_counter()
    preview = import_preview(tenant=tenant, kind=kind, upload=SimpleUploadedFile(f"{kind}.csv", data), by=staff)
    preview_seconds = time.perf_counter() - started
    assert preview.ok, (preview.file_errors, preview.errors[:5])
    assert (preview.new, preview.updated) == (expect_new, expect_updated), (preview.new, preview.updated)
    started = time.perf_counter()
    result = import_confirm(tenant=tenant, token=preview.token, by=staff)
    confirm_seconds = time.perf_counter() - started  # with no broker the worker's task ran in here
    if result.queued:
        status = import_status(tenant=tenant, token=preview.token, by=staff)
        assert status["state"] == "done", status
    else:
        assert result.written, (result.file_errors, result.errors[:5])
    rows = preview.total
    return {
        "rows": rows,
        "preview_seconds": round(preview_seconds, 2),
        "preview_rows_per_s": round(rows / preview_seconds),
        "confirm_seconds": round(confirm_seconds, 2),
        "confirm_rows_per_s": round(rows / confirm_seconds),
    }


def scenario_import_10k_partners(tenant, seconds):
    """10,000 new partners from a CP932 CSV (with ①, ㈱, ～), then the same file again as
    10,000 updates."""
    from django.test import override_settings
    from django_scopes import scopes_disabled

    from placements.models import Partner

    staff = _staff(tenant)
    prefix = f"ベンチ㈱{uuid.uuid4().hex[:8]}～"
    kinds = ["company", "university", "municipality", "npo"]
    header = ["name", "name_kana", "kind", "industry", "country", "address", "website", "phone", "notes"]

    def rows(industry):
        return [header] + [
            [
                f"{prefix}{i:05d}",
                f"ベンチ{i:05d}",
                kinds[i % 4],
                industry,
                "日本",
                f"石川県金沢市①番地{i}",
                f"https://p{i}.example.jp",
                f"+81-76-{i:04d}",
                "",
            ]
            for i in range(ROWS)
        ]

    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            created = _timed_import(tenant, staff, "partners", _csv(rows("製造業")), expect_new=ROWS)
            updated = _timed_import(tenant, staff, "partners", _csv(rows("情報通信業")), 0, expect_updated=ROWS)
        with scopes_disabled():
            mine = Partner.objects.filter(tenant=tenant, name__startswith=prefix)
            assert mine.count() == ROWS and mine.filter(industry="情報通信業").count() == ROWS
    finally:
        with scopes_disabled():
            Partner.objects.filter(tenant=tenant, name__startswith=prefix).delete()
    return {
        **created,
        "update_preview_seconds": updated["preview_seconds"],
        "update_confirm_seconds": updated["confirm_seconds"],
        "update_confirm_rows_per_s": updated["confirm_rows_per_s"],
    }


def scenario_import_10k_placements(tenant, seconds):
    """10,000 placements of the seeded students at 100 partners' themes, with faculty
    supervisors, from a UTF-8 CSV."""
    from django.test import override_settings
    from django_scopes import scopes_disabled

    from coop.models import Membership, Role
    from placements.models import Partner, Placement, Program, Theme

    staff = _staff(tenant)
    tag = uuid.uuid4().hex[:8]
    with scopes_disabled():
        students = list(
            Membership.objects.filter(tenant=tenant, role=Role.STUDENT, is_active=True)
            .order_by("pk")
            .values_list("user__email", flat=True)[:ROWS]
        )
        faculty = list(
            Membership.objects.filter(tenant=tenant, role=Role.FACULTY, is_active=True).values_list(
                "user__email", flat=True
            )
        )
        program = Program.objects.create(tenant=tenant, name=f"ベンチ {tag}", kind=Program.Kind.COOP)
        partners = Partner.objects.bulk_create(
            [Partner(tenant=tenant, name=f"ベンチ受入{tag}-{n:03d}") for n in range(100)]
        )
        themes = Theme.objects.bulk_create(
            [
                Theme(tenant=tenant, program=program, partner=p, title=f"テーマ{tag}-{n:03d}", description="-")
                for n, p in enumerate(partners)
            ]
        )
    assert len(students) == ROWS, "the bench tenant needs 10,000 students"
    start = datetime.date(2026, 9, 1)
    header = ["student_email", "partner", "theme", "faculty_email", "starts_on", "ends_on", "weekdays", "pay"]
    rows = [header] + [
        [
            email,
            partners[i % 100].name,
            themes[i % 100].title,
            faculty[i % len(faculty)] if faculty else "",
            (start + datetime.timedelta(days=i % 30)).isoformat(),
            "2027-02-28",
            "0,2" if i % 2 else "",
            "時給 1,200円",
        ]
        for i, email in enumerate(students)
    ]
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            result = _timed_import(tenant, staff, "placements", _csv(rows, "utf-8-sig"), expect_new=ROWS)
        with scopes_disabled():
            assert Placement.objects.filter(tenant=tenant, theme__in=themes).count() == ROWS
    finally:
        with scopes_disabled():
            Placement.objects.filter(tenant=tenant, theme__in=themes).delete()
            Theme.objects.filter(pk__in=[t.pk for t in themes]).delete()
            Partner.objects.filter(pk__in=[p.pk for p in partners]).delete()
            program.delete()
    return result


SCENARIOS = {
    "import_10k_partners": scenario_import_10k_partners,
    "import_10k_placements": scenario_import_10k_placements,
}
