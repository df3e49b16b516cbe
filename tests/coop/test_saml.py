"""Institution sign-in (SAML): real exchanges with an identity provider started in the test
(tests/saml_idp.py). The portal side is allauth + python3-saml as configured for production;
each refusal names which check refused it."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from coop import saml
from coop.models import (
    EPPN,
    JA_DISPLAY_NAME,
    MAIL,
    SCOPED_AFFILIATION,
    Invitation,
    Membership,
    MembershipRequest,
    Role,
    SamlIdentityProvider,
)
from coop.tokens import hash_token
from tests.clock import at, jst
from tests.factories import PASSWORD, TenantFactory, member
from tests.saml_idp import IdP

NOW = jst(2026, 11, 30, 10)
pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]


@pytest.fixture
def client():
    # A browser always sends Host; python3-saml reads it (Django's test client leaves it out).
    return Client(HTTP_HOST="testserver")


def configure(tenant, idp, **values):
    with scopes_disabled():
        row = SamlIdentityProvider(tenant=tenant, is_enabled=True, entity_id=idp.entity_id, **values)
        return saml.identity_provider_save(idp=row, metadata_xml=idp.metadata())


@pytest.fixture
def univ_a():
    tenant = TenantFactory(slug="univ-a", name="A大学")
    idp = IdP("https://idp.univ-a.ac.jp/idp/shibboleth", now=NOW)
    configure(tenant, idp)
    return tenant, idp


@pytest.fixture
def univ_b():
    tenant = TenantFactory(slug="univ-b", name="B大学")
    idp = IdP("https://idp.univ-b.ac.jp/idp/shibboleth", base_url="https://idp.univ-b.ac.jp/idp", now=NOW)
    configure(tenant, idp)
    return tenant, idp


def person(uid="taro@univ-a.ac.jp", mail="taro@univ-a.ac.jp", affiliation=("student@univ-a.ac.jp",)):
    return {
        EPPN: uid,
        MAIL: mail,
        JA_DISPLAY_NAME: "山田 太郎",
        SCOPED_AFFILIATION: list(affiliation),
    }


def start(client, tenant, idp):
    """Presses the button: the portal redirects to the IdP with an AuthnRequest."""
    response = client.get(f"{reverse('account_login')}?tenant={tenant.slug}")
    assert "大学のアカウントでログイン" in response.text
    start_url = reverse("saml_login", kwargs={"organization_slug": tenant.slug})
    assert start_url in response.text
    redirect = client.get(f"{start_url}?process=login&next=/t/{tenant.slug}/")
    assert redirect.status_code == 302 and redirect["Location"].startswith(idp.sso_url)
    return IdP.read_request(redirect["Location"])


def finish(client, tenant, saml_response, relay=""):
    """The browser posts the IdP's answer to the tenant's ACS; allauth finishes on a redirect."""
    acs = reverse("saml_acs", kwargs={"organization_slug": tenant.slug})
    posted = client.post(acs, {"SAMLResponse": saml_response, "RelayState": relay})
    assert posted.status_code == 302
    return client.get(posted["Location"])


def sign_in(client, tenant, idp, attributes, **response_args):
    request_id, acs_url, sp_entity, relay = start(client, tenant, idp)
    args = {"acs_url": acs_url, "audience": sp_entity, "in_response_to": request_id, "now": NOW} | response_args
    return finish(client, tenant, idp.response(attributes=attributes, **args), relay)


def signed_in_user(client):
    return client.get(reverse("coop:home")).wsgi_request.user


def python3_saml_refusal(response):
    """What python3-saml said, as allauth hands it to the error page."""
    assert response.status_code == 401
    assert "大学のアカウントでのログインに失敗しました" in response.text
    return response.context["saml_last_error_reason"]


# --- Signed in, into the right tenant and role ---------------------------------------------------


def test_a_signed_assertion_signs_a_student_into_the_tenant_with_the_role_of_the_affiliation_rule(client, univ_a):
    tenant, idp = univ_a
    response = sign_in(client, tenant, idp, person())
    assert response.status_code == 302 and response["Location"] == f"/t/{tenant.slug}/"
    user = signed_in_user(client)
    assert (user.email, user.full_name) == ("taro@univ-a.ac.jp", "山田 太郎")
    with scopes_disabled():
        assert list(Membership.objects.filter(user=user).values_list("tenant__slug", "role")) == [
            ("univ-a", Role.STUDENT)
        ]
    assert SocialAccount.objects.get(user=user).provider == f"saml-{tenant.pk}"
    assert client.get(f"/t/{tenant.slug}/").status_code == 200


def test_the_same_unique_id_signs_in_the_same_account_again(client, univ_a):
    tenant, idp = univ_a
    sign_in(client, tenant, idp, person())
    first = signed_in_user(client)
    client.logout()
    # The address changed at the university; the unique ID did not.
    sign_in(client, tenant, idp, person(mail="taro.yamada@univ-a.ac.jp"))
    assert signed_in_user(client) == first


def test_a_pending_invitation_of_the_tenant_gives_its_role(client, univ_a):
    tenant, idp = univ_a
    with scopes_disabled():
        Invitation.objects.create(
            tenant=tenant,
            email="sensei@univ-a.ac.jp",
            role=Role.STAFF,
            token_hash=hash_token("x" * 43),
            expires_at=NOW + datetime.timedelta(days=14),
        )
    sign_in(client, tenant, idp, person(uid="sensei@univ-a.ac.jp", mail="sensei@univ-a.ac.jp", affiliation=()))
    user = signed_in_user(client)
    with scopes_disabled():
        assert Membership.objects.get(user=user, tenant=tenant).role == Role.STAFF
        assert Invitation.objects.get(email="sensei@univ-a.ac.jp").accepted_by == user


def test_an_existing_member_of_the_tenant_is_connected_by_mail_and_keeps_the_role(client, univ_a):
    tenant, idp = univ_a
    faculty = member(tenant, Role.FACULTY, email="hanako@univ-a.ac.jp")
    sign_in(client, tenant, idp, person(uid="hanako@univ-a.ac.jp", mail="hanako@univ-a.ac.jp"))
    assert signed_in_user(client) == faculty
    with scopes_disabled():
        assert Membership.objects.get(user=faculty, tenant=tenant).role == Role.FACULTY


def test_a_person_without_a_rule_waits_for_staff_who_approve_on_the_members_page(client, univ_a):
    tenant, idp = univ_a
    response = sign_in(client, tenant, idp, person(affiliation=("staff@univ-a.ac.jp",)))
    assert response["Location"] == f"/t/{tenant.slug}/saml/pending/"
    waiting = client.get(response["Location"])
    assert 'data-state="waiting"' in waiting.text
    newcomer = signed_in_user(client)
    with scopes_disabled():
        assert not Membership.objects.filter(user=newcomer).exists()
        request = MembershipRequest.objects.get(user=newcomer)
    assert request.affiliation == "staff"

    client.logout()
    staff = member(tenant, Role.STAFF)
    client.force_login(staff)
    dashboard = client.get(reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug}))
    assert "大学のアカウントでログインし、承認を待っている人" in dashboard.text
    members_page = client.get(reverse("coop:members", kwargs={"tenant_slug": tenant.slug}))
    assert "taro@univ-a.ac.jp" in members_page.text and "承認を待っています" in members_page.text
    url = reverse("coop:membership_request_decide", kwargs={"tenant_slug": tenant.slug, "pk": request.pk})
    client.post(url, {"action": "approve", "role": Role.FACULTY})
    with scopes_disabled():
        assert Membership.objects.get(user=newcomer, tenant=tenant).role == Role.FACULTY
        request.refresh_from_db()
    assert (request.state, request.decided_by) == (MembershipRequest.State.APPROVED, staff)


# --- Refused, and by which check ----------------------------------------------------------------


def test_wrong_audience_is_refused(client, univ_a):
    tenant, idp = univ_a
    response = sign_in(client, tenant, idp, person(), audience="https://other-sp.example.jp/shibboleth")
    assert "is not a valid audience for this Response" in python3_saml_refusal(response)
    assert not signed_in_user(client).is_authenticated


def test_an_expired_assertion_is_refused(client, univ_a):
    tenant, idp = univ_a
    response = sign_in(client, tenant, idp, person(), now=NOW - datetime.timedelta(hours=2))
    assert "expired" in python3_saml_refusal(response)
    assert not signed_in_user(client).is_authenticated


def test_an_unsigned_assertion_is_refused(client, univ_a):
    tenant, idp = univ_a
    response = sign_in(client, tenant, idp, person(), sign=False)
    assert python3_saml_refusal(response) == "The Assertion of the Response is not signed and the SP require it"
    assert not signed_in_user(client).is_authenticated


def test_a_tampered_assertion_is_refused(client, univ_a):
    tenant, idp = univ_a
    # Signed for a student; the affiliation changed to faculty after signing.
    response = sign_in(
        client,
        tenant,
        idp,
        person(),
        tamper=lambda xml: xml.replace("student@univ-a.ac.jp", "faculty@univ-a.ac.jp"),
    )
    assert python3_saml_refusal(response) == "Signature validation failed. SAML Response rejected"
    assert not signed_in_user(client).is_authenticated


def test_a_replayed_assertion_is_refused(client, univ_a):
    tenant, idp = univ_a
    request_id, acs_url, sp_entity, relay = start(client, tenant, idp)
    answer = idp.response(attributes=person(), acs_url=acs_url, audience=sp_entity, in_response_to=request_id, now=NOW)
    assert finish(client, tenant, answer, relay)["Location"] == f"/t/{tenant.slug}/"
    client.logout()
    # The captured answer, posted again (same assertion ID), even after a new request.
    start(client, tenant, idp)
    replayed = finish(client, tenant, answer, relay)
    assert replayed.status_code == 403
    assert 'data-refusal="replay"' in replayed.text
    assert "既に使われています" in replayed.text
    assert not signed_in_user(client).is_authenticated


def test_tenant_a_identity_provider_cannot_sign_into_tenant_b(client, univ_a, univ_b):
    tenant_a, idp_a = univ_a
    tenant_b, _idp_b = univ_b
    # Tenant B's request, answered (signed, in time, right audience) by tenant A's IdP.
    request_id, acs_url, sp_entity, relay = start(client, tenant_b, _idp_b)
    answer = idp_a.response(
        attributes=person(), acs_url=acs_url, audience=sp_entity, in_response_to=request_id, now=NOW
    )
    reason = python3_saml_refusal(finish(client, tenant_b, answer, relay))
    assert reason.startswith("Invalid issuer in the Assertion/Response")
    assert not signed_in_user(client).is_authenticated


def test_a_user_of_tenant_a_is_not_signed_in_by_tenant_b_identity_provider(client, univ_a, univ_b):
    tenant_a, idp_a = univ_a
    tenant_b, idp_b = univ_b
    sign_in(client, tenant_a, idp_a, person())
    user_a = signed_in_user(client)
    client.logout()
    # Tenant B's IdP vouches for A's student by the same unique id and address: refused, the
    # unique id is B's own (another provider id) and the address belongs to A's member.
    response = sign_in(client, tenant_b, idp_b, person())
    assert response.status_code == 403 and 'data-refusal="other_institution"' in response.text
    assert not signed_in_user(client).is_authenticated
    assert SocialAccount.objects.filter(user=user_a).count() == 1
    with scopes_disabled():
        assert not Membership.objects.filter(tenant=tenant_b).exists()


def test_without_the_unique_id_attribute_it_is_refused(client, univ_a):
    tenant, idp = univ_a
    attributes = person()
    del attributes[EPPN]
    response = sign_in(client, tenant, idp, attributes)
    assert response.status_code == 403 and 'data-refusal="no_uid"' in response.text


# --- Password sign-in off for members ---------------------------------------------------------


def _password_login(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def test_an_institution_requiring_saml_refuses_its_members_passwords_except_the_break_glass_admin(client, univ_a):
    tenant, idp = univ_a
    student = member(tenant, Role.STUDENT, email="student@univ-a.ac.jp")
    admin = member(tenant, Role.ADMIN, email="admin@univ-a.ac.jp")
    partner = member(tenant, Role.PARTNER, email="boss@company.example.jp")
    with scopes_disabled():
        row = SamlIdentityProvider.objects.get(tenant=tenant)
        row.require_saml, row.break_glass_user = True, admin
        row.save()

    refused = _password_login(client, student.email)
    assert refused.status_code == 200
    assert "A大学では、メンバーは大学のアカウントでログインします" in refused.text
    assert not signed_in_user(client).is_authenticated

    assert _password_login(client, admin.email).status_code == 302
    assert signed_in_user(client) == admin
    client.logout()
    assert _password_login(client, partner.email).status_code == 302
    assert signed_in_user(client) == partner


def test_an_institution_requiring_saml_refuses_its_members_a_sign_in_code(client, univ_a, mailoutbox):
    tenant, idp = univ_a
    student = member(tenant, Role.STUDENT, email="student@univ-a.ac.jp")
    with scopes_disabled():
        SamlIdentityProvider.objects.filter(tenant=tenant).update(require_saml=True)
    client.post(reverse("account_request_login_code"), {"email": student.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.M).group(1)
    refused = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert refused.redirect_chain[-1][0] == f"{reverse('account_login')}?tenant={tenant.slug}"
    assert "A大学では、メンバーは大学のアカウントでログインします" in refused.text
    assert "大学のアカウントでログイン" in refused.text
    assert not signed_in_user(client).is_authenticated


def test_the_sign_in_page_offers_the_button_of_the_tenant_the_visitor_was_going_to(client, univ_a):
    tenant, _idp = univ_a
    page = client.get(f"/t/{tenant.slug}/", follow=True)
    assert "大学のアカウントでログイン" in page.text
    assert reverse("saml_login", kwargs={"organization_slug": tenant.slug}) in page.text
    plain = client.get(reverse("account_login"))
    assert "A大学" in plain.text  # the choice of institutions offering it


def test_sp_metadata_names_the_tenant_acs(client, univ_a):
    tenant, _idp = univ_a
    response = client.get(reverse("saml_metadata", kwargs={"organization_slug": tenant.slug}))
    assert response.status_code == 200
    assert f"http://testserver/accounts/saml/{tenant.slug}/acs/" in response.text
    unknown = client.get(reverse("saml_metadata", kwargs={"organization_slug": "nobody"}))
    assert unknown.status_code == 404
    assert urlsplit(reverse("saml_acs", kwargs={"organization_slug": tenant.slug})).path.endswith("/univ-a/acs/")


# --- The administrator's settings page ----------------------------------------------------------


def test_an_administrator_configures_the_identity_provider_from_an_uploaded_metadata_file(client):
    from django.core.files.uploadedfile import SimpleUploadedFile  # only this test uploads

    tenant = TenantFactory(slug="univ-c", name="C大学")
    admin = member(tenant, Role.ADMIN)
    client.force_login(admin)
    idp = IdP("https://idp.univ-c.ac.jp/idp/shibboleth", now=NOW)
    url = reverse("coop:saml_settings", kwargs={"tenant_slug": tenant.slug})
    page = client.get(url)
    assert "SP（サービスプロバイダ）としてのこのポータル" in page.text
    assert "http://testserver/accounts/saml/univ-c/metadata/" in page.text
    values = {
        "is_enabled": "on",
        "entity_id": idp.entity_id,
        "attr_uid": EPPN,
        "attr_email": MAIL,
        "attr_name_ja": JA_DISPLAY_NAME,
        "attr_name_en": "urn:oid:2.16.840.1.113730.3.1.241",
        "attr_affiliation": SCOPED_AFFILIATION,
        "role_for_student": Role.STUDENT,
        "role_for_faculty": Role.FACULTY,
        "role_for_staff": "",
    }
    wrong = client.post(
        url,
        values
        | {
            "entity_id": "https://idp.elsewhere.ac.jp/idp/shibboleth",
            "metadata_file": SimpleUploadedFile("idp.xml", idp.metadata().encode()),
        },
    )
    assert "メタデータにエンティティID https://idp.elsewhere.ac.jp/idp/shibboleth のIdPがありません。" in wrong.text
    saved = client.post(url, values | {"metadata_file": SimpleUploadedFile("idp.xml", idp.metadata().encode())})
    assert saved.status_code == 302
    with scopes_disabled():
        row = SamlIdentityProvider.objects.get(tenant=tenant)
    assert (row.is_enabled, row.idp["sso_url"]) == (True, idp.sso_url)
    client.logout()
    sign_in(client, tenant, idp, person(uid="c@univ-c.ac.jp", mail="c@univ-c.ac.jp"))
    with scopes_disabled():
        assert Membership.objects.get(user__email="c@univ-c.ac.jp").tenant == tenant


def test_requiring_saml_needs_it_on(client, univ_a):
    tenant, idp = univ_a
    admin = member(tenant, Role.ADMIN)
    client.force_login(admin)
    url = reverse("coop:saml_settings", kwargs={"tenant_slug": tenant.slug})
    refused = client.post(url, {"entity_id": idp.entity_id, "require_saml": "on", "attr_uid": EPPN})
    assert "必須にできるのは、大学のアカウントでのログインを使っているときだけです。" in refused.text


# --- Single logout ------------------------------------------------------------------------------


def test_the_identity_provider_signs_the_person_out_of_the_portal(client, univ_a):
    tenant, idp = univ_a
    sign_in(client, tenant, idp, person())
    assert signed_in_user(client).is_authenticated
    sls = f"http://testserver{reverse('saml_sls', kwargs={'organization_slug': tenant.slug})}"
    response = client.get(sls, {"SAMLRequest": idp.logout_request(sls_url=sls, now=NOW)})
    # Signed out here, and the LogoutResponse goes back to the IdP's logout service.
    assert response.status_code == 302 and response["Location"].startswith(f"{idp.slo_url}?SAMLResponse=")
    assert not signed_in_user(client).is_authenticated


def test_signing_out_of_the_portal_offers_the_identity_provider_logout(client, univ_a):
    tenant, idp = univ_a
    sign_in(client, tenant, idp, person())
    name_id, session_index = idp.last_name_id, idp.last_session_index
    signed_out = client.post(reverse("account_logout"), follow=True)
    assert not signed_in_user(client).is_authenticated
    assert "大学のアカウントからログアウト" in signed_out.text
    slo_url = signed_out.context["saml_slo_url"]
    assert slo_url.startswith(f"{idp.slo_url}?SAMLRequest=")
    request_id, asked_name_id, asked_session = IdP.read_logout_request(slo_url)
    assert (asked_name_id, asked_session) == (name_id, session_index)
    # Offered once; the IdP answers on the tenant's logout address.
    assert "大学のアカウントからログアウト" not in client.get(reverse("account_login")).text
    sls = f"http://testserver{reverse('saml_sls', kwargs={'organization_slug': tenant.slug})}"
    answered = client.get(sls, {"SAMLResponse": idp.logout_response(sls_url=sls, in_response_to=request_id, now=NOW)})
    assert answered.status_code == 302 and answered["Location"] == reverse("account_login")


def test_a_metadata_url_is_fetched_on_save_and_by_allauth_at_sign_in(client):
    tenant = TenantFactory(slug="univ-d", name="D大学")
    idp = IdP("https://idp.univ-d.ac.jp/idp/shibboleth", now=NOW)
    server = idp.http(clock=lambda: NOW)
    try:
        with scopes_disabled():
            row = saml.identity_provider_save(
                idp=SamlIdentityProvider(
                    tenant=tenant, is_enabled=True, entity_id=idp.entity_id, metadata_url=idp.metadata_url
                )
            )
        assert row.idp["sso_url"] == idp.sso_url
        response = sign_in(client, tenant, idp, person(uid="d@univ-d.ac.jp", mail="d@univ-d.ac.jp"))
        assert response["Location"] == f"/t/{tenant.slug}/"
        with scopes_disabled():
            bad = SamlIdentityProvider(tenant=tenant, entity_id=idp.entity_id, metadata_url=f"{idp.base_url}/none")
            with pytest.raises(ValidationError) as refused:
                saml.identity_provider_save(idp=bad)
        assert refused.value.messages[0].startswith("メタデータを取得できませんでした")
    finally:
        server.shutdown()


def test_the_tenant_public_pages_lead_to_the_tenant_sign_in_with_the_button(client, univ_a):
    tenant, _idp = univ_a
    public = client.get(reverse("placements:public_theme_index", kwargs={"tenant_slug": tenant.slug}))
    assert public.status_code == 200
    assert f'href="{reverse("account_login")}?tenant={tenant.slug}"' in public.text
    login = client.get(f"{reverse('account_login')}?tenant={tenant.slug}")
    assert reverse("saml_login", kwargs={"organization_slug": tenant.slug}) in login.text


def test_a_university_account_is_not_added_to_the_account_signed_in(client, univ_a):
    tenant, idp = univ_a
    someone = member(TenantFactory(), Role.STAFF)
    client.force_login(someone)
    start_url = reverse("saml_login", kwargs={"organization_slug": tenant.slug})
    redirect = client.get(f"{start_url}?process=connect")
    request_id, acs_url, sp_entity, relay = IdP.read_request(redirect["Location"])
    answer = idp.response(attributes=person(), acs_url=acs_url, audience=sp_entity, in_response_to=request_id, now=NOW)
    refused = finish(client, tenant, answer, relay)
    assert refused.status_code == 403 and 'data-refusal="connect"' in refused.text
    assert not SocialAccount.objects.exists()


def test_the_operator_can_turn_the_requirement_off_in_the_admin(client, univ_a):
    from coop.models import User  # only this test makes an operator

    tenant, _idp = univ_a
    with scopes_disabled():
        SamlIdentityProvider.objects.filter(tenant=tenant).update(require_saml=True)
        row = SamlIdentityProvider.objects.get(tenant=tenant)
    operator = User.objects.create_superuser(email="operator@example.jp", password=PASSWORD)
    client.force_login(operator)
    url = reverse("admin:coop_samlidentityprovider_change", args=[row.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"is_enabled": "on"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.is_enabled, row.require_saml) == (True, False)
