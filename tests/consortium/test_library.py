"""The good-practice library (issue 13, item 9): a member writes a case in its own tenant,
shares it with the consortium, and may withdraw it; other members' staff read what is shared."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from consortium.models import PracticeCase
from coop.models import DownloadLog

from ..clock import at
from ..files import PDF
from .helpers import join, make_consortium

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]


@pytest.fixture
def library_setup():
    consortium, coordinator = make_consortium()
    a, _a_admin, a_staff, _ = join(consortium, name="北陸工科大学")
    b, _b_admin, b_staff, _ = join(consortium, name="金沢グローバル大学")
    return consortium, coordinator, (a, a_staff), (b, b_staff)


def test_a_write_up_is_shared_read_by_another_member_and_withdrawn(client, library_setup):
    consortium, coordinator, (a, a_staff), (_b, b_staff) = library_setup
    client.force_login(a_staff)
    new = reverse("consortium_member:practice_create", kwargs={"tenant_slug": a.slug, "pk": consortium.pk})
    response = client.post(
        new,
        {
            "title": "合同面接会",
            "practice": "地域企業5社と合同面接会を開いた。",
            "lessons": "在留資格の説明会も用意する。",
            "file": SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        case = PracticeCase.objects.get()
    assert (case.tenant, case.state) == (a, PracticeCase.State.DRAFT)
    library = reverse("consortium:library", kwargs={"slug": consortium.slug})
    detail = reverse("consortium:library_case", kwargs={"slug": consortium.slug, "pk": case.pk})

    # A draft is not in the library.
    client.force_login(b_staff)
    assert "合同面接会" not in client.get(library).text
    assert client.get(detail).status_code == 404

    client.force_login(a_staff)
    state = reverse("consortium_member:practice_state", kwargs={"tenant_slug": a.slug, "pk": case.pk})
    assert "コンソーシアムのライブラリに共有しました" in client.post(state, {"to": "shared"}, follow=True).text
    client.force_login(b_staff)
    assert "合同面接会" in client.get(library).text
    page = client.get(detail).text
    assert "在留資格の説明会も用意する。" in page and "北陸工科大学" in page
    download = client.get(reverse("consortium:library_file", kwargs={"slug": consortium.slug, "pk": case.pk}))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    with scopes_disabled():  # logged in the author's institution
        log = DownloadLog.objects.get()
        assert (log.tenant, log.user) == (a, b_staff)
    client.force_login(coordinator)
    assert client.get(detail).status_code == 200

    # Withdrawn: gone from the library, and its file with it.
    client.force_login(a_staff)
    client.post(state, {"to": "withdrawn"})
    client.force_login(b_staff)
    assert "合同面接会" not in client.get(library).text
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("consortium:library_file", kwargs={"slug": consortium.slug, "pk": case.pk})).status_code
        == 404
    )


def test_another_member_cannot_edit_or_share_a_write_up(client, library_setup):
    consortium, _coordinator, (a, a_staff), (b, b_staff) = library_setup
    with scopes_disabled():
        case = PracticeCase.objects.create(tenant=a, consortium=consortium, title="A案", practice="…")
    client.force_login(b_staff)
    for name, method in (("practice_edit", "get"), ("practice_state", "post"), ("practice_file", "get")):
        url = reverse(f"consortium_member:{name}", kwargs={"tenant_slug": b.slug, "pk": case.pk})
        assert getattr(client, method)(url).status_code == 404, name
    with scopes_disabled():
        assert PracticeCase.objects.get().state == PracticeCase.State.DRAFT


def test_withdrawing_a_draft_is_refused_with_its_reason(client, library_setup):
    consortium, _coordinator, (a, a_staff), _b = library_setup
    with scopes_disabled():
        case = PracticeCase.objects.create(tenant=a, consortium=consortium, title="A案", practice="…")
    client.force_login(a_staff)
    url = reverse("consortium_member:practice_state", kwargs={"tenant_slug": a.slug, "pk": case.pk})
    response = client.post(url, {"to": "withdrawn"}, follow=True)
    assert "「下書き」から「取り下げ」には変更できません。" in response.text


def test_a_state_the_page_does_not_offer_is_not_found(client, library_setup):
    consortium, _coordinator, (a, a_staff), _b = library_setup
    with scopes_disabled():
        case = PracticeCase.objects.create(tenant=a, consortium=consortium, title="A案", practice="…")
    client.force_login(a_staff)
    url = reverse("consortium_member:practice_state", kwargs={"tenant_slug": a.slug, "pk": case.pk})
    assert client.post(url, {"to": "draft"}).status_code == 404
    assert client.post(url).status_code == 404
    with scopes_disabled():
        assert PracticeCase.objects.get().state == PracticeCase.State.DRAFT
