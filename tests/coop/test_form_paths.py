"""Every choice of every coop form, posted through its page as the role that uses it: what is
saved, or the exact error the person sees (Japanese, the default language)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import DeadlineSettings, Invitation, Membership, Role, Tenant, User

from ..factories import PASSWORD, member

pytestmark = pytest.mark.django_db

INVALID_CHOICE = "正しく選択してください。 %s は候補にありません。"
REQUIRED = "このフィールドは必須です。"


def url(name, tenant, **kwargs):
    return reverse(f"coop:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- InvitationForm: every role, as admin and as staff ------------------------------------------


@pytest.mark.parametrize("role", list(Role.values))
def test_admin_invites_every_role(client, tenant, members, role, django_capture_on_commit_callbacks):
    client.force_login(members[Role.ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("invitations", tenant), {"email": f"New.{role}@Example.JP", "role": role})
    assert response.status_code == 302
    assert flashed(response) == [f"new.{role}@example.jp に招待を送りました。"]
    with scopes_disabled():
        invitation = Invitation.objects.get(tenant=tenant)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        f"new.{role}@example.jp",
        role,
        members[Role.ADMIN],
    )
    assert mail.outbox[-1].to == [f"new.{role}@example.jp"]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_staff_invites_every_role_but_administrator(client, tenant, members, role):
    client.force_login(members[Role.STAFF])
    response = client.post(url("invitations", tenant), {"email": "new@example.jp", "role": role})
    assert response.status_code == 302
    with scopes_disabled():
        assert Invitation.objects.get(tenant=tenant).role == role


def test_staff_cannot_invite_an_administrator(client, tenant, members):
    client.force_login(members[Role.STAFF])
    response = client.post(url("invitations", tenant), {"email": "new@example.jp", "role": Role.ADMIN})
    assert response.status_code == 200
    assert response.context["form"].errors == {"role": [INVALID_CHOICE % "admin"]}
    with scopes_disabled():
        assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"email": "", "role": Role.STUDENT}, {"email": [REQUIRED]}),
        ({"email": "not-an-address", "role": Role.STUDENT}, {"email": ["有効なメールアドレスを入力してください。"]}),
        ({"email": "new@example.jp", "role": "dean"}, {"role": [INVALID_CHOICE % "dean"]}),
        ({"email": "new@example.jp"}, {"role": [REQUIRED]}),
    ],
)
def test_invitation_form_refusals(client, tenant, members, data, errors):
    client.force_login(members[Role.ADMIN])
    response = client.post(url("invitations", tenant), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_inviting_an_active_member_is_refused_on_the_email_field(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    response = client.post(url("invitations", tenant), {"email": "STUDENT@hokuriku.example.jp", "role": Role.STAFF})
    assert response.context["form"].errors == {
        "email": ["student@hokuriku.example.jp はすでにこの機関のメンバーです。"]
    }
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_a_member_whose_access_was_removed_can_be_invited_back(
    client, tenant, members, django_capture_on_commit_callbacks
):
    """Removing access is undone by a new invitation: accepting it gives the access back
    (with the invitation's role). Before the fix the invitation was refused as "already a member"."""
    student = members[Role.STUDENT]
    with scopes_disabled():
        membership = Membership.objects.get(tenant=tenant, user=student)
    client.force_login(members[Role.ADMIN])
    client.post(url("member_update", tenant, pk=membership.pk), {"action": "deactivate"})
    membership.refresh_from_db()
    assert membership.is_active is False

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("invitations", tenant), {"email": student.email, "role": Role.STUDENT})
    assert response.status_code == 302, response.context["form"].errors
    link = re.search(r"https?://\S+/join/\S+/", mail.outbox[-1].body).group(0)
    client.force_login(student)
    response = client.post(link[link.index("/t/") :])
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.is_active, membership.role) == (True, Role.STUDENT)


# --- MembershipRoleForm and the deactivate action -------------------------------------------------


@pytest.mark.parametrize("role", list(Role.values))
def test_admin_sets_every_role(client, tenant, members, role):
    target = member(tenant, Role.STUDENT, email="target@example.jp", full_name="対象 太郎")
    with scopes_disabled():
        membership = Membership.objects.get(tenant=tenant, user=target)
    client.force_login(members[Role.ADMIN])
    response = client.post(url("member_update", tenant, pk=membership.pk), {"action": "role", "role": role})
    assert response.status_code == 302 and response["Location"] == url("members", tenant)
    assert flashed(response) == ["対象 太郎 さんの役割を変更しました。"]
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == (role, True)


@pytest.mark.parametrize("data", [{"action": "role", "role": "dean"}, {"action": "role"}, {"action": "promote"}])
def test_an_invalid_role_or_unknown_action_changes_nothing(client, tenant, members, data):
    with scopes_disabled():
        membership = Membership.objects.get(tenant=tenant, user=members[Role.FACULTY])
    client.force_login(members[Role.ADMIN])
    response = client.post(url("member_update", tenant, pk=membership.pk), data)
    assert flashed(response) == ["有効な役割を選んでください。"]
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == (Role.FACULTY, True)


def test_admin_removes_access(client, tenant, members):
    with scopes_disabled():
        membership = Membership.objects.get(tenant=tenant, user=members[Role.PARTNER])
    client.force_login(members[Role.ADMIN])
    response = client.post(url("member_update", tenant, pk=membership.pk), {"action": "deactivate"})
    assert flashed(response) == [f"{members[Role.PARTNER]} さんのアクセス権を外しました。"]
    membership.refresh_from_db()
    assert (membership.is_active, membership.role) == (False, Role.PARTNER)


def test_admin_gives_access_back_with_the_earlier_role(client, tenant, members):
    with scopes_disabled():
        membership = Membership.objects.get(tenant=tenant, user=members[Role.FACULTY])
    client.force_login(members[Role.ADMIN])
    client.post(url("member_update", tenant, pk=membership.pk), {"action": "deactivate"})
    page = client.get(url("members", tenant))
    assert 'name="action" value="activate"' in page.text and "アクセス権を戻す" in page.text
    response = client.post(url("member_update", tenant, pk=membership.pk), {"action": "activate"})
    assert flashed(response)[-1] == f"{members[Role.FACULTY]} さんのアクセス権を戻しました。"
    membership.refresh_from_db()
    assert (membership.is_active, membership.role) == (True, Role.FACULTY)


def test_giving_access_back_to_an_active_member_is_refused(client, tenant, members):
    with scopes_disabled():
        membership = Membership.objects.get(tenant=tenant, user=members[Role.FACULTY])
    client.force_login(members[Role.ADMIN])
    response = client.post(url("member_update", tenant, pk=membership.pk), {"action": "activate"})
    assert flashed(response) == [f"{members[Role.FACULTY]} さんはすでにアクセスできます。"]
    membership.refresh_from_db()
    assert membership.is_active is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "role", "role": Role.STUDENT}, "自分の役割は変更できません。"),
        ({"action": "deactivate"}, "自分自身のアクセス権は外せません。"),
    ],
)
def test_admin_cannot_change_or_remove_themselves(client, tenant, members, data, message):
    with scopes_disabled():
        membership = Membership.objects.get(tenant=tenant, user=members[Role.ADMIN])
    client.force_login(members[Role.ADMIN])
    response = client.post(url("member_update", tenant, pk=membership.pk), data)
    assert flashed(response) == [message]
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == (Role.ADMIN, True)


def test_staff_may_not_change_roles(client, tenant, members):
    with scopes_disabled():
        membership = Membership.objects.get(tenant=tenant, user=members[Role.STUDENT])
    client.force_login(members[Role.STAFF])
    response = client.post(url("member_update", tenant, pk=membership.pk), {"action": "role", "role": Role.ADMIN})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.STUDENT


# --- InvitationSignupForm -----------------------------------------------------------------------


@pytest.fixture
def join_link(client, tenant, members, django_capture_on_commit_callbacks):
    client.force_login(members[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("invitations", tenant), {"email": "newcomer@example.jp", "role": Role.FACULTY})
    client.logout()
    link = re.search(r"https?://\S+/join/\S+/", mail.outbox[-1].body).group(0)
    return link[link.index("/t/") :]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"full_name": "", "password1": PASSWORD, "password2": PASSWORD}, {"full_name": [REQUIRED]}),
        (
            {"full_name": "新人", "password1": PASSWORD, "password2": PASSWORD + "x"},
            {"password2": ["2つのパスワードが一致しません。"]},
        ),
        ({"full_name": "新人", "password1": "", "password2": ""}, {"password1": [REQUIRED], "password2": [REQUIRED]}),
        (
            {"full_name": "新人", "password1": "12345678", "password2": "12345678"},
            {"password1": ["このパスワードは一般的すぎます。", "このパスワードは数字しか使われていません。"]},
        ),
        (
            {"full_name": "x" * 151, "password1": PASSWORD, "password2": PASSWORD},
            {"full_name": ["この値は 150 文字以下でなければなりません( 151 文字になっています)。"]},
        ),
    ],
)
def test_signup_refusals(client, join_link, data, errors):
    response = client.post(join_link, data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert not User.objects.filter(email="newcomer@example.jp").exists()


def test_signup_creates_the_account_with_the_invited_role(client, tenant, join_link):
    response = client.post(join_link, {"full_name": "新人 花子", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.jp")
    assert (user.full_name, user.language) == ("新人 花子", "ja")
    with scopes_disabled():
        assert Membership.objects.get(user=user, tenant=tenant).role == Role.FACULTY


# --- LanguageForm --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_language_is_saved_for_the_signed_in_person(client, members, language):
    client.force_login(members[Role.STUDENT])
    response = client.post(reverse("coop:set_language"), {"language": language, "next": "/help/"})
    assert response.status_code == 302 and response["Location"] == "/help/"
    assert response.cookies["coop_language"].value == language
    members[Role.STUDENT].refresh_from_db()
    assert members[Role.STUDENT].language == language


@pytest.mark.parametrize("language", ["fr", ""])
def test_an_unknown_language_changes_nothing(client, members, language):
    client.force_login(members[Role.STUDENT])
    response = client.post(reverse("coop:set_language"), {"language": language, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "coop_language" not in response.cookies
    members[Role.STUDENT].refresh_from_db()
    assert members[Role.STUDENT].language == ""


# --- TenantSettingsForm --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_admin_saves_tenant_settings(client, tenant, members, language):
    client.force_login(members[Role.ADMIN])
    data = {"name": "北陸新大学", "language": language, "timezone": "America/New_York"}
    response = client.post(url("tenant_settings", tenant), data)
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert (tenant.name, tenant.language, tenant.timezone) == ("北陸新大学", language, "America/New_York")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": "", "language": "ja", "timezone": "Asia/Tokyo"}, {"name": [REQUIRED]}),
        ({"name": "x", "language": "fr", "timezone": "Asia/Tokyo"}, {"language": [INVALID_CHOICE % "fr"]}),
        ({"name": "x", "language": "ja", "timezone": "Mars/Olympus"}, {"timezone": [INVALID_CHOICE % "Mars/Olympus"]}),
        (
            {"name": "x" * 201, "language": "ja", "timezone": "Asia/Tokyo"},
            {"name": ["この値は 200 文字以下でなければなりません( 201 文字になっています)。"]},
        ),
    ],
)
def test_tenant_settings_refusals(client, tenant, members, data, errors):
    client.force_login(members[Role.ADMIN])
    response = client.post(url("tenant_settings", tenant), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    saved = Tenant.objects.get(pk=tenant.pk)
    assert (saved.name, saved.language, saved.timezone) == ("北陸テスト大学", "ja", "Asia/Tokyo")


def test_staff_may_not_change_tenant_settings(client, tenant, members):
    client.force_login(members[Role.STAFF])
    response = client.post(url("tenant_settings", tenant), {"name": "x", "language": "en", "timezone": "UTC"})
    assert response.status_code == 403
    assert Tenant.objects.get(pk=tenant.pk).name == "北陸テスト大学"


# --- ReminderChannelForm -------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role.values))
@pytest.mark.parametrize("channel", list(User.ReminderChannel.values))
def test_every_role_chooses_every_reminder_channel(client, tenant, members, role, channel):
    client.force_login(members[role])
    response = client.post(url("reminders", tenant), {"reminder_channel": channel})
    assert response.status_code == 302
    assert flashed(response) == ["リマインダーの設定を保存しました。"]
    members[role].refresh_from_db()
    assert members[role].reminder_channel == channel


@pytest.mark.parametrize("channel", ["sms", ""])
def test_an_unknown_reminder_channel_is_refused(client, tenant, members, channel):
    client.force_login(members[Role.STUDENT])
    response = client.post(url("reminders", tenant), {"reminder_channel": channel})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reminder_channel": [INVALID_CHOICE % channel if channel else REQUIRED]}
    members[Role.STUDENT].refresh_from_db()
    assert members[Role.STUDENT].reminder_channel == User.ReminderChannel.DIGEST


# --- DeadlineSettingsForm ------------------------------------------------------------------------

DEADLINES = {
    "daily_report_missing_days": "3",
    "monthly_report_due_day": "10",
    "evaluation_due_days": "21",
    "signature_waiting_days": "5",
    "digest_hour": "7",
}


def test_admin_saves_deadline_settings_then_changes_them(client, tenant, members):
    client.force_login(members[Role.ADMIN])
    assert client.post(url("deadline_settings", tenant), DEADLINES).status_code == 302
    changed = {**DEADLINES, "monthly_report_due_day": "28", "digest_hour": "0", "daily_report_missing_days": "0"}
    assert client.post(url("deadline_settings", tenant), changed).status_code == 302
    with scopes_disabled():
        saved = DeadlineSettings.objects.get(tenant=tenant)
    assert (
        saved.daily_report_missing_days,
        saved.monthly_report_due_day,
        saved.evaluation_due_days,
        saved.signature_waiting_days,
        saved.digest_hour,
    ) == (0, 28, 21, 5, 0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("monthly_report_due_day", "0", "この値は 1 以上でなければなりません。"),
        ("monthly_report_due_day", "29", "この値は 28 以下でなければなりません。"),
        ("digest_hour", "24", "この値は 23 以下でなければなりません。"),
        ("digest_hour", "-1", "この値は 0 以上でなければなりません。"),
        ("evaluation_due_days", "x", "整数を入力してください。"),
        ("signature_waiting_days", "", REQUIRED),
    ],
)
def test_deadline_settings_refusals(client, tenant, members, field, value, message):
    client.force_login(members[Role.ADMIN])
    response = client.post(url("deadline_settings", tenant), {**DEADLINES, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    with scopes_disabled():
        assert not DeadlineSettings.objects.exists()


def test_a_kind_no_longer_offered_does_not_block_the_settings(client, tenant, members):
    """The form shows name, language and time zone; before the fix the service checked every
    field, so a kind stored long ago (no longer a choice) answered 500 to a valid form."""
    Tenant.objects.filter(pk=tenant.pk).update(kind="school")
    client.force_login(members[Role.ADMIN])
    response = client.post(url("tenant_settings", tenant), {"name": "新名称", "language": "en", "timezone": "UTC"})
    assert response.status_code == 302
    saved = Tenant.objects.get(pk=tenant.pk)
    assert (saved.name, saved.language, saved.timezone, saved.kind) == ("新名称", "en", "UTC", "school")


def test_an_address_longer_than_the_database_keeps_is_refused(client, tenant, members):
    """Before the fix the form took up to 320 characters and the invitation stored 259 in a
    column of 254 (PostgreSQL answers that with a 500)."""
    address = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "jp"
    client.force_login(members[Role.ADMIN])
    response = client.post(url("invitations", tenant), {"email": address, "role": Role.STUDENT})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["この値は 254 文字以下でなければなりません( 259 文字になっています)。"]
    }
    with scopes_disabled():
        assert not Invitation.objects.exists()
