"""Staff import in the browser: a spreadsheet bomb is refused with its limit in Japanese, a
student file only invites (the invitation emails go out), and a large file is confirmed by
the worker while the page follows it."""

import io
import zipfile

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import Invitation, Membership, Role
from placements.models import Partner

from ..factories import PASSWORD, TenantFactory, member
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD20001"/><sheetData/></worksheet>',
        )
    return buffer.getvalue()


def _upload(page, tenant, kind_label, name, data):
    page.goto(f"/t/{tenant.slug}/imports/")
    page.get_by_label("ファイルの内容").select_option(label=kind_label)
    page.locator("input[type=file]").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="ファイルを確認").click()
    page.wait_for_load_state()


def test_staff_imports_in_the_browser(page, settings):
    settings.IMPORT_WORKER_ROWS = 2
    tenant = TenantFactory(slug="imports")
    other = TenantFactory(slug="elsewhere")
    member(other, Role.ADMIN, email="admin@other.example.jp", full_name="他校 管理者")
    staff = member(tenant, Role.STAFF, email="staff@imports.example.jp")
    page.goto("/accounts/login/")
    page.get_by_label("メールアドレス").fill(staff.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()

    _upload(page, tenant, "連携先", "bomb.xlsx", _bomb())
    assert page.get_by_text("インポートで読み込めるのは最大100列（CV列まで）です").is_visible()
    screenshot(page, "70-import-bomb-refused")

    students = "email,full_name\r\nnew@example.jp,北陸 太郎\r\nadmin@other.example.jp,上書き\r\n".encode()
    _upload(page, tenant, "学生", "students.csv", students)
    assert page.get_by_text("招待する").is_visible()
    assert "他校 管理者" not in page.content()
    mail.outbox.clear()
    page.get_by_role("button", name="2行をインポート").click()
    page.wait_for_load_state()
    assert page.get_by_text("2名に招待メールを送りました").is_visible()
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@other.example.jp", "new@example.jp"]
    with scopes_disabled():
        assert Invitation.objects.filter(tenant=tenant).count() == 2
        assert not Membership.objects.filter(tenant=tenant, role=Role.STUDENT).exists()

    partners = "name\r\n株式会社一\r\n株式会社二\r\n株式会社三\r\n".encode()
    _upload(page, tenant, "連携先", "partners.csv", partners)
    page.get_by_role("button", name="3行をインポート").click()
    page.get_by_text("連携先をインポートしました：新規 3件、更新 0件、変更なし 0件。").wait_for()
    screenshot(page, "71-import-done-by-the-worker")
    with scopes_disabled():
        assert Partner.objects.filter(tenant=tenant).count() == 3
