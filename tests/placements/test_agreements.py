"""Agreements: services (draft, issue, sign, sign outside, amend, terminate, render) and pages."""

import datetime
import subprocess

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import HistoryEntry, Membership, Role
from placements.models import Agreement, AgreementVersion, Signature
from placements.services import agreements as services
from placements.tasks import render_agreement_version

from ..factories import (
    AgreementFactory,
    ApplicationFactory,
    PartnerFactory,
    PlacementFactory,
    ThemeFactory,
    member,
    partner_person,
)
from ..html import body_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(tenant):
    return member(tenant, Role.STAFF, full_name="事務 太郎")


@pytest.fixture
def theme(tenant):
    return ThemeFactory(tenant=tenant, title="工場データの分析による業務改善")


@pytest.fixture
def partner_user(theme):
    return partner_person(theme.partner, full_name="企業 担当")


@pytest.fixture
def agreement(tenant, theme, staff):
    with scopes_disabled():
        return services.agreement_create(
            tenant=tenant,
            kind=Agreement.Kind.AGREEMENT,
            partner=theme.partner,
            theme=theme,
            title="",
            by=staff,
            valid_from=datetime.date(2026, 4, 1),
            valid_until=datetime.date(2027, 3, 31),
            terms="学生の就業は週4日とする。",
        )


def issue(agreement, by, capture):
    """Issues and runs what is queued on commit: the PDF render and the emails."""
    with scopes_disabled(), capture(execute=True):
        version = services.agreement_issue(agreement=agreement, by=by)
    with scopes_disabled():
        version.refresh_from_db()
        agreement.refresh_from_db()
    return version


def sign(agreement, party, user, capture, name="署名 者"):
    with scopes_disabled(), capture(execute=True):
        signature = services.agreement_sign(
            agreement=agreement, party=party, signed_name=name, signer=user, ip_address="192.0.2.10"
        )
    with scopes_disabled():
        agreement.refresh_from_db()
    return signature


def pdf_text(version):
    with scopes_disabled():
        version.refresh_from_db()
    return subprocess.run(["pdftotext", version.pdf.path, "-"], capture_output=True, text=True, check=True).stdout


def actions(agreement):
    with scopes_disabled():
        return list(
            HistoryEntry.objects.filter(object_id=agreement.pk, action__startswith="agreement.")
            .order_by("created_at", "id")
            .values_list("action", flat=True)
        )


# --- Services ----------------------------------------------------------------------------


def test_create_makes_a_draft_with_the_usual_title(agreement):
    assert agreement.state == Agreement.State.DRAFT
    assert agreement.title == "コーオプ教育協定書"
    assert actions(agreement) == ["agreement.created"]


def test_create_refuses_a_theme_of_another_partner(tenant, theme, staff):
    other = PartnerFactory(tenant=tenant)
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        services.agreement_create(
            tenant=tenant, kind=Agreement.Kind.AGREEMENT, partner=other, theme=theme, title="協定書", by=staff
        )
    assert error.value.message_dict == {"theme": ["このテーマは別の連携先のものです。"]}


def test_a_pledge_needs_the_students_application(tenant, theme, staff):
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.agreement_create(
            tenant=tenant, kind=Agreement.Kind.STUDENT_PLEDGE, partner=theme.partner, theme=theme, title="", by=staff
        )
    assert refused.value.message_dict == {"application": ["実施誓約書には学生の応募が必要です。"]}


def test_only_the_office_creates_agreements(tenant, theme):
    faculty = member(tenant, Role.FACULTY)
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.agreement_create(
            tenant=tenant, kind=Agreement.Kind.AGREEMENT, partner=theme.partner, title="協定書", by=faculty
        )
    assert refused.value.messages == ["これは事務局だけが行えます。"]


def test_issue_freezes_the_text_and_renders_the_pdf(
    agreement, staff, theme, partner_user, django_capture_on_commit_callbacks
):
    version = issue(agreement, staff, django_capture_on_commit_callbacks)
    assert agreement.state == Agreement.State.ISSUED
    assert version.number == 1
    assert version.pdf_state == AgreementVersion.PdfState.READY, version.pdf_error
    assert version.pdf.read(5) == b"%PDF-"
    assert version.context["theme"]["title"] == "工場データの分析による業務改善"
    assert version.context["period_text"] == "2026年4月1日から2027年3月31日まで"
    # The version keeps what it said when the theme changes later.
    with scopes_disabled():
        theme.title = "別のテーマ"
        theme.save()
        assert AgreementVersion.objects.get(pk=version.pk).context["theme"]["title"] == "工場データの分析による業務改善"
    assert "工場データの分析による業務改善" in pdf_text(version)
    # The partner person is asked to sign.
    assert [m.to for m in mail.outbox] == [[partner_user.email]]


def test_issue_only_from_draft(agreement, staff, django_capture_on_commit_callbacks):
    issue(agreement, staff, django_capture_on_commit_callbacks)
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.agreement_issue(agreement=agreement, by=staff)
    assert refused.value.messages == ["発行できるのは下書きだけです。"]


def test_every_party_signing_puts_it_in_force(agreement, staff, partner_user, django_capture_on_commit_callbacks):
    version = issue(agreement, staff, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    signature = sign(agreement, "partner", partner_user, django_capture_on_commit_callbacks, name="企業 担当")
    assert agreement.state == Agreement.State.ISSUED
    assert signature.method == Signature.Method.PORTAL
    assert signature.ip_address == "192.0.2.10"
    assert signature.signer == partner_user
    assert "企業 担当" in pdf_text(version)  # the PDF was rendered again with the signature
    mail.outbox.clear()
    sign(agreement, "institution", staff, django_capture_on_commit_callbacks, name="学長 代理")
    assert agreement.state == Agreement.State.IN_FORCE
    assert actions(agreement)[-3:] == ["agreement.signed", "agreement.signed", "agreement.in_force"]
    text = pdf_text(version)
    assert "学長 代理" in text and "企業 担当" in text
    # One email each that it is in force, to the partner person and the office.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([partner_user.email, staff.email])
    assert all(agreement.get_absolute_url() in m.body for m in mail.outbox)


def test_only_the_right_person_signs(tenant, agreement, staff, theme, partner_user, django_capture_on_commit_callbacks):
    issue(agreement, staff, django_capture_on_commit_callbacks)
    other_partner_person = partner_person(PartnerFactory(tenant=tenant))
    faculty = member(tenant, Role.FACULTY)
    student = member(tenant, Role.STUDENT)
    not_for_them = "この当事者として署名することはできません。"
    cases = [
        ("partner", other_partner_person, not_for_them),
        ("partner", staff, not_for_them),
        ("institution", partner_user, not_for_them),
        ("institution", faculty, not_for_them),
        ("partner", student, not_for_them),
        ("student", student, "この協定書にその当事者はいません。"),  # not a party of a co-op agreement
    ]
    for party, user, message in cases:
        with scopes_disabled(), pytest.raises(ValidationError) as refused:
            services.agreement_sign(agreement=agreement, party=party, signed_name="x", signer=user, ip_address=None)
        assert refused.value.messages == [message], (party, user)
    with scopes_disabled():
        assert not Signature.objects.exists()


def test_a_party_signs_a_version_once(agreement, staff, partner_user, django_capture_on_commit_callbacks):
    issue(agreement, staff, django_capture_on_commit_callbacks)
    sign(agreement, "partner", partner_user, django_capture_on_commit_callbacks)
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.agreement_sign(
            agreement=agreement, party="partner", signed_name="x", signer=partner_user, ip_address=None
        )
    assert refused.value.messages == ["この当事者はこの版にすでに署名しています。"]


def test_a_draft_cannot_be_signed(agreement, partner_user):
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.agreement_sign(
            agreement=agreement, party="partner", signed_name="x", signer=partner_user, ip_address=None
        )
    assert refused.value.messages == ["署名できるのは署名待ちの協定書だけです。"]


def test_the_student_signs_their_own_pledge(tenant, staff, django_capture_on_commit_callbacks):
    application = ApplicationFactory(theme__tenant=tenant)
    student = application.student
    member_student = member(tenant, Role.STUDENT)
    with scopes_disabled():
        Membership.objects.create(tenant=tenant, user=student, role=Role.STUDENT)
        pledge = services.agreement_create(
            tenant=tenant,
            kind=Agreement.Kind.STUDENT_PLEDGE,
            partner=application.theme.partner,
            application=application,
            title="",
            by=staff,
        )
    assert pledge.theme_id == application.theme_id  # taken from the application
    version = issue(pledge, staff, django_capture_on_commit_callbacks)
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.agreement_sign(
            agreement=pledge, party="student", signed_name="x", signer=member_student, ip_address=None
        )
    assert refused.value.messages == ["この当事者として署名することはできません。"]
    sign(pledge, "student", student, django_capture_on_commit_callbacks, name="学生 一郎")
    sign(pledge, "institution", staff, django_capture_on_commit_callbacks)
    assert pledge.state == Agreement.State.IN_FORCE
    text = pdf_text(version)
    assert "実施誓約書" in text and "学生 一郎" in text


def test_the_office_records_a_signature_made_on_paper(
    agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    version = issue(agreement, staff, django_capture_on_commit_callbacks)
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    with scopes_disabled():
        with pytest.raises(ValidationError) as refused:
            services.agreement_mark_signed_outside(
                agreement=agreement, party="partner", signed_name="代表 取締役", scan=None, by=staff
            )
        assert refused.value.message_dict == {"scan": ["署名済み文書のスキャンを添付してください。"]}
        with pytest.raises(ValidationError) as refused:  # not the office
            services.agreement_mark_signed_outside(
                agreement=agreement, party="partner", signed_name="代表 取締役", scan=scan, by=partner_user
            )
        assert refused.value.messages == ["これは事務局だけが行えます。"]
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        signature = services.agreement_mark_signed_outside(
            agreement=agreement, party="partner", signed_name="代表 取締役", scan=scan, by=staff
        )
    assert signature.method == Signature.Method.OUTSIDE
    assert signature.signer is None and signature.recorded_by == staff
    assert signature.scan.read() == b"%PDF-1.4 scan"
    assert "代表 取締役" in pdf_text(version)


def test_an_amendment_makes_a_new_version_and_keeps_the_old(
    agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    first = issue(agreement, staff, django_capture_on_commit_callbacks)
    sign(agreement, "partner", partner_user, django_capture_on_commit_callbacks)
    sign(agreement, "institution", staff, django_capture_on_commit_callbacks)
    assert agreement.state == Agreement.State.IN_FORCE
    with scopes_disabled():
        with pytest.raises(ValidationError) as refused:
            services.agreement_amend(agreement=agreement, reason=" ", by=staff)
        assert refused.value.message_dict == {"reason": ["改定理由を入力してください。"]}
        services.agreement_amend(agreement=agreement, reason="就業期間を2か月延長する", by=staff)
        agreement.refresh_from_db()
        assert agreement.state == Agreement.State.DRAFT
        services.agreement_update(agreement=agreement, by=staff, valid_until=datetime.date(2027, 5, 31))
    second = issue(agreement, staff, django_capture_on_commit_callbacks)
    assert (second.number, second.reason) == (2, "就業期間を2か月延長する")
    assert second.context["period_text"] == "2026年4月1日から2027年5月31日まで"
    assert agreement.state == Agreement.State.ISSUED
    with scopes_disabled():
        assert sorted(first.signatures.values_list("party", flat=True)) == ["institution", "partner"]
        assert not second.signatures.exists()
        assert AgreementVersion.objects.filter(agreement=agreement).count() == 2
    assert "就業期間を2か月延長する" in pdf_text(second)
    # Signing the new version puts the agreement in force again.
    sign(agreement, "partner", partner_user, django_capture_on_commit_callbacks)
    sign(agreement, "institution", staff, django_capture_on_commit_callbacks)
    assert agreement.state == Agreement.State.IN_FORCE


def test_only_drafts_are_edited(agreement, staff, django_capture_on_commit_callbacks):
    issue(agreement, staff, django_capture_on_commit_callbacks)
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.agreement_update(agreement=agreement, by=staff, terms="変更")
    assert refused.value.messages == ["編集できるのは下書きだけです。先に改定してください。"]


def test_terminate(agreement, staff, partner_user, django_capture_on_commit_callbacks):
    issue(agreement, staff, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError) as refused:
            services.agreement_terminate(agreement=agreement, reason="", by=staff)
        assert refused.value.message_dict == {"reason": ["解約理由を入力してください。"]}
        services.agreement_terminate(agreement=agreement, reason="受入中止のため", by=staff)
    with scopes_disabled():
        agreement.refresh_from_db()
        entry = HistoryEntry.objects.filter(object_id=agreement.pk, action="agreement.terminated").get()
    assert agreement.state == Agreement.State.TERMINATED
    assert entry.note == "受入中止のため"
    assert any(partner_user.email in m.to and "受入中止のため" in m.body for m in mail.outbox)
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.agreement_terminate(agreement=agreement, reason="again", by=staff)
    assert refused.value.messages == ["「中途終了」から「中途終了」には変更できません。"]


def test_a_failed_render_is_recorded(agreement, staff):
    with scopes_disabled():
        version = services.agreement_issue(agreement=agreement, by=staff)  # no commit: not rendered yet
        AgreementVersion.objects.filter(pk=version.pk).update(context={**version.context, "kind": "no_such_kind"})
    render_agreement_version(tenant_id=agreement.tenant_id, version_id=version.pk)
    with scopes_disabled():
        version.refresh_from_db()
    assert version.pdf_state == AgreementVersion.PdfState.FAILED
    assert "TemplateDoesNotExist" in version.pdf_error
    assert not version.pdf


def test_the_task_runs_in_the_tenant_scope(agreement, staff):
    with scopes_disabled():
        version = services.agreement_issue(agreement=agreement, by=staff)
    render_agreement_version(tenant_id=agreement.tenant_id, version_id=version.pk)  # no scope active here
    with scopes_disabled():
        version.refresh_from_db()
    assert version.pdf_state == AgreementVersion.PdfState.READY


def test_the_implementation_plan_names_the_people(tenant, theme, staff, django_capture_on_commit_callbacks):
    faculty = member(tenant, Role.FACULTY, full_name="指導 教員")
    PlacementFactory(theme=theme, faculty_supervisor=faculty)
    with scopes_disabled():
        plan = services.agreement_create(
            tenant=tenant,
            kind=Agreement.Kind.IMPLEMENTATION_PLAN,
            partner=theme.partner,
            theme=theme,
            title="",
            by=staff,
        )
    version = issue(plan, staff, django_capture_on_commit_callbacks)
    assert version.context["faculty_supervisors"] == ["指導 教員"]
    assert version.context["period_text"] == "2026年9月1日から2027年2月28日まで"  # from the placement
    text = pdf_text(version)
    assert "実施計画書" in text and "指導 教員" in text


# --- Pages -------------------------------------------------------------------------------


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_staff_create_a_draft_through_the_form(client, tenant, theme, staff):
    client.force_login(staff)
    assert client.get(url("agreement_create", tenant)).status_code == 200
    response = client.post(
        url("agreement_create", tenant),
        {
            "kind": Agreement.Kind.AGREEMENT,
            "partner": theme.partner.pk,
            "theme": theme.pk,
            "title": "",
            "valid_from": "2026-04-01",
            "valid_until": "2027-03-31",
            "terms": "",
        },
    )
    with scopes_disabled():
        agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.title == "コーオプ教育協定書"


def test_the_form_refuses_a_theme_of_another_partner(client, tenant, theme, staff):
    other = PartnerFactory(tenant=tenant)
    client.force_login(staff)
    response = client.post(
        url("agreement_create", tenant), {"kind": Agreement.Kind.AGREEMENT, "partner": other.pk, "theme": theme.pk}
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not Agreement.objects.exists()


def test_the_form_offers_only_this_tenants_partners(client, tenant, other_tenant, staff):
    PartnerFactory(tenant=tenant, name="自校の取引先")
    PartnerFactory(tenant=other_tenant, name="他校の取引先")
    client.force_login(staff)
    page = client.get(url("agreement_create", tenant)).content.decode()
    assert "自校の取引先" in page and "他校の取引先" not in page


def test_issue_and_sign_through_the_pages(
    client, tenant, agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("agreement_issue", tenant, pk=agreement.pk)).status_code == 302
    client.force_login(partner_user)
    detail = client.get(url("agreement_detail", tenant, pk=agreement.pk))
    assert detail.status_code == 200
    assert b'name="sign-signed_name"' in detail.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("agreement_sign", tenant, pk=agreement.pk),
            {"sign-party": "partner", "sign-signed_name": "企業 担当", "sign-agree": "on"},
            REMOTE_ADDR="198.51.100.7",
        )
    assert response.status_code == 302
    with scopes_disabled():
        signature = Signature.objects.get()
    assert (signature.party, signature.ip_address, signature.signer) == ("partner", "198.51.100.7", partner_user)
    # Without ticking the box nothing is signed.
    client.force_login(staff)
    client.post(url("agreement_sign", tenant, pk=agreement.pk), {"sign-party": "institution", "sign-signed_name": "x"})
    with scopes_disabled():
        assert Signature.objects.count() == 1


def test_record_a_paper_signature_through_the_page(
    client, tenant, agreement, staff, django_capture_on_commit_callbacks
):
    issue(agreement, staff, django_capture_on_commit_callbacks)
    client.force_login(staff)
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("agreement_mark_signed_outside", tenant, pk=agreement.pk),
            {"outside-party": "partner", "outside-signed_name": "代表 取締役", "outside-scan": scan},
        )
    assert response.status_code == 302
    with scopes_disabled():
        signature = Signature.objects.get()
    download = client.get(url("agreement_signature_scan", tenant, pk=signature.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 scan"
    # An uploaded scan is never shown in the portal's origin: an attachment, not sniffed, sandboxed.
    assert download["Content-Disposition"].startswith("attachment;")
    assert (download["X-Content-Type-Options"], download["Content-Security-Policy"]) == ("nosniff", "sandbox")
    # A scan that is not a PDF or an image is refused.
    bad = SimpleUploadedFile("signed.html", b"<script>", content_type="text/html")
    client.post(
        url("agreement_mark_signed_outside", tenant, pk=agreement.pk),
        {"outside-party": "institution", "outside-signed_name": "x", "outside-scan": bad},
    )
    with scopes_disabled():
        assert Signature.objects.count() == 1


def test_partner_people_see_their_partners_issued_agreements_only(
    client, tenant, agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    client.force_login(partner_user)
    assert client.get(url("agreement_detail", tenant, pk=agreement.pk)).status_code == 404  # still a draft
    issue(agreement, staff, django_capture_on_commit_callbacks)
    other = AgreementFactory(partner=PartnerFactory(tenant=tenant), state=Agreement.State.ISSUED, title="他社の協定書")
    assert client.get(url("agreement_detail", tenant, pk=agreement.pk)).status_code == 200
    assert client.get(url("agreement_detail", tenant, pk=other.pk)).status_code == 404
    page = client.get(url("agreement_list", tenant)).content.decode()
    assert agreement.title in page and "他社の協定書" not in page


def test_the_pdf_is_served_after_the_access_check(
    client, tenant, agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    version = issue(agreement, staff, django_capture_on_commit_callbacks)
    client.force_login(partner_user)
    response = client.get(url("agreement_version_pdf", tenant, pk=version.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    stranger = partner_person(PartnerFactory(tenant=tenant))
    client.force_login(stranger)
    assert client.get(url("agreement_version_pdf", tenant, pk=version.pk)).status_code == 404


def test_the_detail_page_shows_versions_signatures_and_history(
    client, tenant, agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    version = issue(agreement, staff, django_capture_on_commit_callbacks)
    sign(agreement, "partner", partner_user, django_capture_on_commit_callbacks, name="企業 担当")
    client.force_login(staff)
    page = client.get(url("agreement_detail", tenant, pk=agreement.pk)).content.decode()
    assert "企業 担当" in page
    assert url("agreement_version_pdf", tenant, pk=version.pk) in page
    assert str(staff) in page  # the history names who issued it
    assert 'name="outside-scan"' in page  # the institution has not signed yet
    assert 'name="amend-reason"' in page and 'name="terminate-reason"' in page


def test_the_list_filters_by_state_and_kind(client, tenant, staff):
    partner = PartnerFactory(tenant=tenant)
    AgreementFactory(partner=partner, title="下書きの協定書")
    AgreementFactory(
        partner=partner, title="締結済みの計画書", kind=Agreement.Kind.IMPLEMENTATION_PLAN, state="in_force"
    )
    client.force_login(staff)
    page = client.get(url("agreement_list", tenant), {"state": "in_force"}).content.decode()
    assert "締結済みの計画書" in page and "下書きの協定書" not in page
    page = client.get(url("agreement_list", tenant), {"kind": "agreement"}).content.decode()
    assert "下書きの協定書" in page and "締結済みの計画書" not in page


def test_students_see_only_their_own_issued_pledges(client, tenant, staff):
    student = member(tenant, Role.STUDENT)
    mine = ApplicationFactory(theme__tenant=tenant, student=student)
    theirs = ApplicationFactory(theme__tenant=tenant)
    for application, title in [(mine, "私の誓約書"), (theirs, "他人の誓約書")]:
        AgreementFactory(
            partner=application.theme.partner,
            theme=application.theme,
            application=application,
            kind=Agreement.Kind.STUDENT_PLEDGE,
            state=Agreement.State.ISSUED,
            title=title,
        )
    client.force_login(student)
    page = client.get(url("agreement_list", tenant)).content.decode()
    assert "私の誓約書" in page and "他人の誓約書" not in page


def _rows(tenant, partner, n):
    """n issued pledges; returns how each row of the list starts: title, kind, partner, student."""
    starts = []
    for i in range(n):
        application = ApplicationFactory(theme__tenant=tenant, theme__partner=partner)
        agreement = AgreementFactory(
            partner=partner,
            theme=application.theme,
            application=application,
            kind=Agreement.Kind.STUDENT_PLEDGE,
            state=Agreement.State.ISSUED,
            title=f"誓約書 {i}",
        )
        with scopes_disabled():
            AgreementVersion.objects.create(tenant=tenant, agreement=agreement, number=1)
        starts.append(f"誓約書 {i} 実施誓約書 {partner.name} {application.student.full_name} ")
    return starts


@pytest.mark.parametrize("rows", [1, 3])
def test_the_list_is_constant_in_queries_for_staff(client, tenant, staff, django_assert_num_queries, rows):
    starts = _rows(tenant, PartnerFactory(tenant=tenant), rows)
    client.force_login(staff)
    # session, user, tenant, membership, the page count, the agreements with partner/theme/student
    with django_assert_num_queries(6):
        response = client.get(url("agreement_list", tenant))
    assert response.status_code == 200
    assert response.content.decode().count("誓約書 ") == rows
    shown = body_rows(response.text)
    assert len(shown) == rows
    assert all(any(row.startswith(start) for row in shown) for start in starts), (shown, starts)


@pytest.mark.parametrize("rows", [1, 3])
def test_the_list_is_constant_in_queries_for_partner_people(client, tenant, django_assert_num_queries, rows):
    partner = PartnerFactory(tenant=tenant)
    starts = _rows(tenant, partner, rows)
    client.force_login(partner_person(partner))
    with django_assert_num_queries(6):
        response = client.get(url("agreement_list", tenant))
    assert response.status_code == 200
    assert response.content.decode().count("誓約書 ") == rows
    shown = body_rows(response.text)
    assert len(shown) == rows
    assert all(any(row.startswith(start) for row in shown) for start in starts), (shown, starts)


def test_the_version_in_force_stays_visible_during_an_amendment(
    client, tenant, agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    """Issue 11 item 3: after 改定する, version 1 is still in force until version 2 is signed:
    the partner still opens the agreement (the amendment email's own link) and its PDF, and
    both sides see "in force: version 1" next to the amendment's state."""
    first = issue(agreement, staff, django_capture_on_commit_callbacks)
    sign(agreement, "partner", partner_user, django_capture_on_commit_callbacks)
    sign(agreement, "institution", staff, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        services.agreement_amend(agreement=agreement, reason="就業期間を2か月延長する", by=staff)
        services.agreement_update(agreement=agreement, by=staff, terms="下書きの新しい条項")
    detail = url("agreement_detail", tenant, pk=agreement.pk)
    assert any(detail in message.body for message in mail.outbox)
    client.force_login(partner_user)
    response = client.get(detail)
    assert response.status_code == 200
    page = response.content.decode()
    assert "第1版が発効中" in page
    assert "改定中" in page
    assert "下書きの新しい条項" not in page  # the draft's text is the office's until issued
    assert client.get(url("agreement_version_pdf", tenant, pk=first.pk)).status_code == 200
    assert agreement.title in client.get(url("agreement_list", tenant)).content.decode()
    client.force_login(staff)
    page = client.get(detail).content.decode()
    assert "第1版が発効中" in page and "第2版を改定中（下書き）" in page
    assert "下書きの新しい条項" in page
    # The new version is issued: version 1 is still the one in force until it is signed.
    second = issue(agreement, staff, django_capture_on_commit_callbacks)
    with scopes_disabled():
        agreement.refresh_from_db()
        assert agreement.in_force_version_id == first.pk
    page = client.get(detail).content.decode()
    assert "第1版が発効中" in page and "第2版を改定中（署名待ち）" in page
    sign(agreement, "partner", partner_user, django_capture_on_commit_callbacks)
    sign(agreement, "institution", staff, django_capture_on_commit_callbacks)
    with scopes_disabled():
        agreement.refresh_from_db()
        assert agreement.in_force_version_id == second.pk
    page = client.get(detail).content.decode()
    assert "<dt>発効中の版</dt><dd>第2版</dd>" in page and "改定中" not in page


def test_a_draft_never_issued_stays_hidden_from_the_partner(client, tenant, agreement, partner_user):
    client.force_login(partner_user)
    assert client.get(url("agreement_detail", tenant, pk=agreement.pk)).status_code == 404


def test_the_same_history_reads_in_each_readers_language(
    client, tenant, agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    """Issue 11 item 5: history stores what happened (a code and its values), not a sentence
    in the writer's language."""
    issue(agreement, staff, django_capture_on_commit_callbacks)
    sign(agreement, "partner", partner_user, django_capture_on_commit_callbacks, name="企業 担当")
    with scopes_disabled():
        signed = HistoryEntry.objects.get(object_id=agreement.pk, action="agreement.signed")
    assert (signed.values, signed.note) == ({"number": 1, "party": "partner", "name": "企業 担当"}, "")
    client.force_login(staff)
    page = client.get(url("agreement_detail", tenant, pk=agreement.pk)).content.decode()
    assert "下書きを作成" in page and "Draft created" not in page
    assert "第1版を署名のために発行しました。" in page
    assert "第1版・連携先：企業 担当" in page
    staff.language = "en"
    staff.save(update_fields=["language"])
    page = client.get(url("agreement_detail", tenant, pk=agreement.pk)).content.decode()
    assert "Draft created" in page and "下書きを作成" not in page
    assert "Version 1 issued for signature." in page
    assert "Version 1, Partner: 企業 担当" in page


def test_the_page_shows_the_pdf_being_rendered_and_swaps_to_it_when_ready(
    client, tenant, agreement, staff, partner_user, django_capture_on_commit_callbacks
):
    # Issue 11 item 18: the PDF is rendered after the response; the page polls a small part of
    # itself (htmx) instead of asking to be reloaded, and the partner's signing form appears once
    # the PDF can be read.
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=False):
        version = services.agreement_issue(agreement=agreement, by=staff)  # the render is not run yet
    status = url("agreement_version_pdf_status", tenant, pk=version.pk)
    client.force_login(partner_user)
    page = client.get(url("agreement_detail", tenant, pk=agreement.pk)).content.decode()
    assert f'hx-get="{status}?waiting=1"' in page and 'hx-trigger="every 2s"' in page
    assert 'name="sign-signed_name"' not in page
    polled = client.get(status + "?waiting=1", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in polled.content.decode() and "HX-Refresh" not in polled
    with scopes_disabled():
        render_agreement_version(tenant_id=tenant.pk, version_id=version.pk)
    ready = client.get(status + "?waiting=1", HTTP_HX_REQUEST="true")
    body = ready.content.decode()
    assert ready["HX-Refresh"] == "true"  # the page reloads with the signing form
    assert url("agreement_version_pdf", tenant, pk=version.pk) in body and "hx-trigger" not in body
    page = client.get(url("agreement_detail", tenant, pk=agreement.pk)).content.decode()
    assert 'name="sign-signed_name"' in page and "hx-trigger" not in page
    client.force_login(staff)  # the office was not waiting to sign: the part swaps, no reload
    swapped = client.get(status, HTTP_HX_REQUEST="true")
    assert (
        "HX-Refresh" not in swapped and url("agreement_version_pdf", tenant, pk=version.pk) in swapped.content.decode()
    )
