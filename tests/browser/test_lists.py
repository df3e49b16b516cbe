"""A list in the browser: typing in the search box updates the table in place (htmx, no page
load), the URL follows (shareable), a page link swaps the results, and the back button returns
to the previous results."""

import pytest

from coop.models import Role

from ..factories import PASSWORD, ThemeFactory, member, placements_bulk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_and_pages_update_in_place_and_live_in_the_url(browser, live_server):
    theme = ThemeFactory(tenant__slug="lists")
    tenant = theme.tenant
    placements_bulk(theme, 60, prefix="web")
    staff = member(tenant, Role.STAFF, email="staff@lists.example.jp")
    page = browser.new_context(base_url=live_server.url, locale="ja-JP").new_page()
    page.goto("/accounts/login/")
    page.get_by_label("メールアドレス").fill(staff.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/t/lists/placements/")
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    assert page.locator("#list-results tbody tr").count() == 50

    page.get_by_role("link", name="2", exact=True).click()
    page.wait_for_url("**/placements/?page=2")
    assert page.locator("#list-results tbody tr").count() == 10

    page.get_by_role("searchbox", name="検索").fill("web0042")
    page.wait_for_url("**/placements/?q=web0042*")  # with the (empty) filters of the form
    assert page.locator("#list-results tbody tr").all_inner_texts()[0].startswith("学生 web0042")
    assert page.locator("#list-results tbody tr").count() == 1
    assert page.evaluate("window.sameDocument") is True

    page.go_back()
    page.wait_for_url("**/placements/?page=2")
    page.wait_for_function("document.querySelectorAll('#list-results tbody tr').length === 10")
