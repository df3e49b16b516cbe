"""A student import only invites (issue 12 item 2), and the invited are told (issue 11 item 14):
each new person gets an invitation email after the import commits; the link sets up an account
(or, for an existing account, is accepted after signing in, by emailed code too); only then does
the person join. Another institution's administrator in the file learns of the invitation by
email and joins only by accepting it; the staff never see what the other institution holds."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.mail import subject_prefix
from coop.models import Membership, Role
from placements.models import PartnerContact
from placements.services.imports import import_confirm, import_preview

from ..factories import PASSWORD, PartnerFactory, member
from .pages import post, url
from .test_form_paths_imports import csv_upload

pytestmark = pytest.mark.django_db

NEW = "new.student@example.jp"
OUTSIDER = "admin@other.example.jp"


def _link(message):
    return re.search(r"https?://[^/\s]+(/\S+/join/\S+/)", message.body).group(1)


def _code(message):
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.M).group(1)


@pytest.fixture
def imported(client, tenant, other_tenant, django_capture_on_commit_callbacks):
    """Staff import a file holding a new address and the other institution's administrator."""
    member(other_tenant, Role.ADMIN, email=OUTSIDER, full_name="他校 管理者")
    client.force_login(member(tenant, Role.STAFF))
    rows = [["email", "full_name"], [NEW, "北陸 太郎"], [OUTSIDER, "上書き 花子"]]
    response = post(client, url("import_start", tenant), {"kind": "students", "file": csv_upload(rows)})
    page = client.get(response["Location"])
    token = page.context["confirm_form"].initial["token"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, url("import_confirm", tenant), {"token": token})
    return page.content.decode()


def test_the_preview_shows_only_the_files_values(imported):
    assert "他校 管理者" not in imported  # the other institution's name for its administrator
    assert "招待する" in imported and "上書き 花子" not in imported


def test_each_invited_person_gets_one_email_and_nobody_has_joined(imported, tenant, other_tenant):
    assert sorted(message.to[0] for message in mail.outbox) == [OUTSIDER, NEW]
    subject = subject_prefix(tenant) + f"{tenant.name} への招待"
    assert {message.subject for message in mail.outbox} == {subject}
    assert all("学生 として招待が届いています" in message.body for message in mail.outbox)
    with scopes_disabled():
        assert not Membership.objects.filter(tenant=tenant, user__email__in=[NEW, OUTSIDER]).exists()
        assert Membership.objects.get(tenant=other_tenant, user__email=OUTSIDER).role == Role.ADMIN


def test_a_new_person_sets_up_the_account_from_the_link(imported, tenant):
    (message,) = [m for m in mail.outbox if m.to == [NEW]]
    person = Client()
    signup = person.get(_link(message))
    assert signup.status_code == 200 and "form" in signup.context
    data = {"full_name": "北陸 太郎", "password1": PASSWORD, "password2": PASSWORD}
    response = person.post(_link(message), data)
    assert response["Location"] == reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    with scopes_disabled():
        joined = Membership.objects.get(tenant=tenant, user__email=NEW)
    assert (joined.role, joined.user.full_name) == (Role.STUDENT, "北陸 太郎")


def test_an_existing_account_joins_only_when_its_owner_accepts_signing_in_by_code(imported, tenant):
    (message,) = [m for m in mail.outbox if m.to == [OUTSIDER]]
    person = Client()
    first = person.get(_link(message))
    assert first.status_code == 200 and "login_url" in first.context  # sign in first
    person.post(reverse("account_request_login_code"), {"email": OUTSIDER})
    response = person.post(reverse("account_confirm_login_code"), {"code": _code(mail.outbox[-1])})
    assert response.status_code == 302 and "verification" not in response["Location"]
    with scopes_disabled():
        assert not Membership.objects.filter(tenant=tenant, user__email=OUTSIDER).exists()
    assert person.get(_link(message)).status_code == 200  # the page that asks to accept
    response = person.post(_link(message))
    assert response["Location"] == reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    with scopes_disabled():
        assert Membership.objects.get(tenant=tenant, user__email=OUTSIDER).role == Role.STUDENT


# --- Partner contacts ---------------------------------------------------------------------


def test_imported_partner_contacts_are_invited_and_linked_on_accepting(
    tenant, other_tenant, django_capture_on_commit_callbacks
):
    staff = member(tenant, Role.STAFF)
    partner = PartnerFactory(tenant=tenant, name="株式会社白山")
    PartnerFactory(tenant=other_tenant, name="他校の連携先")
    known = member(tenant, Role.PARTNER, email="known@hakusan.example.co.jp")
    rows = [
        ["受入先", "氏名", "役職", "メールアドレス"],
        ["株式会社白山", "白山 花子", "人事部 課長", "Hanako@Hakusan.example.co.jp"],
        ["株式会社白山", "白山 次郎", "", ""],
        ["株式会社白山", "既知 太郎", "", "known@hakusan.example.co.jp"],
    ]
    result = import_preview(tenant=tenant, kind="contacts", upload=csv_upload(rows), by=staff)
    assert (result.new, result.errors) == (3, [])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["hanako@hakusan.example.co.jp"], subject_prefix(tenant) + f"{tenant.name} への招待")
    ]
    with scopes_disabled():
        contacts = {c.full_name: c for c in PartnerContact.objects.filter(tenant=tenant, partner=partner)}
        assert contacts["既知 太郎"].user == known  # a partner person here already: linked at once
        assert contacts["白山 花子"].user is None  # until she accepts
        assert not Membership.objects.filter(tenant=tenant, user__email="hanako@hakusan.example.co.jp").exists()

    person = Client()
    data = {"full_name": "白山 花子", "password1": PASSWORD, "password2": PASSWORD}
    person.post(_link(mail.outbox[0]), data)
    with scopes_disabled():
        hanako = PartnerContact.objects.get(tenant=tenant, full_name="白山 花子")
        assert hanako.user.email == "hanako@hakusan.example.co.jp"
        assert Membership.objects.get(tenant=tenant, user=hanako.user).role == Role.PARTNER

    again = import_preview(tenant=tenant, kind="contacts", upload=csv_upload(rows), by=staff)
    assert (again.new, again.updated, again.unchanged, again.file_errors) == (0, 0, 3, [])
    elsewhere = [["partner", "full_name"], ["他校の連携先", "誰か"]]
    refused = import_preview(tenant=tenant, kind="contacts", upload=csv_upload(elsewhere), by=staff)
    assert refused.file_errors == []
    assert [(e.row, e.column, e.message) for e in refused.errors] == [
        (2, "partner", "この機関には「他校の連携先」という連携先はありません。")
    ]
