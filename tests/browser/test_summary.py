"""An administrator downloads a term summary as PDF and as XLSX from the browser."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from coop.models import Role

from ..factories import PASSWORD, PlacementFactory, TermFactory, ThemeFactory, member
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_downloads_the_term_summary(browser, live_server):
    term = TermFactory(program__tenant__slug="summary", program__name="Co-op program", name="2026")
    tenant = term.tenant
    admin = member(tenant, Role.ADMIN, email="admin@summary.example.jp")
    theme = ThemeFactory(tenant=tenant, program=term.program, term=term, state="filled")
    PlacementFactory(theme=theme, student=member(tenant, Role.STUDENT), state="active")

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    page.goto(f"/t/{tenant.slug}/summary/")
    page.get_by_label("Program").select_option(label="Co-op program")
    page.get_by_label("Term").select_option(label="Co-op program 2026")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("heading", name="Placements by state").is_visible()
    screenshot(page, "60-term-summary")

    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Excel (XLSX)").click()
    workbook = load_workbook(io.BytesIO(Path(xlsx.value.path()).read_bytes()), read_only=True)
    assert "2 Placements by state" in workbook.sheetnames
    context.close()
