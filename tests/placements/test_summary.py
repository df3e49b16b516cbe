"""Term summary numbers against a hand-computed fixture."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from coop.models import DownloadLog, Role
from coop.summary import Scope, summary_sections
from placements.models import CareerOutcome, Placement, Theme
from placements.services.programs import year_plan_set

from ..factories import PartnerFactory, PlacementFactory, TermFactory, ThemeFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture(tenant):
    """Program P, term 2026: 3 themes (open, filled, cancelled) at 2 partners; 4 placements:
    active (outbound), completed (outbound, hired and stayed), terminated, planned (inbound);
    a plan of 5 out / 2 in. Plus noise: another term's placement and another tenant's."""
    term = TermFactory(program__tenant=tenant, program__kind="exchange", academic_year=2026)
    program = term.program
    other_term = TermFactory(program=program, name="2025年度", academic_year=2025)
    a, b = PartnerFactory(tenant=tenant), PartnerFactory(tenant=tenant)
    t1 = ThemeFactory(tenant=tenant, program=program, term=term, partner=a, state=Theme.State.OPEN)
    t2 = ThemeFactory(tenant=tenant, program=program, term=term, partner=b, state=Theme.State.FILLED)
    ThemeFactory(tenant=tenant, program=program, term=term, partner=a, state=Theme.State.CANCELLED)
    s1, s2, s3, s4 = (member(tenant, Role.STUDENT) for _ in range(4))
    PlacementFactory(theme=t1, student=s1, state=Placement.State.ACTIVE)
    done = PlacementFactory(theme=t2, student=s2, state=Placement.State.COMPLETED)
    PlacementFactory(theme=t2, student=s3, state=Placement.State.TERMINATED)
    PlacementFactory(theme=t1, student=s4, state=Placement.State.PLANNED, direction="inbound")
    PlacementFactory(theme=ThemeFactory(tenant=tenant, program=program, term=other_term), state="active")
    with scopes_disabled():
        CareerOutcome.objects.create(tenant=tenant, placement=done, hired_by_partner=True, stayed_in_region=True)
        year_plan_set(program=program, academic_year=2026, planned_outbound=5, planned_inbound=2, by=None)
    return program, term


def test_numbers(tenant, other_tenant, fixture):
    program, term = fixture
    PlacementFactory(theme=ThemeFactory(tenant=other_tenant), state="active")
    with scope(tenant=tenant):
        sections = {s.key: s for s in summary_sections(Scope(tenant=tenant, program=program, term=term))}
    assert sections["themes"].numbers == {"total": 3}
    assert {str(k): v for k, v in sections["themes"].rows}["募集中"] == 1
    assert sections["placements"].numbers == {"total": 4}
    assert sections["people"].numbers == {"students": 3, "partners": 2, "partners_with_themes": 2}
    plan = sections["plan"].numbers
    assert (plan["planned_outbound"], plan["actual_outbound"], plan["planned_inbound"], plan["actual_inbound"]) == (
        5,
        2,
        2,
        1,
    )
    outcomes = sections["outcomes"].numbers
    assert (outcomes["recorded"], outcomes["hired_partner"], outcomes["stayed"], outcomes["offers"]) == (1, 1, 1, 0)
    assert sections["outcomes"].rows[0][1] == 2  # completed + terminated


def test_a_program_that_does_not_receive_students_has_one_plan_row(tenant, fixture):
    """Issue 11 item 10: the exchange's sent/received rows showed in every program's summary."""
    program, term = fixture
    with scopes_disabled():
        program.kind = "coop"
        program.save()
    with scope(tenant=tenant):
        [plan] = [s for s in summary_sections(Scope(tenant=tenant, program=program, term=term)) if s.key == "plan"]
        assert [[str(cell) for cell in row] for row in plan.rows] == [["就業する学生", "5", "2"]]
        assert "受入" not in str(plan.title)


def test_page_pdf_and_xlsx(client, tenant, members, fixture):
    program, term = fixture
    client.force_login(members[Role.ADMIN])
    query = f"?program={program.pk}&term={term.pk}"
    page = client.get(reverse("placements:term_summary", kwargs={"tenant_slug": tenant.slug}) + query)
    # themes, placements, plan vs actual, and the reports app's final results
    assert page.status_code == 200 and page.content.decode().count("<svg") == 4
    pdf = client.get(
        reverse("placements:term_summary_download", kwargs={"tenant_slug": tenant.slug, "fmt": "pdf"}) + query
    )
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(
        reverse("placements:term_summary_download", kwargs={"tenant_slug": tenant.slug, "fmt": "xlsx"}) + query
    )
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert len(workbook.sheetnames) >= 5
    with scopes_disabled():
        assert DownloadLog.objects.filter(what="term_summary").count() == 2


def test_staff_cannot_see_the_summary(client, tenant, members):
    client.force_login(members[Role.STAFF])
    assert client.get(reverse("placements:term_summary", kwargs={"tenant_slug": tenant.slug})).status_code == 403


def test_academic_year_scope_counts_placements_without_term_by_start_date(tenant):
    theme = ThemeFactory(tenant=tenant, term=None)
    PlacementFactory(theme=theme, starts_on=datetime.date(2026, 5, 1), state="active")
    PlacementFactory(theme=theme, starts_on=datetime.date(2027, 3, 31), state="active")
    PlacementFactory(theme=theme, starts_on=datetime.date(2027, 4, 1), state="active")  # next year
    with scope(tenant=tenant):
        sections = {s.key: s for s in summary_sections(Scope(tenant=tenant, program=theme.program, academic_year=2026))}
    assert sections["placements"].numbers == {"total": 2}


def test_csv_and_xlsx_escape_formula_cells(client, tenant, members, fixture):
    # A program named like a formula landed as a live formula in cell A1 of the summary.
    program, term = fixture
    with scopes_disabled():
        program.name = '=HYPERLINK("http://evil.example/","研修")'
        program.save()
    client.force_login(members[Role.ADMIN])
    query = f"?program={program.pk}&term={term.pk}"

    def download(fmt):
        return client.get(
            reverse("placements:term_summary_download", kwargs={"tenant_slug": tenant.slug, "fmt": fmt}) + query
        ).content

    first_csv_cell = next(csv.reader(io.StringIO(download("csv").decode("utf-8-sig"))))[0]
    assert first_csv_cell.startswith("'=HYPERLINK(")
    workbook = load_workbook(io.BytesIO(download("xlsx")), read_only=True)
    for sheet in workbook.worksheets:
        first_xlsx_cell = next(sheet.iter_rows(values_only=True))[0]
        assert first_xlsx_cell.startswith("'=HYPERLINK("), sheet.title
