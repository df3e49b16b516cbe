import pytest

from coop.models import Role

from ..factories import PASSWORD, MembershipFactory, TenantFactory, member
from .conftest import screenshot, unfold_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def test_login_pick_tenant_switch_language_see_dashboard(page):
    university = TenantFactory(name="北陸工科大学", slug="hokuriku-tech")
    school = TenantFactory(name="札幌マイスター高校", slug="sapporo-meister", kind="high_school")
    person = member(university, Role.STAFF, email="coordinator@example.jp", full_name="地域 コーディネーター")
    MembershipFactory(tenant=school, user=person, role=Role.FACULTY)

    sign_in(page, "coordinator@example.jp")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="機関を選択").is_visible()
    screenshot(page, "01-tenant-picker")

    page.get_by_role("link", name="北陸工科大学").click()
    page.wait_for_url("**/t/hokuriku-tech/")
    assert page.get_by_role("heading", name="ダッシュボード").is_visible()
    nav = page.get_by_role("navigation", name="メイン")
    assert nav.get_by_role("link", name="テーマ").is_visible()
    nav.locator("summary", has_text="事務局").click()  # the office tools menu
    assert nav.get_by_role("link", name="メンバー").is_visible()
    screenshot(page, "02-dashboard-ja")

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/t/hokuriku-tech/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "03-dashboard-en")

    # The choice is remembered: the other tenant's dashboard is in English too.
    page.goto("/t/sapporo-meister/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_role("heading", name="Placements").first.is_visible()  # the faculty panel


def test_dashboard_fits_a_phone(phone):
    tenant = TenantFactory(name="北陸工科大学", slug="hokuriku-tech")
    member(tenant, Role.STUDENT, email="student@example.jp")
    sign_in(phone, "student@example.jp")
    phone.wait_for_url("**/t/hokuriku-tech/")
    assert phone.get_by_role("heading", name="ダッシュボード").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"
    screenshot(phone, "04-dashboard-phone")


@pytest.mark.parametrize("width", [1200, 390])
def test_office_menu_opens_within_the_screen(browser, live_server, width):
    """Every link of the Office menu can be seen and clicked, on a laptop and on a phone."""
    tenant = TenantFactory(name="北陸工科大学", slug="hokuriku-tech")
    member(tenant, Role.ADMIN, email="admin@example.jp")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    sign_in(page, "admin@example.jp")
    page.wait_for_url("**/t/hokuriku-tech/")
    nav = page.get_by_role("navigation", name="メイン")
    unfold_menu(page)
    nav.locator("summary", has_text="事務局").click()
    links = nav.locator(".nav-tools ul a")
    assert links.count() >= 5
    for n in range(links.count()):
        box = links.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (links.nth(n).inner_text(), box)
    screenshot(page, f"05-office-menu-{width}")
    links.first.click()
    page.wait_for_load_state()
    assert "/t/hokuriku-tech/" in page.url and page.url.rstrip("/") != f"{live_server.url}/t/hokuriku-tech"
