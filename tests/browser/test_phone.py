"""The portal on a 390 x 844 phone: the main menu folds behind one button instead of taking a
third of the first screen, the daily report's submit button is on the first screen with its
fields still empty, growth tables keep their 事前 / 事後 / 変化 headers, and no page breaks its
Content-Security-Policy (no inline script or style is refused)."""

import pytest
from django_scopes import scopes_disabled

from coop.models import Role
from reports.models import DailyReport

from ..clock import at
from ..factories import PASSWORD, TenantFactory, member
from ..reports.factories import running_placement
from ..rubrics.helpers import make_rubric, make_window, rate
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH, HEIGHT = 390, 844


def phone(browser, live_server, email, refused):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ja-JP",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    return page


def box(locator):
    found = locator.bounding_box()
    assert found is not None, "not displayed"
    return found


@at(2026, 11, 18, 10)
def test_a_phone_gets_a_folded_menu_a_reachable_submit_and_labelled_growth(browser, live_server):
    tenant = TenantFactory(slug="kanazawa", name="金沢テスト大学 コーオプ教育センター")
    staff = member(tenant, Role.STAFF, email="staff@kanazawa.example.jp", full_name="事務 太郎")
    student = member(tenant, Role.STUDENT, email="student@kanazawa.example.jp", full_name="学生 一郎")
    placement = running_placement(tenant, student=student)
    with scopes_disabled():
        program = placement.theme.program
    rubric = make_rubric(tenant)
    for phase, levels in (("pre", {"a": 1, "b": 2}), ("post", {"a": 3, "b": 3})):
        rate(make_window(tenant, rubric, program=program, phase=phase), placement, "self", levels)
    refused = []

    # 1. Staff have the longest menu (11 entries and the office tools): one row on the phone.
    office = phone(browser, live_server, staff.email, refused)
    office.goto(f"/t/{tenant.slug}/")
    header = box(office.locator("header.topbar"))
    assert header["height"] <= 130  # was 322 px: the menu wrapped over four rows
    toggle = office.get_by_role("button", name="メニュー")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert "ダッシュボード" in toggle.inner_text()  # the page you are on
    assert not office.get_by_role("link", name="ルーブリック", exact=True).is_visible()
    screenshot(office, "phone-01-menu-folded")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    menu = office.locator("#mainnav-items > li > a")
    assert menu.count() >= 10 and all(menu.nth(n).is_visible() for n in range(menu.count()))
    screenshot(office, "phone-02-menu-open")

    # 2. Growth keeps its column headers as a table at 390 px, side by side.
    office.goto(f"/t/{tenant.slug}/rubrics/placements/{placement.pk}/growth/")
    heads = office.locator("table.keep-table").first.locator("thead th")
    assert [heads.nth(n).inner_text() for n in range(heads.count())] == ["評価項目", "事前", "事後", "変化"]
    tops = {round(box(heads.nth(n))["y"]) for n in range(heads.count())}
    assert len(tops) == 1  # one header row, not stacked cards without their labels
    first_row = office.locator("table.keep-table").first.locator("tbody tr").first
    assert first_row.inner_text().split() == ["異文化受容性", "1", "3", "+2"]
    screenshot(office, "phone-03-growth")

    # 3. The student's daily report: the submit button is on the first screen while every
    #    field is still empty, and it submits.
    student_phone = phone(browser, live_server, student.email, refused)
    student_phone.goto(f"/t/{tenant.slug}/reports/today/")
    student_phone.wait_for_load_state()
    submit = student_phone.get_by_role("button", name="提出", exact=True)
    assert student_phone.evaluate("window.scrollY") == 0
    button = box(submit)
    assert button["y"] >= 0 and button["y"] + button["height"] <= HEIGHT
    empty = student_phone.locator("#daily-form textarea")
    assert empty.count() >= 3 and all(empty.nth(n).input_value() == "" for n in range(empty.count()))
    assert box(empty.last)["y"] > HEIGHT  # fields run on below the first screen
    screenshot(student_phone, "phone-04-daily-report-empty")
    student_phone.get_by_label("就業時間").fill("7.5")
    student_phone.get_by_label("実施内容").fill("検査データを整理し、チームの打合せに出た。")
    student_phone.get_by_label("学んだこと").fill("列の意味は現場の人に聞く。")
    submit.click()
    student_phone.wait_for_load_state()
    with scopes_disabled():
        assert DailyReport.objects.get().state == DailyReport.State.SUBMITTED

    # 4. A print button works without an inline handler.
    student_phone.add_init_script("window.print = () => { window.__printed = true; };")
    student_phone.goto(f"/t/{tenant.slug}/reports/placements/{placement.pk}/months/2026-11/")
    student_phone.get_by_role("button", name="印刷").click()
    assert student_phone.evaluate("window.__printed === true")

    assert refused == []
