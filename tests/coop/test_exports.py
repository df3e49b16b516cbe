import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from coop.models import DownloadLog, Role
from coop.spreadsheets import escape_cell
from placements.models import Placement

from ..factories import PartnerFactory, PlacementFactory, ThemeFactory, member

pytestmark = pytest.mark.django_db


def url(tenant, table, fmt):
    return reverse("coop:export_download", kwargs={"tenant_slug": tenant.slug, "table": table, "fmt": fmt})


def csv_rows(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Japanese Excel needs the BOM
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("value", ["=SUM(A1)", "+81", "-1", "@cmd", "\tx", "\rx", "＝SUM(A1)", "＋81", "－1", "＠cmd"])
def test_formula_like_cells_are_escaped(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["株式会社①", "a=b", "1-2", "", 42, -1])
def test_other_cells_are_left_alone(value):
    assert escape_cell(value) == value


def test_csv_export_has_only_this_tenants_rows_escaped_and_logged(client, tenant, other_tenant, members):
    PartnerFactory(tenant=tenant, name='=HYPERLINK("http://evil")')
    PartnerFactory(tenant=tenant, name="株式会社①～")
    PartnerFactory(tenant=tenant, name="＝HYPERLINK(“全角”)")
    PartnerFactory(tenant=other_tenant, name="他校だけの企業 MARKER-7f3a")
    client.force_login(members[Role.STAFF])
    rows = csv_rows(client.get(url(tenant, "partners", "csv")))
    names = [row[0] for row in rows[1:]]
    assert rows[0][0] == "連携先名"
    assert sorted(names) == sorted(['\'=HYPERLINK("http://evil")', "株式会社①～", "'＝HYPERLINK(“全角”)"])
    assert "MARKER-7f3a" not in str(rows)
    with scopes_disabled():
        log = DownloadLog.objects.get()
    assert (log.tenant_id, log.user_id, log.what, log.rows) == (tenant.pk, members[Role.STAFF].pk, "export:partners", 3)


def test_xlsx_export_of_placements_with_labels_in_japanese(client, tenant, other_tenant, members):
    PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT], state=Placement.State.ACTIVE)
    PlacementFactory(theme=ThemeFactory(tenant=other_tenant, title="MARKER-other"))
    client.force_login(members[Role.ADMIN])
    response = client.get(url(tenant, "placements", "xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[0][0] == "学生" and rows[1][1] == members[Role.STUDENT].email
    assert "就業中" in rows[1]
    assert "MARKER-other" not in str(rows)


def test_unknown_table_or_format_is_404(client, tenant, members):
    client.force_login(members[Role.STAFF])
    assert client.get(url(tenant, "secrets", "csv")).status_code == 404
    assert client.get(url(tenant, "partners", "pdf")).status_code == 404


@pytest.mark.parametrize("rows", [1, 3])
def test_export_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    students = [member(tenant, Role.STUDENT) for _ in range(rows)]
    for student in students:
        PlacementFactory(theme=ThemeFactory(tenant=tenant), student=student)
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, the rows, the download log
    with django_assert_num_queries(6):
        written = csv_rows(client.get(url(tenant, "placements", "csv")))
    assert len(written) == rows + 1  # the header and one line per placement
    assert sorted(line[1] for line in written[1:]) == sorted(student.email for student in students)


def test_background_export_reports_progress_and_serves_the_file_to_its_owner_only(
    client, tenant, members, django_capture_on_commit_callbacks
):
    from coop.models import ExportJob

    for _ in range(3):
        PlacementFactory(theme=ThemeFactory(tenant=tenant), student=member(tenant, Role.STUDENT))
    client.force_login(members[Role.STAFF])
    start = reverse("coop:export_start", kwargs={"tenant_slug": tenant.slug, "table": "placements", "fmt": "xlsx"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start)
    job_page = response["Location"]
    with scopes_disabled():
        job = ExportJob.objects.get()
    assert (job.state, job.rows_done, job.percent) == ("done", 3, 100)
    partial = client.get(job_page, headers={"HX-Request": "true"}).content.decode()
    assert "<progress" in partial and "hx-trigger" not in partial  # finished: polling stops
    file_url = reverse("coop:export_job_file", kwargs={"tenant_slug": tenant.slug, "pk": job.pk})
    workbook = load_workbook(io.BytesIO(b"".join(client.get(file_url).streaming_content)), read_only=True)
    assert len(list(workbook.active.iter_rows(values_only=True))) == 4
    with scopes_disabled():
        assert DownloadLog.objects.get(what="export:placements").rows == 3
    client.force_login(members[Role.ADMIN])  # another person's export does not exist for them
    assert client.get(job_page).status_code == 404
    assert client.get(file_url).status_code == 404


@pytest.mark.parametrize("table", ["daily_reports", "monthly_reports", "evaluations", "results", "assessments"])
def test_every_registered_table_exports_only_this_tenant(client, tenant, other_tenant, members, table):
    """Rows planted in another tenant never appear, whatever the table."""
    from reports.models import DailyReport

    foreign = PlacementFactory(theme=ThemeFactory(tenant=other_tenant, title="MARKER-foreign-9c1"))
    mine = PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    with scopes_disabled():
        for placement in (foreign, mine):
            DailyReport.objects.create(
                tenant=placement.tenant, placement=placement, date=placement.starts_on, hours=8, done="作業"
            )
    client.force_login(members[Role.STAFF])
    rows = csv_rows(client.get(url(tenant, table, "csv")))
    assert "MARKER-foreign-9c1" not in str(rows)
    if table == "daily_reports":
        assert len(rows) == 2


def test_exported_times_are_the_tenants_wall_clock(client, tenant, members):
    """The CSV streams after the request's zone is gone, and a background export runs in a worker:
    both still write the tenant's local time."""
    from coop.models import ExportJob
    from coop.tasks import export_job_run
    from reports.models import DailyReport

    tenant.timezone = "Pacific/Honolulu"
    tenant.save()
    placement = PlacementFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    evening = datetime.datetime(2027, 3, 31, 20, 30, tzinfo=zoneinfo.ZoneInfo("Pacific/Honolulu"))
    with scopes_disabled():
        DailyReport.objects.create(
            tenant=tenant,
            placement=placement,
            date=datetime.date(2027, 3, 31),
            hours=8,
            done="作業",
            state=DailyReport.State.SUBMITTED,
            submitted_at=evening,
        )
    client.force_login(members[Role.STAFF])
    rows = csv_rows(client.get(url(tenant, "daily_reports", "csv")))
    assert rows[1][-1] == "2027-03-31 20:30:00"
    with scopes_disabled():
        job = ExportJob.objects.create(tenant=tenant, user=members[Role.STAFF], table="daily_reports", fmt="xlsx")
    export_job_run(tenant_id=tenant.pk, job_id=job.pk)
    with scopes_disabled():
        job.refresh_from_db()
    workbook = load_workbook(job.file.open("rb"), read_only=True)
    assert list(workbook.active.iter_rows(values_only=True))[1][-1] == datetime.datetime(2027, 3, 31, 20, 30)


def test_the_xlsx_writer_keeps_types_escapes_formulas_and_survives_control_characters():
    # The one writer streams sheet XML itself (openpyxl's write-only mode took 35-49 s for
    # 100,000 rows, issue 15 item 5). A control character pasted into a name made openpyxl
    # raise IllegalCharacterError and the whole export fail; it is dropped now.
    import datetime
    import decimal

    from coop.spreadsheets import xlsx_write

    buffer = io.BytesIO()
    rows = [
        ["氏名", "開始日", "記録", "時間", "有効", "金額"],
        ["=HYPERLINK(1)", datetime.date(2026, 11, 2), datetime.datetime(2026, 11, 2, 13, 45), 7.5, True, None],
        ["株式会社\x0bのと <&>", datetime.date(2027, 3, 31), None, 8, False, decimal.Decimal("1200")],
    ]
    assert xlsx_write(buffer, [("就業/一覧", rows)]) == 3
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook.active
    assert sheet.title == "就業_一覧"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("氏名", "開始日", "記録", "時間", "有効", "金額"),
        ("'=HYPERLINK(1)", datetime.datetime(2026, 11, 2), datetime.datetime(2026, 11, 2, 13, 45), 7.5, True, None),
        ("株式会社のと <&>", datetime.datetime(2027, 3, 31), None, 8, False, 1200),
    ]
    assert sheet["A2"].data_type == "s" and sheet["B2"].number_format == "yyyy-mm-dd"
