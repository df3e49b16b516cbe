"""Journey (seed 002, issue 13 item 1): a young person with no account finds a coordinator's
project on its public project index, enters it, opens the emailed confirmation link and lands
signed in on their application, which the coordinator then sees in the applications list."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import Membership, Role, Tenant
from placements.models import Application, EntrySchool, Theme

from ..factories import PASSWORD, TenantFactory, ThemeFactory, member
from ..files import PDF
from .conftest import screenshot
from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def project(db):
    tenant = TenantFactory(name="北海道チャレンジコミュニティ", slug="hokkaido-challenge", kind=Tenant.Kind.COORDINATOR)
    with scopes_disabled():
        EntrySchool.objects.create(tenant=tenant, name="北見工業大学")
    return ThemeFactory(
        tenant=tenant,
        state=Theme.State.OPEN,
        is_public=True,
        title="十勝の規格外野菜を使った新商品の開発",
        description="規格外の野菜を使った加工品を、社長の右腕として企画から販売まで担う。",
    )


def test_a_visitor_enters_from_the_public_index_and_lands_signed_in_on_the_application(page, project):
    tenant = project.tenant
    page.goto(f"/t/{tenant.slug}/projects/")
    screenshot(page, "entry-1-public-index")
    page.get_by_role("link", name=project.title, exact=True).click()
    page.get_by_role("link", name="エントリーフォームへ").click()

    page.get_by_label("氏名").fill("応募 葵")
    page.get_by_label("メールアドレス").fill("aoi@example.jp")
    page.get_by_label("学校").fill("北見工業大学")
    page.get_by_label("学年").select_option("3")
    page.get_by_label("志望動機").fill("規格外の野菜を商品にして届ける仕組みに挑戦したいです。")
    page.get_by_label("添付ファイル（任意）").set_input_files(
        files=[{"name": "portfolio.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    screenshot(page, "entry-2-form")
    assert violations(page) == []
    page.get_by_role("button", name="エントリーを送る").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="メールを確認してください").is_visible()
    screenshot(page, "entry-3-sent")

    assert mail.outbox[-1].to == ["aoi@example.jp"]
    link = re.search(r"https?://\S+(/t/\S+/entry/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    screenshot(page, "entry-4-confirm")
    assert violations(page) == []
    page.get_by_role("button", name="確定してエントリーを送る").click()
    page.wait_for_load_state()

    with scopes_disabled():
        application = Application.objects.select_related("student").get()
        assert Membership.objects.get(user=application.student).tenant == tenant
    assert page.url.endswith(application.get_absolute_url())
    assert page.get_by_text("エントリーを確定しました。").is_visible()
    assert page.get_by_text("規格外の野菜を商品にして届ける仕組みに挑戦したいです。").is_visible()
    assert page.get_by_role("link", name="添付ファイルをダウンロード").count() == 1
    screenshot(page, "entry-5-application")

    # Signed in: the portal's own pages open, and the link works no more.
    page.goto(f"/t/{tenant.slug}/applications/")
    assert page.get_by_role("link", name="応募 葵").is_visible()
    page.goto(link)
    assert page.get_by_role("heading", name="このリンクはもう使えません").is_visible()

    # The coordinator sees the entry among the applications, with its school and year.
    staff = member(tenant, Role.STAFF, email="staff@hokkaido.example.jp")
    coordinator = page.context.browser.new_context(base_url=page.url.split("/t/")[0], locale="ja-JP").new_page()
    coordinator.goto("/accounts/login/")
    coordinator.get_by_label("メールアドレス").fill(staff.email)
    coordinator.get_by_label("パスワード").fill(PASSWORD)
    coordinator.get_by_role("button", name="ログイン", exact=True).click()
    coordinator.wait_for_load_state()
    coordinator.goto(f"/t/{tenant.slug}/applications/")
    assert coordinator.get_by_text("エントリー · 北見工業大学 · 3年").is_visible()
    screenshot(coordinator, "entry-6-staff-list")
