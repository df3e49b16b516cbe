"""The assessments export (one row per assessment and criterion) through the core export
views: this tenant's rows only, formula-like cells escaped, logged; and the growth charts
render into a PDF as they are (WeasyPrint, no network, text labels kept as text)."""

import csv
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from coop import charts
from coop.models import DownloadLog, Role

from ..clock import at
from ..factories import member
from .helpers import make_placement, make_rubric, make_window, rate, shared_setup

# Assessment windows open and close relative to today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


def url(tenant, fmt):
    return reverse("coop:export_download", kwargs={"tenant_slug": tenant.slug, "table": "assessments", "fmt": fmt})


def _planted(tenant, other_tenant, members):
    rubric = make_rubric(tenant, criteria=[{"key": "a", "name": "=SUM(A1)"}, {"key": "b", "name": "実践力"}])
    placement = make_placement(tenant, student=members[Role.STUDENT], partner_user=members[Role.PARTNER])
    window = make_window(tenant, rubric, placement=placement)
    rate(window, placement, "self", {"a": 2, "b": 3})
    rate(window, placement, "partner", {"a": 3, "b": 4})
    theirs = make_rubric(other_tenant, criteria=[{"key": "a", "name": "MARKER-9c1e"}])
    their_placement = make_placement(other_tenant, student=member(other_tenant, Role.STUDENT))
    their_window = make_window(other_tenant, theirs, placement=their_placement, raters=["self"])
    rate(their_window, their_placement, "self", {"a": 4})


def test_csv_has_one_row_per_assessment_and_criterion_of_this_tenant_only(client, tenant, other_tenant, members):
    _planted(tenant, other_tenant, members)
    client.force_login(members[Role.STAFF])
    body = b"".join(client.get(url(tenant, "csv"), HTTP_ACCEPT_LANGUAGE="en").streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert "MARKER-9c1e" not in body.decode("utf-8-sig")
    criterion = rows[0].index("Criterion")
    assert sorted(row[criterion] for row in rows[1:]) == ["'=SUM(A1)", "'=SUM(A1)", "実践力", "実践力"]
    with scopes_disabled():
        log = DownloadLog.objects.get()
    assert (log.tenant_id, log.what, log.rows) == (tenant.pk, "export:assessments", 4)


def test_xlsx_export(client, tenant, other_tenant, members):
    _planted(tenant, other_tenant, members)
    client.force_login(members[Role.ADMIN])
    response = client.get(url(tenant, "xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 5 and "MARKER-9c1e" not in str(rows)


@pytest.mark.parametrize("rows", [1, 3])
def test_export_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    rubric, placement, window = shared_setup(tenant, members)
    students = [members[Role.STUDENT].full_name]
    for _ in range(rows - 1):
        with scopes_disabled():
            program = window.program
        other = make_placement(tenant, program=program)
        students.append(other.student.full_name)
        rate(window, other, "self", {"a": 1, "b": 1})
    rate(window, placement, "self", {"a": 1, "b": 1})
    client.force_login(members[Role.STAFF])
    with django_assert_num_queries(6):
        body = b"".join(client.get(url(tenant, "csv"), HTTP_ACCEPT_LANGUAGE="en").streaming_content)
    written = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(written) == 1 + 2 * rows  # the header, then one line per assessment and criterion
    student = written[0].index("Student")
    assert sorted(line[student] for line in written[1:]) == sorted(students * 2)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_growth_charts_render_in_a_pdf_with_their_labels(tenant, members, tmp_path):
    from weasyprint import HTML

    from coop.pdf import StaticOnlyFetcher, static_base_url

    rubric, placement, window = shared_setup(tenant, members)
    rate(window, placement, "self", {"a": 1, "b": 3})
    with scope(tenant=tenant):
        from rubrics.selectors import placement_growth

        (growth,) = placement_growth(placement)
    svg = charts.grouped_bars(
        chart_id="pdf",
        title="成長",
        desc="事前と事後",
        categories=[c["name"] for c in growth["criteria"]],
        series=[("事前", "#9aa5b1", [c["cells"][("pre", "self")] for c in growth["criteria"]])],
        scale_max=rubric.scale_max,
    )
    html = f'<html lang="ja"><body style="font-family: IPAexGothic, sans-serif">{svg}</body></html>'
    pdf = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "chart.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "異文化受容性" in text and "実践力" in text and "事前" in text
