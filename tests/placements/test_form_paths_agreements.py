"""Every path of the agreement forms, posted through the pages: AgreementForm (each kind, each
refusal), SignForm (each party, in the portal), OutsideSignatureForm (paper, with a scan of each
accepted type), ReasonForm (amend and terminate, with and without a reason); and what a student
pledge says and who is asked to sign it."""

import datetime
import subprocess
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Agreement, AgreementVersion, Application, Signature
from tests import files

from ..factories import AgreementFactory, ApplicationFactory, PartnerFactory, TermFactory, ThemeFactory, partner_person

pytestmark = pytest.mark.django_db

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=JST)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def post(client, path, data=None):
    """Posts as a fresh page load would: the messages shown earlier are gone."""
    client.cookies.pop("messages", None)
    return client.post(path, data or {})


def shown(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff(members):
    return members[Role.STAFF]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def theme(tenant):
    term = TermFactory(program__tenant=tenant, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2027, 3, 31))
    return ThemeFactory(tenant=tenant, program=term.program, term=term, title="工場データの分析による業務改善")


@pytest.fixture
def partner_user(theme):
    return partner_person(theme.partner, full_name="企業 担当", email="tanto@partner.example.jp")


@pytest.fixture
def application(theme, members):
    return ApplicationFactory(theme=theme, student=members[Role.STUDENT], state=Application.State.ACCEPTED)


def agreements():
    with scopes_disabled():
        return list(Agreement.objects.order_by("id"))


def refreshed(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


# --- AgreementForm: each kind, each refusal -----------------------------------------------


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("agreement", "コーオプ教育協定書"),
        ("implementation_plan", "コーオプ教育実施計画書"),
        ("course_memorandum", "寄附講座実施覚書"),
        ("student_pledge", "実施誓約書"),
    ],
)
def test_each_kind_is_created_with_its_usual_title(staff_client, tenant, staff, theme, application, kind, title):
    data = {
        "kind": kind,
        "partner": theme.partner.pk,
        "valid_from": "2026-12-01",
        "valid_until": "2027-05-31",
        "terms": "週4日",
    }
    if kind == "student_pledge":
        data["application"] = application.pk  # the theme comes from the application
    else:
        data["theme"] = theme.pk
    response = post(staff_client, url("agreement_create", tenant), data)
    [agreement] = agreements()
    assert response.status_code == 302
    assert shown(response) == ["下書きを作成しました。署名の準備ができたら発行してください。"]
    assert (agreement.kind, agreement.title, agreement.state, agreement.theme) == (kind, title, "draft", theme)
    assert (agreement.valid_from, agreement.valid_until) == (datetime.date(2026, 12, 1), datetime.date(2027, 5, 31))
    assert (agreement.terms, agreement.created_by) == ("週4日", staff)


def create_errors(client, tenant, **data):
    response = post(client, url("agreement_create", tenant), data)
    assert response.status_code == 200
    assert agreements() == []
    return response.context["form"].errors


def test_a_pledge_without_an_application_is_refused(staff_client, tenant, theme):
    errors = create_errors(staff_client, tenant, kind="student_pledge", partner=theme.partner.pk, theme=theme.pk)
    assert errors == {"application": ["実施誓約書には学生の応募が必要です。"]}


def test_an_unknown_kind_is_refused(staff_client, tenant, theme):
    errors = create_errors(staff_client, tenant, kind="contract", partner=theme.partner.pk)
    assert errors == {"kind": ["正しく選択してください。 contract は候補にありません。"]}


def test_an_end_before_the_start_is_refused(staff_client, tenant, theme):
    errors = create_errors(
        staff_client,
        tenant,
        kind="agreement",
        partner=theme.partner.pk,
        valid_from="2027-04-01",
        valid_until="2027-03-31",
    )
    assert errors == {"valid_until": ["協定の終了日は開始日より前にできません。"]}


def test_a_theme_of_another_partner_is_refused(staff_client, tenant, theme):
    other = PartnerFactory(tenant=tenant)
    errors = create_errors(staff_client, tenant, kind="agreement", partner=other.pk, theme=theme.pk)
    assert errors == {"theme": ["このテーマは別の連携先のものです。"]}


def test_an_application_for_another_theme_is_refused(staff_client, tenant, theme, application):
    second = ThemeFactory(tenant=tenant, partner=theme.partner)
    errors = create_errors(
        staff_client,
        tenant,
        kind="student_pledge",
        partner=theme.partner.pk,
        theme=second.pk,
        application=application.pk,
    )
    assert errors == {"application": ["この応募は別のテーマへのものです。"]}


@pytest.mark.parametrize("state", ["rejected", "withdrawn", "declined"])
def test_an_application_that_ended_is_not_a_choice(staff_client, tenant, theme, application, state):
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(state=state)
    errors = create_errors(
        staff_client, tenant, kind="student_pledge", partner=theme.partner.pk, application=application.pk
    )
    assert errors == {
        "application": [
            "正しく選択してください。選択したものは候補にありません。",
            "実施誓約書には学生の応募が必要です。",
        ]
    }


def test_an_inactive_or_foreign_partner_is_not_a_choice(staff_client, tenant, other_tenant):
    inactive = PartnerFactory(tenant=tenant, is_active=False)
    foreign = PartnerFactory(tenant=other_tenant)
    for partner in (inactive, foreign):
        errors = create_errors(staff_client, tenant, kind="agreement", partner=partner.pk)
        assert errors == {"partner": ["正しく選択してください。選択したものは候補にありません。"]}


def test_edit_a_draft_and_refuse_to_edit_an_issued_one(staff_client, tenant, theme):
    draft = AgreementFactory(partner=theme.partner, theme=theme, kind="agreement")
    edit = url("agreement_update", tenant, pk=draft.pk)
    response = post(staff_client, edit, {"kind": "course_memorandum", "partner": theme.partner.pk, "title": "覚書"})
    assert shown(response) == ["下書きを保存しました。"]
    assert (refreshed(draft).kind, draft.title, draft.theme) == ("course_memorandum", "覚書", None)
    with scopes_disabled():
        Agreement.objects.filter(pk=draft.pk).update(state=Agreement.State.ISSUED)
    response = post(staff_client, edit, {"kind": "agreement", "partner": theme.partner.pk, "title": "変更"})
    assert shown(response) == ["編集できるのは下書きだけです。先に改定してください。"]
    assert refreshed(draft).title == "覚書"


# --- Issue, sign in the portal (each party), sign outside with a scan --------------------


def issue(client, tenant, agreement, capture):
    with capture(execute=True):
        response = post(client, url("agreement_issue", tenant, pk=agreement.pk))
    return response


@pytest.fixture
def co_op_agreement(theme, staff):
    return AgreementFactory(
        partner=theme.partner, theme=theme, kind="agreement", title="コーオプ教育協定書", created_by=staff
    )


def sign(client, tenant, agreement, capture, **data):
    with capture(execute=True):
        return post(client, url("agreement_sign", tenant, pk=agreement.pk), {f"sign-{k}": v for k, v in data.items()})


def test_each_party_signs_in_the_portal(
    client, staff_client, tenant, staff, partner_user, co_op_agreement, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    response = issue(staff_client, tenant, co_op_agreement, capture)
    assert shown(response) == ["協定書を署名のために発行しました。"]
    with scopes_disabled():
        version = AgreementVersion.objects.get(agreement=co_op_agreement)
    assert (refreshed(co_op_agreement).state, version.pdf_state) == ("issued", "ready")

    response = sign(
        staff_client, tenant, co_op_agreement, capture, party="institution", signed_name="学長 代理", agree="on"
    )
    assert shown(response) == ["署名を記録しました。"]
    client.force_login(partner_user)
    response = sign(client, tenant, co_op_agreement, capture, party="partner", signed_name=" 企業 担当 ", agree="on")
    assert shown(response) == ["署名を記録しました。"]
    with scopes_disabled():
        signatures = {s.party: (s.method, s.signed_name, s.signer) for s in Signature.objects.filter(version=version)}
    assert signatures == {
        "institution": ("portal", "学長 代理", staff),
        "partner": ("portal", "企業 担当", partner_user),
    }
    assert refreshed(co_op_agreement).state == "in_force"


@pytest.mark.parametrize(
    ("who", "data", "message"),
    [
        ("staff", {"party": "institution", "signed_name": "学長 代理"}, "このフィールドは必須です。"),  # agree unticked
        ("staff", {"party": "institution", "signed_name": "", "agree": "on"}, "このフィールドは必須です。"),
        (
            "staff",
            {"party": "student", "signed_name": "学生", "agree": "on"},
            "正しく選択してください。 student は候補にありません。",
        ),
        (
            "staff",
            {"party": "partner", "signed_name": "事務", "agree": "on"},
            "この当事者として署名することはできません。",
        ),
        (
            "partner",
            {"party": "institution", "signed_name": "企業", "agree": "on"},
            "この当事者として署名することはできません。",
        ),
    ],
)
def test_portal_signing_refusals(
    client, staff_client, tenant, partner_user, co_op_agreement, django_capture_on_commit_callbacks, who, data, message
):
    issue(staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks)
    if who == "partner":
        client.force_login(partner_user)
    response = sign(client, tenant, co_op_agreement, django_capture_on_commit_callbacks, **data)
    assert shown(response) == [message]
    with scopes_disabled():
        assert not Signature.objects.exists()


def test_signing_a_draft_or_twice_is_refused(staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    data = {"party": "institution", "signed_name": "学長 代理", "agree": "on"}
    assert shown(sign(staff_client, tenant, co_op_agreement, capture, **data)) == [
        "署名できるのは署名待ちの協定書だけです。"
    ]
    issue(staff_client, tenant, co_op_agreement, capture)
    sign(staff_client, tenant, co_op_agreement, capture, **data)
    assert shown(sign(staff_client, tenant, co_op_agreement, capture, **data)) == [
        "この当事者はこの版にすでに署名しています。"
    ]
    with scopes_disabled():
        assert Signature.objects.count() == 1


def outside(client, tenant, agreement, capture, scan=None, **data):
    payload = {f"outside-{k}": v for k, v in data.items()}
    if scan is not None:
        payload["outside-scan"] = scan
    with capture(execute=True):
        return post(client, url("agreement_mark_signed_outside", tenant, pk=agreement.pk), payload)


@pytest.mark.parametrize(
    ("name", "content"),
    [("signed.pdf", files.PDF), ("signed.JPG", files.JPEG), ("signed.png", files.PNG)],
)
def test_paper_signatures_with_each_scan_type(
    staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks, name, content
):
    capture = django_capture_on_commit_callbacks
    issue(staff_client, tenant, co_op_agreement, capture)
    for party, signer in (("partner", "企業 代表"), ("institution", "学長")):
        response = outside(
            staff_client,
            tenant,
            co_op_agreement,
            capture,
            SimpleUploadedFile(name, content),
            party=party,
            signed_name=signer,
        )
        assert shown(response) == ["ポータル外での署名を記録しました。"]
    with scopes_disabled():
        signatures = list(Signature.objects.order_by("id"))
    assert [(s.party, s.method, s.signed_name, s.signer) for s in signatures] == [
        ("partner", "outside", "企業 代表", None),
        ("institution", "outside", "学長", None),
    ]
    assert all(s.scan.read() == content for s in signatures)
    assert refreshed(co_op_agreement).state == "in_force"


@pytest.mark.parametrize(
    ("scan", "data", "message"),
    [
        (None, {"party": "partner", "signed_name": "企業 代表"}, "このフィールドは必須です。"),
        (
            SimpleUploadedFile("signed.docx", b"PK\x03\x04"),
            {"party": "partner", "signed_name": "企業 代表"},
            "ファイルの内容が許可された形式ではありません。許可されている形式：PDF、PNG、JPEG。",
        ),
        (
            SimpleUploadedFile("huge.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024)),
            {"party": "partner", "signed_name": "企業 代表"},
            "ファイルが20MBを超えています。",
        ),
        (
            SimpleUploadedFile("s.pdf", files.PDF),
            {"party": "student", "signed_name": "学生"},
            "正しく選択してください。 student は候補にありません。",
        ),
        (
            SimpleUploadedFile("s.pdf", files.PDF),
            {"party": "partner", "signed_name": "   "},
            "このフィールドは必須です。",
        ),
    ],
)
def test_paper_signature_refusals(
    staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks, scan, data, message
):
    issue(staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks)
    response = outside(staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks, scan, **data)
    assert shown(response) == [message]
    with scopes_disabled():
        assert not Signature.objects.exists()


def test_only_the_office_records_paper_signatures(
    client, staff_client, tenant, partner_user, co_op_agreement, django_capture_on_commit_callbacks
):
    issue(staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks)
    client.force_login(partner_user)
    response = outside(
        client,
        tenant,
        co_op_agreement,
        django_capture_on_commit_callbacks,
        SimpleUploadedFile("s.pdf", files.PDF),
        party="partner",
        signed_name="企業",
    )
    assert response.status_code == 403


# --- ReasonForm: amend and terminate ---------------------------------------------------------


def test_amend_with_and_without_a_reason(staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks):
    amend = url("agreement_amend", tenant, pk=co_op_agreement.pk)
    assert shown(post(staff_client, amend, {"amend-reason": "期間の変更"})) == [
        "改定できるのは発行済みまたは発効した協定書だけです。"
    ]
    issue(staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks)
    for blank in ("", "   "):
        response = post(staff_client, amend, {"amend-reason": blank})
        assert shown(response) == ["理由を入力してください。 このフィールドは必須です。"]
        assert refreshed(co_op_agreement).state == "issued"
    response = post(staff_client, amend, {"amend-reason": "期間の変更"})
    assert shown(response) == ["協定書は下書きに戻りました。編集してから新しい版を発行してください。"]
    assert refreshed(co_op_agreement).state == "draft"
    issue(staff_client, tenant, co_op_agreement, django_capture_on_commit_callbacks)
    with scopes_disabled():
        assert list(AgreementVersion.objects.order_by("number").values_list("number", "reason")) == [
            (1, ""),
            (2, "期間の変更"),
        ]


@pytest.mark.parametrize("state", ["draft", "issued", "in_force"])
def test_terminate_from_each_state(staff_client, tenant, co_op_agreement, state):
    with scopes_disabled():
        Agreement.objects.filter(pk=co_op_agreement.pk).update(state=state)
    terminate = url("agreement_terminate", tenant, pk=co_op_agreement.pk)
    assert shown(post(staff_client, terminate, {"terminate-reason": ""})) == [
        "理由を入力してください。 このフィールドは必須です。"
    ]
    assert refreshed(co_op_agreement).state == state
    assert shown(post(staff_client, terminate, {"terminate-reason": "受入終了"})) == ["協定書を解約しました。"]
    assert refreshed(co_op_agreement).state == "terminated"
    response = post(staff_client, terminate, {"terminate-reason": "再度"})
    assert shown(response) == ["「中途終了」から「中途終了」には変更できません。"]


# --- The student pledge: its work period and who is asked to sign ------------------------------


@pytest.fixture
def plan(theme):
    """The theme's implementation plan: the work runs December to May, across two terms."""
    return AgreementFactory(
        partner=theme.partner,
        theme=theme,
        kind=Agreement.Kind.IMPLEMENTATION_PLAN,
        title="コーオプ教育実施計画書",
        state=Agreement.State.IN_FORCE,
        valid_from=datetime.date(2026, 12, 1),
        valid_until=datetime.date(2027, 5, 31),
    )


def prepare_pledge(client, tenant, application, capture):
    with capture(execute=True):
        response = post(client, url("application_action", tenant, pk=application.pk, action="prepare_pledge"))
    assert shown(response) == ["実施誓約書を署名のために発行しました。"]
    with scopes_disabled():
        pledge = Agreement.objects.get(application=application, kind=Agreement.Kind.STUDENT_PLEDGE)
        return pledge, pledge.versions.get()


def test_the_pledge_states_the_plans_work_period(
    staff_client, tenant, application, plan, django_capture_on_commit_callbacks
):
    pledge, version = prepare_pledge(staff_client, tenant, application, django_capture_on_commit_callbacks)
    assert version.context["period_text"] == "2026年12月1日から2027年5月31日まで"
    text = subprocess.run(["pdftotext", version.pdf.path, "-"], capture_output=True, text=True, check=True).stdout
    assert "2026年12月1日から2027年5月31日まで" in text
    assert "2026年4月1日" not in text


def test_a_pledge_without_a_plan_states_the_term(staff_client, tenant, application, django_capture_on_commit_callbacks):
    # The co-op agreement's validity is not a work period: without a plan, the pledge states the term.
    AgreementFactory(
        partner=application.theme.partner,
        theme=application.theme,
        kind=Agreement.Kind.AGREEMENT,
        state=Agreement.State.IN_FORCE,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
    )
    _pledge, version = prepare_pledge(staff_client, tenant, application, django_capture_on_commit_callbacks)
    assert version.context["period_text"] == "2026年4月1日から2027年3月31日まで"


def test_the_pledges_own_dates_come_first(staff_client, tenant, application, plan, django_capture_on_commit_callbacks):
    pledge = AgreementFactory(
        partner=application.theme.partner,
        theme=application.theme,
        application=application,
        kind=Agreement.Kind.STUDENT_PLEDGE,
        title="実施誓約書",
        valid_from=datetime.date(2027, 1, 5),
        valid_until=datetime.date(2027, 3, 31),
    )
    issue(staff_client, tenant, pledge, django_capture_on_commit_callbacks)
    with scopes_disabled():
        assert pledge.versions.get().context["period_text"] == "2027年1月5日から2027年3月31日まで"


def test_only_the_pledges_signers_are_asked_to_sign(
    client, staff_client, tenant, members, application, partner_user, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    student, staff = members[Role.STUDENT], members[Role.STAFF]
    mail.outbox.clear()
    pledge, _version = prepare_pledge(staff_client, tenant, application, capture)
    title = f"実施誓約書：{application.theme.title}"
    assert [(m.to, m.subject) for m in mail.outbox] == [([student.email], f"[{tenant.name}] 署名のお願い：{title}")]

    mail.outbox.clear()
    client.force_login(student)
    response = sign(client, tenant, pledge, capture, party="student", signed_name="学生 一郎", agree="on")
    assert shown(response) == ["署名を記録しました。"]
    admin = members[Role.ADMIN]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [(admin.email, f"[{tenant.name}] 署名済み：{title}"), (staff.email, f"[{tenant.name}] 署名済み：{title}")]
    )
    assert partner_user.email not in {m.to[0] for m in mail.outbox}


def test_a_pledge_signed_on_paper_by_each_of_its_parties(
    staff_client, tenant, application, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    pledge, version = prepare_pledge(staff_client, tenant, application, capture)
    response = outside(
        staff_client, tenant, pledge, capture, SimpleUploadedFile("p.pdf", files.PDF), party="partner", signed_name="x"
    )
    assert shown(response) == ["正しく選択してください。 partner は候補にありません。"]  # not a party of a pledge
    for party, name in (("student", "学生 一郎"), ("institution", "学長")):
        response = outside(
            staff_client, tenant, pledge, capture, SimpleUploadedFile("p.pdf", files.PDF), party=party, signed_name=name
        )
        assert shown(response) == ["ポータル外での署名を記録しました。"]
    with scopes_disabled():
        assert sorted(Signature.objects.filter(version=version).values_list("party", "method")) == [
            ("institution", "outside"),
            ("student", "outside"),
        ]
    assert refreshed(pledge).state == "in_force"


def test_another_tenants_agreement_is_not_found(client, tenant, other_tenant, outsider, co_op_agreement):
    client.force_login(outsider)
    for name in ("agreement_issue", "agreement_sign", "agreement_amend", "agreement_terminate"):
        response = post(client, url(name, other_tenant, pk=co_op_agreement.pk), {"terminate-reason": "x"})
        assert response.status_code == 404, name
    assert refreshed(co_op_agreement).state == "draft"
