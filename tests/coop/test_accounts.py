import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Membership, Role, Tenant, User

from ..factories import PASSWORD, MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_home_sends_anonymous_to_login(client):
    response = client.get(reverse("coop:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_home_goes_straight_to_the_only_tenant(client, tenant, members):
    client.force_login(members[Role.STUDENT])
    response = client.get(reverse("coop:home"))
    assert response["Location"] == reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})


def test_home_offers_a_picker_for_several_tenants(client, tenant, other_tenant):
    person = member(tenant, Role.STAFF)
    MembershipFactory(tenant=other_tenant, user=person, role=Role.FACULTY)
    client.force_login(person)
    page = client.get(reverse("coop:home")).content.decode()
    assert tenant.name in page and other_tenant.name in page
    assert "事務局スタッフ" in page and "指導教員" in page


def test_home_without_membership_explains_what_to_do(client, db):
    client.force_login(UserFactory())
    assert "招待を依頼してください" in client.get(reverse("coop:home")).content.decode()


def test_password_login_then_dashboard(client, tenant, members):
    response = client.post(reverse("account_login"), {"login": "student@hokuriku.example.jp", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.request["PATH_INFO"] == reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})


def test_passwordless_login_by_emailed_code(client, tenant, members):
    partner = members[Role.PARTNER]
    response = client.post(reverse("account_request_login_code"), {"email": partner.email})
    assert response.status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == partner.pk


def test_failed_logins_are_rate_limited(client, members):
    pages = [
        client.post(reverse("account_login"), {"login": "staff@hokuriku.example.jp", "password": "wrong"})
        for _ in range(6)
    ]
    assert "正しくありません" in pages[0].content.decode()
    assert "ログイン失敗が連続しています" in pages[-1].content.decode()
    # Even the right password is refused while the limit holds.
    right = client.post(reverse("account_login"), {"login": "staff@hokuriku.example.jp", "password": PASSWORD})
    assert right.status_code == 200 and "_auth_user_id" not in client.session


def test_open_signup_is_closed(client, db):
    client.post(reverse("account_signup"), {"email": "x@example.jp", "password1": PASSWORD, "password2": PASSWORD})
    assert not User.objects.filter(email="x@example.jp").exists()


def test_admin_login_goes_through_allauth_and_refuses_non_operators(client, members):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(members[Role.ADMIN])  # a tenant admin is not a platform operator
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/coop/membership/").status_code in (302, 403)


def test_platform_operator_sees_admin_across_tenants(client, tenant, other_tenant, members, outsider):
    operator = User.objects.create_superuser(email="ops@example.jp", password=PASSWORD)
    client.force_login(operator)
    page = client.get("/admin/coop/membership/")
    assert page.status_code == 200
    assert str(outsider) in page.content.decode()  # another tenant's member, on purpose


def test_language_switch_is_remembered_for_the_user(client, tenant, members):
    user = members[Role.STAFF]
    client.force_login(user)
    dashboard = reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    assert "ダッシュボード" in client.get(dashboard).content.decode()
    response = client.post(reverse("coop:set_language"), {"language": "en", "next": dashboard})
    assert response["Location"] == dashboard
    user.refresh_from_db()
    assert user.language == "en"
    # A fresh session (another device) still gets English.
    client.logout()
    client.cookies.clear()
    client.force_login(user)
    page = client.get(dashboard).content.decode()
    assert "Dashboard" in page and '<html lang="en">' in page


def test_anonymous_language_switch_uses_a_cookie_and_refuses_foreign_next(client, db):
    response = client.post(reverse("coop:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.cookies["coop_language"].value == "en"
    assert "Sign in" in client.get(reverse("account_login")).content.decode()


def test_dashboard_panels_follow_the_role(client, tenant, members):
    url = reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    client.force_login(members[Role.STAFF])
    staff_page = client.get(url).content.decode()
    assert "メンバー一覧を見る" in staff_page
    assert reverse("coop:members", kwargs={"tenant_slug": tenant.slug}) in staff_page
    client.force_login(members[Role.STUDENT])
    student_page = client.get(url).content.decode()
    assert reverse("placements:theme_list", kwargs={"tenant_slug": tenant.slug}) + "?state=open" in student_page
    assert reverse("coop:members", kwargs={"tenant_slug": tenant.slug}) not in student_page


def test_admin_changes_a_role_and_removes_access(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    with scopes_disabled():
        target = Membership.objects.get(user=members[Role.STUDENT])
    url = reverse("coop:member_update", kwargs={"tenant_slug": tenant.slug, "pk": target.pk})
    client.post(url, {"action": "role", "role": Role.FACULTY})
    client.post(url, {"action": "deactivate"})
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.FACULTY, False)


def test_admin_cannot_demote_themselves(client, tenant, members):
    admin = members[Role.ADMIN]
    client.force_login(admin)
    with scopes_disabled():
        own = Membership.objects.get(user=admin)
    url = reverse("coop:member_update", kwargs={"tenant_slug": tenant.slug, "pk": own.pk})
    response = client.post(url, {"action": "role", "role": Role.STUDENT}, follow=True)
    assert "自分の役割は変更できません" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_tenant_settings_validate_and_save(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    url = reverse("coop:tenant_settings", kwargs={"tenant_slug": tenant.slug})
    bad = client.post(url, {"name": "", "language": "ja", "timezone": "Mars/Base"})
    assert bad.status_code == 200
    assert Tenant.objects.get(pk=tenant.pk).name == "北陸テスト大学"
    client.post(url, {"name": "新しい名前", "language": "en", "timezone": "Asia/Tokyo"})
    tenant.refresh_from_db()
    assert (tenant.name, tenant.language) == ("新しい名前", "en")


def _sign_in(client, password, address, forwarded_for=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("account_login"), {"login": "staff@hokuriku.example.jp", "password": password}, **headers
    )


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(client, members):
    # Five wrong passwords locked the account for everyone: anyone could lock anyone out.
    for _ in range(6):
        _sign_in(client, "wrong", "203.0.113.66")
    owner = Client()
    _sign_in(owner, PASSWORD, "198.51.100.7")
    assert int(owner.session["_auth_user_id"]) == members[Role.STAFF].pk


def test_behind_the_proxy_limits_are_per_client_not_per_proxy(members, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(6):
        _sign_in(Client(), "wrong", proxy, forwarded_for="203.0.113.66")
    owner = Client()
    _sign_in(owner, PASSWORD, proxy, forwarded_for="198.51.100.7")
    assert int(owner.session["_auth_user_id"]) == members[Role.STAFF].pk
    # A client cannot pick its address: the proxy appends the real one, which is counted.
    attacker = Client()
    pages = [_sign_in(attacker, "wrong", proxy, forwarded_for=f"192.0.2.{n}, 203.0.113.66") for n in range(6)]
    assert "ログイン失敗が連続しています" in pages[-1].text


def test_signing_in_by_emailed_code_proves_the_address(client, tenant):
    """An account without a confirmed address (made before addresses were recorded, or by the
    operator) signs in by code and is not asked to confirm the address the code just reached."""
    from allauth.account.models import EmailAddress  # only this test reads allauth's rows

    person = User.objects.create_user(email="code.only@example.jp", full_name="コード 利用")
    MembershipFactory(tenant=tenant, user=person, role=Role.PARTNER)
    client.post(reverse("account_request_login_code"), {"email": "code.only@example.jp"})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    sent = len(mail.outbox)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] != reverse("account_email_verification_sent")
    assert int(client.session["_auth_user_id"]) == person.pk
    assert len(mail.outbox) == sent  # no confirmation email
    assert EmailAddress.objects.filter(user=person, email="code.only@example.jp", verified=True).exists()


def test_the_login_page_offers_the_password_reset_once(client, db):
    """Issue 11 item 10: "パスワードをお忘れですか？" appeared twice (the page and the field's help)."""
    page = client.get(reverse("account_login")).content.decode()
    assert page.count("パスワードをお忘れですか？") == 1
    assert reverse("account_reset_password") in page


@pytest.mark.parametrize("flow", ["reset", "code"])
def test_account_emails_name_the_portal_and_link_to_the_site_url(client, members, settings, flow):
    """Issue 11 item 10: account emails greeted "こんにちは、127.0.0.1:8101 です!", linked to the
    request's host and started "[Co-op]"."""
    settings.SITE_URL = "https://portal.example.jp"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    address = "staff@hokuriku.example.jp"
    if flow == "reset":
        client.post(reverse("account_reset_password"), {"email": address}, HTTP_HOST="127.0.0.1:8101")
    else:
        client.post(reverse("account_request_login_code"), {"email": address}, HTTP_HOST="127.0.0.1:8101")
    [message] = mail.outbox
    assert message.subject.startswith("[コーオプ教育ポータル] ")
    assert "コーオプ教育ポータルからのお知らせです。" in message.body
    assert "127.0.0.1" not in message.body
    if flow == "reset":
        assert re.search(r"https://portal\.example\.jp/accounts/password/reset/key/\S+", message.body)


def test_portal_emails_start_with_the_institutions_name(tenant, members):
    from coop.mail import mail_send  # the sender itself is what is specified here

    mail_send(
        template="invitation",
        context={"tenant": tenant, "invitation": None, "url": "https://x"},
        to=["a@example.jp"],
        language="ja",
    )
    assert mail.outbox[0].subject.startswith(f"[{tenant.name}] ")


def test_the_favicon_is_found(client, db):
    """Issue 11 item 10: /favicon.ico answered 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200
    assert 'rel="icon"' in client.get(reverse("account_login")).content.decode()
