"""Institution sign-in in the browser: the sign-in page's button leads to the university's
identity provider (started in the test, tests/saml_idp.py, over HTTP), which answers with a
signed assertion posted back to the portal: the student lands in the right tenant and role."""

import pytest
from django_scopes import scopes_disabled

from coop import saml
from coop.models import EPPN, JA_DISPLAY_NAME, MAIL, SCOPED_AFFILIATION, Membership, Role, SamlIdentityProvider

from ..clock import at, jst
from ..factories import TenantFactory
from ..saml_idp import IdP
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
NOW = jst(2026, 11, 30, 10)


@at(2026, 11, 30, 10)
def test_a_student_signs_in_through_the_university_identity_provider(page):
    TenantFactory(slug="other-univ", name="別の大学")
    tenant = TenantFactory(slug="univ-a", name="A大学")
    idp = IdP("https://idp.univ-a.ac.jp/idp/shibboleth", now=NOW)
    server = idp.http(clock=lambda: NOW)
    try:
        idp.users["taro"] = {
            EPPN: "taro@univ-a.ac.jp",
            MAIL: "taro@univ-a.ac.jp",
            JA_DISPLAY_NAME: "山田 太郎",
            SCOPED_AFFILIATION: ["student@univ-a.ac.jp", "member@univ-a.ac.jp"],
        }
        with scopes_disabled():
            saml.identity_provider_save(
                idp=SamlIdentityProvider(tenant=tenant, is_enabled=True, entity_id=idp.entity_id),
                metadata_xml=idp.metadata(),
            )

        page.goto(f"/accounts/login/?tenant={tenant.slug}")
        screenshot(page, "saml-login")
        page.get_by_role("link", name="大学のアカウントでログイン").click()
        page.wait_for_load_state()
        assert page.url.startswith(idp.sso_url)
        page.get_by_label("User").fill("taro")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"**/t/{tenant.slug}/")
        screenshot(page, "saml-dashboard")
        assert "A大学" in page.content()
        with scopes_disabled():
            membership = Membership.objects.get(user__email="taro@univ-a.ac.jp")
        assert (membership.tenant, membership.role) == (tenant, Role.STUDENT)
    finally:
        server.shutdown()


@at(2026, 11, 30, 10)
def test_an_administrator_sets_up_the_identity_provider_from_its_metadata_file(page, tmp_path):
    from ..factories import PASSWORD, member  # this test signs in by password

    tenant = TenantFactory(slug="univ-b", name="B大学")
    admin = member(tenant, Role.ADMIN, email="admin@univ-b.ac.jp")
    idp = IdP("https://idp.univ-b.ac.jp/idp/shibboleth", now=NOW)
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text(idp.metadata(), encoding="utf-8")

    page.goto("/accounts/login/")
    page.get_by_label("メールアドレス").fill(admin.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.goto(f"/t/{tenant.slug}/settings/")
    page.get_by_role("link", name="大学のアカウントでのログイン（SAML / 学認）").click()
    page.get_by_label("大学のアカウントでのログインを使う").check()
    page.get_by_label("IdPのエンティティID").fill(idp.entity_id)
    page.get_by_label("メタデータのファイル").set_input_files(str(metadata))
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    screenshot(page, "saml-settings")
    assert "IdPのログインURL" in page.content()
    with scopes_disabled():
        row = SamlIdentityProvider.objects.get(tenant=tenant)
    assert (row.is_enabled, row.idp["sso_url"], row.role_for_staff) == (True, idp.sso_url, "")
