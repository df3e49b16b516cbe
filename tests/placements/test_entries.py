"""Entries from a coordinator's public project index (seed 002, issue 13 item 1), and the next
round of a finished project (item 6)."""

import re
from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop.models import HistoryEntry, Membership, Role, Tenant, User
from coop.tokens import hash_token
from placements.models import Application, Entry, EntrySchool, Placement, Theme
from placements.services import entries as services

from ..clock import at, jst
from ..factories import PASSWORD, PlacementFactory, ProgramFactory, TenantFactory, TermFactory, ThemeFactory, member
from ..files import PDF
from .pages import post, shown, url

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]

DUPLICATE = (
    "このメールアドレスからこのプロジェクトへのエントリーはすでにあります。"
    "お送りした確認メールを開くか、コーディネーターからの連絡をお待ちください。"
)
SENT = "入力されたアドレスにリンクをお送りしました。"


@pytest.fixture
def coordinator(db):
    return TenantFactory(name="北海道チャレンジ", slug="hokkaido", kind=Tenant.Kind.COORDINATOR)


@pytest.fixture
def staff(coordinator):
    return member(coordinator, Role.STAFF, email="staff@hokkaido.example.jp")


@pytest.fixture
def project(coordinator):
    return ThemeFactory(tenant=coordinator, state=Theme.State.OPEN, is_public=True, title="町のPRプロジェクト")


def entry_data(**changes):
    return {
        "full_name": "応募 花子",
        "email": "hanako@example.jp",
        "school": "北海道大学",
        "year": "2",
        "motivation": "地域の魅力を発信したい。",
        **changes,
    }


@pytest.fixture
def enter(client, django_capture_on_commit_callbacks):
    """Sends an entry through the public page as a visitor would; returns the response."""

    def send(theme, **changes):
        with django_capture_on_commit_callbacks(execute=True):
            return post(client, url("entry_create", theme.tenant, pk=theme.pk), entry_data(**changes))

    return send


def emailed_link():
    found = re.search(r"https?://\S+/entry/\S+/", mail.outbox[-1].body).group(0)
    return found[found.index("/t/") :]


# --- The public pages ----------------------------------------------------------------------


def test_the_public_index_and_project_page_link_the_entry_form_for_visitors(client, project):
    index = client.get(url("public_theme_index", project.tenant)).content.decode()
    entry = url("entry_create", project.tenant, pk=project.pk)
    assert entry in index
    page = client.get(url("public_theme_detail", project.tenant, pk=project.pk)).content.decode()
    assert entry in page
    assert "ログインして応募" in page  # members still apply as today
    assert client.get(entry).status_code == 200


def test_members_of_the_coordinator_are_not_offered_the_entry_form(client, project, staff, tenant):
    entry = url("entry_create", project.tenant, pk=project.pk)
    public = url("public_theme_detail", project.tenant, pk=project.pk)
    client.force_login(staff)
    assert entry not in client.get(public).content.decode()
    client.force_login(member(tenant, Role.STUDENT))  # a member elsewhere only: enters like a visitor
    assert entry in client.get(public).content.decode()


def test_a_schools_list_is_offered_and_another_school_may_be_typed(client, project, enter):
    with scopes_disabled():
        EntrySchool.objects.create(tenant=project.tenant, name="札幌市立大学")
    page = client.get(url("entry_create", project.tenant, pk=project.pk)).content.decode()
    assert '<datalist id="entry-schools"><option value="札幌市立大学">' in page
    assert enter(project, school="東京の専門学校").status_code == 302
    with scopes_disabled():
        assert Entry.objects.get().school == "東京の専門学校"


def test_a_school_or_high_school_takes_no_entries(client, tenant):
    theme = ThemeFactory(tenant=tenant, state=Theme.State.OPEN, is_public=True)
    assert client.get(url("entry_create", tenant, pk=theme.pk)).status_code == 404
    page = client.get(url("public_theme_detail", tenant, pk=theme.pk)).content.decode()
    assert url("entry_create", tenant, pk=theme.pk) not in page


def test_a_project_not_on_the_index_or_of_another_tenant_is_404(client, coordinator, project):
    draft = ThemeFactory(tenant=coordinator, state=Theme.State.DRAFT)
    other = TenantFactory(kind=Tenant.Kind.COORDINATOR)
    assert client.get(url("entry_create", coordinator, pk=draft.pk)).status_code == 404
    assert client.get(url("entry_create", other, pk=project.pk)).status_code == 404


def test_a_selecting_project_shows_why_it_takes_no_entry(client, project, enter):
    with scopes_disabled():
        Theme.objects.filter(pk=project.pk).update(state=Theme.State.SELECTING)
    page = client.get(url("entry_create", project.tenant, pk=project.pk)).content.decode()
    assert "このプロジェクトは現在エントリーを受け付けていません。" in page
    response = enter(project)
    assert "このプロジェクトは現在エントリーを受け付けていません。" in response.content.decode()
    assert mail.outbox == []


# --- Entering and confirming ---------------------------------------------------------------


def test_a_visitor_enters_confirms_by_email_and_lands_signed_in_on_the_application(client, project, staff, enter):
    response = enter(project, file=SimpleUploadedFile("portfolio.pdf", PDF, content_type="application/pdf"))
    assert response["Location"] == url("entry_sent", project.tenant, pk=project.pk)
    assert SENT in client.get(response["Location"]).content.decode()
    assert mail.outbox[-1].to == ["hanako@example.jp"]
    assert "町のPRプロジェクト" in mail.outbox[-1].subject
    with scopes_disabled():
        assert not Application.objects.exists()  # staff see nothing before the confirmation
        assert not User.objects.filter(email="hanako@example.jp").exists()

    link = emailed_link()
    page = client.get(link)
    assert page.status_code == 200
    assert "hanako@example.jp" in page.content.decode()
    with scopes_disabled():  # a GET never writes (mail scanners open links)
        assert Entry.objects.get().status == "pending"

    response = client.post(link, {"password1": "", "password2": ""})
    with scopes_disabled():
        application = Application.objects.get()
        applicant = application.student
        assert response["Location"] == application.get_absolute_url()
        assert applicant.email == "hanako@example.jp" and applicant.full_name == "応募 花子"
        assert not applicant.has_usable_password()  # signs in later with an emailed code
        assert list(Membership.objects.filter(user=applicant).values_list("tenant__slug", "role")) == [
            ("hokkaido", Role.STUDENT)
        ]
        assert application.motivation == "地域の魅力を発信したい。"
        assert application.file.read() == PDF
        assert application.entry.school == "北海道大学"
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert detail.wsgi_request.user == applicant
    # Staff see it in the applications list as any application, with the entry's school and year.
    client.force_login(staff)
    listed = client.get(url("application_list", project.tenant)).content.decode()
    assert "応募 花子" in listed and "北海道大学 · 2年" in listed
    shown_to_staff = client.get(application.get_absolute_url()).content.decode()
    assert "北海道大学" in shown_to_staff and "hanako@example.jp" in shown_to_staff
    assert client.get(url("application_file", project.tenant, pk=application.pk)).status_code == 200


def test_a_password_may_be_set_when_confirming(client, project, enter):
    enter(project)
    response = client.post(emailed_link(), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(email="hanako@example.jp").check_password(PASSWORD)


def test_mismatched_passwords_are_a_form_error_and_nothing_is_made(client, project, enter):
    enter(project)
    response = client.post(emailed_link(), {"password1": PASSWORD, "password2": "another-one"})
    assert "2つのパスワードが一致しません。" in response.content.decode()
    assert not User.objects.filter(email="hanako@example.jp").exists()


def test_the_link_is_single_use_and_expires(client, project, enter, travel):
    enter(project)
    link = emailed_link()
    client.post(link, {})
    client.logout()
    used = client.get(link)
    assert used.status_code == 410 and used.context["reason"] == "confirmed"

    enter(project, email="late@example.jp")
    late = emailed_link()
    travel(jst(2026, 12, 3, 10))  # 48 hours and more later
    expired = client.get(late)
    assert expired.status_code == 410 and expired.context["reason"] == "expired"
    assert client.post(late, {}).status_code == 410
    assert not User.objects.filter(email="late@example.jp").exists()


ENTER_AGAIN = "プロジェクトの公開ページからもう一度エントリーしてください。"
ASK_THE_OFFICE = "事務局に新しい招待を依頼してください。"


def test_a_spent_entry_link_tells_the_entrant_to_enter_again_from_the_project_page(client, project, enter, travel):
    """A visitor has no placement office to ask for a new link: they enter again."""
    enter(project)
    expired_link = emailed_link()
    travel(jst(2026, 12, 3, 10))  # 48 hours and more later
    expired = client.get(expired_link)
    page = expired.content.decode()
    assert expired.status_code == 410 and expired.context["reason"] == "expired"
    assert f"有効期限が切れています。\n{ENTER_AGAIN}</p>" in page
    assert f'<a href="{url("public_theme_detail", project.tenant, pk=project.pk)}">プロジェクトの公開ページ</a>' in page
    assert ASK_THE_OFFICE not in page

    # An unknown token (or an entry forgotten since): the same advice, with no project to link.
    unknown = client.get(expired_link[:-3] + "xx/")
    assert unknown.status_code == 404
    assert ENTER_AGAIN in unknown.content.decode() and "プロジェクトの公開ページ</a>" not in unknown.content.decode()

    # The project has left the index: no link to a page that would be a 404.
    with scopes_disabled():
        Theme.objects.filter(pk=project.pk).update(is_public=False)
    gone = client.get(expired_link).content.decode()
    assert ENTER_AGAIN in gone and "プロジェクトの公開ページ</a>" not in gone


def test_a_confirmed_entry_link_asks_to_sign_in_not_to_enter_again(client, project, enter):
    enter(project)
    link = emailed_link()
    client.post(link, {})
    client.logout()
    page = client.get(link).content.decode()
    assert "すでに使用済みです。\nエントリーは確認済みです。ログインして応募状況をご覧ください。</p>" in page
    assert ENTER_AGAIN not in page and ASK_THE_OFFICE not in page


def test_a_tampered_token_or_another_tenants_token_is_404(client, project, enter):
    enter(project)
    link = emailed_link()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    other = TenantFactory(kind=Tenant.Kind.COORDINATOR, slug="other-coord")
    under_other = reverse("placements:entry_confirm", kwargs={"tenant_slug": other.slug, "token": token})
    assert client.get(under_other).status_code == 404
    assert client.post(under_other, {}).status_code == 404
    assert client.get(link[:-3] + "xx/").status_code == 404
    with scopes_disabled():
        assert Entry.objects.get().token_hash == hash_token(token)  # only the hash is stored
        assert Entry.objects.get().status == "pending"


def test_an_existing_account_signs_in_first_then_its_entry_is_attached(client, project, enter, tenant):
    existing = member(tenant, Role.STUDENT, email="hanako@example.jp")  # a student of another school
    enter(project)
    link = emailed_link()
    page = client.get(link)
    assert "のアカウントはすでにあります。先にログインしてください。" in page.content.decode()
    assert "?next=" + link in page.content.decode()
    client.force_login(existing)
    assert "確定してエントリーを送る" in client.get(link).content.decode()
    response = client.post(link, {})
    with scopes_disabled():
        application = Application.objects.get()
        assert application.student == existing
        assert response["Location"] == application.get_absolute_url()
        roles = dict(Membership.objects.filter(user=existing).values_list("tenant__slug", "role"))
    assert roles == {"hokuriku": Role.STUDENT, "hokkaido": Role.STUDENT}
    assert client.get(response["Location"]).status_code == 200


def test_the_link_opened_by_another_signed_in_person_is_refused(client, project, enter, staff):
    enter(project)
    client.force_login(staff)
    response = client.post(emailed_link(), {})
    assert response.status_code == 403
    assert "このエントリーは hanako@example.jp で行われました。" in response.content.decode()
    with scopes_disabled():
        assert not Application.objects.exists()


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(client, project, enter, tenant):
    member(tenant, Role.STUDENT, email="known@example.jp")
    known = enter(project, email="known@example.jp")
    unknown = enter(project, email="unknown@example.jp")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The same email too: what to do next is said on the link's page, to the address's owner only.
    assert mail.outbox[0].body.split("/entry/")[0] == mail.outbox[1].body.split("/entry/")[0]


# --- Abuse control -------------------------------------------------------------------------


def test_a_duplicate_entry_is_refused_with_a_clear_message(client, project, enter):
    enter(project)
    again = enter(project, email="HANAKO@example.jp", full_name="別の名前")
    assert again.status_code == 200
    assert DUPLICATE in unescape(again.content.decode())
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert Entry.objects.count() == 1
    # Confirmed, it still counts; so does an application the person made as a member.
    client.post(emailed_link(), {})
    client.logout()
    assert DUPLICATE in unescape(enter(project).content.decode())


def test_an_expired_entry_may_be_made_again(client, project, enter, travel):
    enter(project)
    travel(jst(2026, 12, 5, 10))
    assert enter(project).status_code == 302
    with scopes_disabled():
        assert [e.status for e in Entry.objects.order_by("pk")] == ["revoked", "pending"]


def test_the_honeypot_answers_like_a_success_but_keeps_and_sends_nothing(client, project, enter):
    response = enter(project, website="http://spam.example")
    assert response["Location"] == url("entry_sent", project.tenant, pk=project.pk)
    assert mail.outbox == []
    with scopes_disabled():
        assert not Entry.objects.exists()


def test_entries_are_limited_per_email_address(client, coordinator, enter, settings):
    themes = [ThemeFactory(tenant=coordinator, state=Theme.State.OPEN, is_public=True) for _ in range(4)]
    for theme in themes[:3]:
        assert enter(theme).status_code == 302
    refused = enter(themes[3])
    assert refused.status_code == 429
    assert "このメールアドレスでのエントリーが多すぎます。" in refused.content.decode()
    assert enter(themes[3], email="other@example.jp").status_code == 302  # another address passes


def test_entries_are_limited_per_client_address(client, coordinator, enter, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "entry": "2/h/ip"}
    theme = ThemeFactory(tenant=coordinator, state=Theme.State.OPEN, is_public=True)
    assert enter(theme, email="a@example.jp").status_code == 302
    assert enter(theme, email="b@example.jp").status_code == 302
    refused = enter(theme, email="c@example.jp")
    assert refused.status_code == 429
    assert "お使いのネットワークからのエントリーが多すぎます。" in refused.content.decode()
    assert len(mail.outbox) == 2


def test_an_upload_of_a_wrong_type_is_a_form_error(client, project, enter):
    response = enter(project, file=SimpleUploadedFile("x.pdf", b"<html><script>", content_type="application/pdf"))
    assert response.status_code == 200
    assert "ファイルの内容が許可された形式ではありません。" in response.content.decode()
    assert mail.outbox == []


def test_a_visitor_may_send_an_entry_with_its_file_but_no_more(client, project, settings):
    from tests.coop.test_request_size import _post  # the unread oversized body of that test

    settings.ANONYMOUS_REQUEST_MAX_BYTES = 1024 * 1024
    entry = url("entry_create", project.tenant, pk=project.pk)
    three_mb = SimpleUploadedFile("portfolio.pdf", PDF + b"%" * (3 * 1024 * 1024), content_type="application/pdf")
    response = post(client, entry, entry_data(file=three_mb))
    assert response.status_code == 302
    with scopes_disabled():
        assert Entry.objects.get().file.size > 3 * 1024 * 1024
    assert _post(client, entry, 6 * 1024 * 1024 + 1).status_code == 413
    assert _post(client, url("public_theme_detail", project.tenant, pk=project.pk), 2 * 1024 * 1024).status_code == 413


def test_missing_fields_are_shown_and_nothing_is_sent(client, project, enter):
    response = enter(project, full_name="", email="not-an-email", year="")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"full_name", "email", "year"}
    assert mail.outbox == []


# --- Services ------------------------------------------------------------------------------


def test_the_confirmation_email_is_sent_once(project, django_capture_on_commit_callbacks):
    from placements.tasks import send_entry_confirmation  # the task as the sweeper or a retry would run it

    with scope(tenant=project.tenant), django_capture_on_commit_callbacks(execute=True):
        entry, token = services.entry_submit(theme=project, **entry_data())
    assert len(mail.outbox) == 1
    assert send_entry_confirmation(tenant_id=project.tenant_id, entry_id=entry.pk, token=token) is False
    assert len(mail.outbox) == 1


def test_the_sweeper_sends_an_entry_email_that_never_went_out_with_a_new_token(client, project, travel):
    from coop.sweeper import sweep_all  # the beat task's body, run as the beat would

    with scope(tenant=project.tenant):
        entry, lost_token = services.entry_submit(theme=project, **entry_data())  # its queued email is lost
    assert mail.outbox == []
    travel(jst(2026, 11, 30, 10, 5))
    assert sweep_all()["entry confirmations"] == 1
    assert len(mail.outbox) == 1
    lost = reverse("placements:entry_confirm", kwargs={"tenant_slug": project.tenant.slug, "token": lost_token})
    assert client.get(lost).status_code == 404
    assert client.get(emailed_link()).status_code == 200
    assert sweep_all()["entry confirmations"] == 0


def test_entries_never_confirmed_are_forgotten_with_their_file_a_week_after_expiry(
    project, travel, django_capture_on_commit_callbacks
):
    from coop.sweeper import sweep_all  # the beat task's body, run as the beat would

    pdf = SimpleUploadedFile("portfolio.pdf", PDF, content_type="application/pdf")
    with scope(tenant=project.tenant):
        forgotten, _token = services.entry_submit(theme=project, **entry_data(), file=pdf)
        confirmed, _token = services.entry_submit(theme=project, **entry_data(email="kept@example.jp"))
        services.entry_confirm(entry=confirmed)
    storage, name = forgotten.file.storage, forgotten.file.name
    travel(jst(2026, 12, 9, 9))  # expired on 12-02 10:00: not yet a week
    sweep_all()
    with scopes_disabled():
        assert Entry.objects.count() == 2
    travel(jst(2026, 12, 9, 11))
    with django_capture_on_commit_callbacks(execute=True):
        sweep_all()
    with scopes_disabled():
        assert list(Entry.objects.values_list("email", flat=True)) == ["kept@example.jp"]
    assert not storage.exists(name)


def test_confirm_is_single_use_at_the_service_level(project):
    with scope(tenant=project.tenant):
        entry, _token = services.entry_submit(theme=project, **entry_data())
        services.entry_confirm(entry=entry)
        entry.refresh_from_db()
        with pytest.raises(ValidationError, match="この確認リンクはもう使えません。"):
            services.entry_confirm(entry=Entry.objects.get(pk=entry.pk), user=entry.user)
        assert Application.objects.count() == 1
        history = HistoryEntry.objects.filter(object_id=entry.application_id, action="application.entry_confirmed")
        assert history.get().values == {"school": "北海道大学"}


def test_a_staff_account_cannot_turn_itself_into_an_applicant(project, staff):
    with scope(tenant=project.tenant):
        entry, _token = services.entry_submit(theme=project, **entry_data(email=staff.email))
        with pytest.raises(ValidationError) as refused:
            services.entry_confirm(entry=entry, user=staff)
        assert refused.value.code == "role"
        assert Membership.objects.get(user=staff).role == Role.STAFF
        assert not Application.objects.exists()
        assert Entry.objects.get().status == "pending"  # nothing half-written


def test_confirming_after_the_project_closed_is_refused(project):
    with scope(tenant=project.tenant):
        entry, _token = services.entry_submit(theme=project, **entry_data())
        Theme.objects.filter(pk=project.pk).update(state=Theme.State.SELECTING)
        entry = Entry.objects.select_related("theme").get(pk=entry.pk)
        with pytest.raises(ValidationError, match="このテーマは応募を受け付けていません。"):
            services.entry_confirm(entry=entry)
        assert not User.objects.filter(email="hanako@example.jp").exists()


def test_the_schools_list_is_kept_in_order(coordinator, staff, client):
    client.force_login(staff)
    assert url("entry_schools", coordinator) in client.get(url("theme_list", coordinator)).content.decode()
    response = post(
        client, url("entry_schools", coordinator), {"names": "小樽商科大学\n\n北見工業大学\n小樽商科大学\n"}
    )
    assert shown(response) == ["学校一覧を保存しました。"]
    with scope(tenant=coordinator):
        assert list(EntrySchool.objects.values_list("name", flat=True)) == ["小樽商科大学", "北見工業大学"]
    post(client, url("entry_schools", coordinator), {"names": "北見工業大学"})
    with scope(tenant=coordinator):
        assert list(EntrySchool.objects.values_list("name", flat=True)) == ["北見工業大学"]


# --- Next round ----------------------------------------------------------------------------


@pytest.fixture
def finished(coordinator):
    theme = ThemeFactory(
        tenant=coordinator, state=Theme.State.FILLED, title="町のPRプロジェクト", required_skills="SNS", pay="月5万円"
    )
    PlacementFactory(theme=theme, state=Placement.State.COMPLETED)
    return theme


def test_staff_copy_a_finished_project_into_a_draft_for_the_next_round(client, staff, finished):
    client.force_login(staff)
    page = client.get(finished.get_absolute_url()).content.decode()
    copy_url = url("theme_copy", finished.tenant, pk=finished.pk)
    assert copy_url in page
    response = post(client, copy_url, {"title": "町のPRプロジェクト 第2期", "lessons": "週1回の定例で方向を合わせる。"})
    with scope(tenant=finished.tenant):
        copy = Theme.objects.get(copied_from=finished)
        assert response["Location"] == copy.get_absolute_url()
        assert (copy.state, copy.title, copy.partner_id, copy.program_id) == (
            Theme.State.DRAFT,
            "町のPRプロジェクト 第2期",
            finished.partner_id,
            finished.program_id,
        )
        assert (copy.description, copy.required_skills, copy.pay) == (finished.description, "SNS", "月5万円")
        assert copy.lessons == "週1回の定例で方向を合わせる。"
        assert not copy.is_public and copy.institution_confirmed_at is None
        assert HistoryEntry.objects.filter(object_id=finished.pk, action="theme.copied_for_next_round").exists()
        assert HistoryEntry.objects.filter(object_id=copy.pk, action="theme.copied_from").exists()
    shown_copy = client.get(response["Location"]).content.decode()
    assert "週1回の定例で方向を合わせる。" in shown_copy and finished.get_absolute_url() in shown_copy


def test_a_completed_placement_links_the_copy_of_its_project(client, staff, finished):
    client.force_login(staff)
    with scopes_disabled():
        placement = Placement.objects.get(theme=finished)
    page = client.get(placement.get_absolute_url()).content.decode()
    assert url("theme_copy", finished.tenant, pk=finished.pk) in page


def test_the_applications_list_shows_entries_in_the_same_queries(client, project, staff, django_assert_num_queries):
    def entered(n):
        for i in range(n):
            with scope(tenant=project.tenant):
                entry, _token = services.entry_submit(theme=project, **entry_data(email=f"e{n}-{i}@example.jp"))
                services.entry_confirm(entry=entry)

    client.force_login(staff)
    for n in (1, 3):
        entered(n)
        with django_assert_num_queries(8):
            page = client.get(url("application_list", project.tenant)).content.decode()
        assert page.count("北海道大学 · 2年") == {1: 1, 3: 4}[n]


def test_a_project_that_is_not_finished_cannot_be_copied(client, staff, project):
    client.force_login(staff)
    refusal = "次回に向けて複製できるのは、終わったプロジェクト（終了したもの、または修了した派遣があるもの）だけです。"
    assert (
        url("theme_copy", project.tenant, pk=project.pk) not in client.get(project.get_absolute_url()).content.decode()
    )
    assert refusal in client.get(url("theme_copy", project.tenant, pk=project.pk)).content.decode()
    response = post(client, url("theme_copy", project.tenant, pk=project.pk), {"title": "x", "lessons": ""})
    assert refusal in response.content.decode()
    with scope(tenant=project.tenant):
        assert Theme.objects.count() == 1


def test_a_closed_theme_can_be_copied_by_the_service(coordinator, staff):
    theme = ThemeFactory(tenant=coordinator, state=Theme.State.CLOSED, lessons="前回の教訓")
    with scope(tenant=coordinator):
        copy = services.theme_copy_for_next_round(theme=theme, by=staff, lessons=theme.lessons + "\n今回の教訓")
        assert copy.lessons == "前回の教訓\n今回の教訓"
        assert copy.title == theme.title


def test_the_copy_takes_a_term_of_its_program_only(coordinator, staff, finished):
    with scope(tenant=coordinator):
        own = TermFactory(program=finished.program)
        foreign = TermFactory(program=ProgramFactory(tenant=coordinator))
        with pytest.raises(ValidationError) as refused:
            services.theme_copy_for_next_round(theme=finished, by=staff, lessons="", term=foreign)
        assert refused.value.message_dict == {"term": ["選んだプログラムの期を選んでください。"]}
        assert services.theme_copy_for_next_round(theme=finished, by=staff, lessons="", term=own).term == own


def test_another_tenants_theme_cannot_be_copied(client, finished, outsider, other_tenant):
    client.force_login(outsider)
    response = post(client, url("theme_copy", other_tenant, pk=finished.pk), {"title": "x"})
    assert response.status_code == 404


# --- Demo ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_demo_coordinator_has_open_projects_an_entry_waiting_and_one_running_placement(coordinator):
    from placements import demo  # the seeder as seed_demo runs it

    people = {role: member(coordinator, role, email=f"{role}@coord.example.jp") for role in Role}
    with scope(tenant=coordinator):
        demo.seed(coordinator, people)
        demo.seed(coordinator, people)  # idempotent
        public = Theme.objects.filter(is_public=True, state=Theme.State.OPEN)
        assert sorted(public.values_list("partner__kind", flat=True)) == ["company", "municipality", "npo"]
        entry = Entry.objects.select_related("application").get()
        assert entry.status == "confirmed" and entry.application.state == Application.State.SUBMITTED
        running = Placement.objects.get(state=Placement.State.ACTIVE)  # the only one: others attach to it
        assert (running.student, running.weekdays) == (people[Role.STUDENT], "0,1,3,4")
        assert 170 <= (running.ends_on - running.starts_on).days <= 200
        assert running.supervisors.get().contact.user == people[Role.PARTNER]
