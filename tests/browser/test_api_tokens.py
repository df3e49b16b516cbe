"""An administrator makes an API token on the settings page, sees it once, and the API's
documentation (Swagger UI from static files, under the CSP) lists the endpoints."""

import pytest

from coop.models import Role

from ..clock import at
from ..factories import TenantFactory, member
from .conftest import screenshot
from .test_coop_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@at(2026, 11, 18, 10)
def test_an_administrator_makes_a_token_and_reads_the_api_docs(browser, live_server):
    tenant = TenantFactory(slug="kit", name="KIT")
    member(tenant, Role.ADMIN, email="admin@kit.example.jp")
    page = login(browser, live_server, "admin@kit.example.jp")
    page.goto("/t/kit/settings/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Student-record system")
    page.get_by_label("Students and memberships: read").check()
    page.get_by_label("Students and memberships: write").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("kit.")
    screenshot(page, "api-token-created")

    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto("/api/v1/docs/")
    page.locator(".opblock-summary-path", has_text="/api/v1/students/bulk/").first.wait_for()
    screenshot(page, "api-docs")
    assert not [p for p in problems if "Content Security Policy" in p and "script" in p]
