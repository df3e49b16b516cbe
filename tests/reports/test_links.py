"""Emailed links for partner supervisors: sent and re-sent by staff, opened and used without an
account or a sign-in, single-purpose, expiring, revocable; expired, revoked, used, tampered and
foreign links get a clear page."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from coop.models import Role
from coop.tokens import hash_token
from reports import selectors, services
from reports.models import AccessLink, AccessLinkOpen, Evaluation, MonthlyReport

from ..clock import at, jst
from ..factories import PartnerContactFactory, TenantFactory, member
from ..html import body_rows
from ..permission_cases.reports_evaluations import placement_with_practitioner
from .factories import MonthlyReportFactory, running_placement

# Placements, reports and links count from today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

SCORES = {f"score_c{n}": str(n) for n in range(1, 6)}


def url(name, tenant, **kwargs):
    return reverse(f"reports:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def placement(tenant, members):
    return placement_with_practitioner(tenant, members)


@pytest.fixture
def outside_boss(placement):
    """A partner supervisor with no portal account."""
    from placements.models import PlacementSupervisor

    contact = PartnerContactFactory(partner=placement.partner, full_name="外部 太郎", email="taro@partner.example.jp")
    with scopes_disabled():
        PlacementSupervisor.objects.create(tenant=placement.tenant, placement=placement, contact=contact)
    return contact


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Staff send a link from the placement's report page; returns the path in the email."""

    def sender(client, tenant, placement, contact, purpose="evaluation", month=""):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("link_send", tenant, pk=placement.pk), {"contact": contact.pk, "purpose": purpose, "month": month}
            )
        assert response.status_code == 302
        assert len(mail.outbox) == 1, "the link is emailed"
        message = mail.outbox[0]
        assert message.to == [contact.email]
        return re.search(r"(/t/[-\w]+/reports/l/[-\w]+/)", message.body).group(1)

    return sender


def test_partner_evaluation_through_the_link_without_an_account(client, tenant, members, placement, outside_boss, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, placement, outside_boss)
    client.logout()

    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Finding problems" in page.text
    assert page["Referrer-Policy"] == "same-origin" and "no-cache" in page["Cache-Control"]
    assert '<nav class="mainnav"' not in page.text, "no portal navigation for an outsider"
    # A draft keeps the link usable.
    response = client.post(path, {"score_c1": "3", "comments": "途中", "action": "save"})
    assert response.status_code == 302 and response["Location"] == path
    assert "途中" in client.get(path).text
    response = client.post(path, {**SCORES, "comments": "期待以上の成果", "action": "submit"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session, "the link never signs anybody in"
    with scopes_disabled():
        evaluation = Evaluation.objects.get()
        link = AccessLink.objects.get()
    assert (evaluation.state, evaluation.kind, evaluation.rater, evaluation.rater_name) == (
        "submitted",
        "partner",
        None,
        "外部 太郎",
    )
    assert evaluation.via_link_id == link.pk and link.used_at and link.opened_at
    assert client.get(path).status_code == 410


def test_feedback_through_the_link(client, tenant, members, placement, outside_boss, send):
    month = timezone.localdate().replace(day=1)
    MonthlyReportFactory(placement=placement, month=month)
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, placement, outside_boss, purpose="feedback", month=f"{month:%Y-%m}")
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "今月はデータの前処理に取り組んだ。" in page.text
    assert client.post(path, {"text": "よく頑張っています。"}).status_code == 200
    with scopes_disabled():
        report = MonthlyReport.objects.get()
    assert (report.partner_feedback, report.partner_feedback_name, report.partner_feedback_by) == (
        "よく頑張っています。",
        "外部 太郎",
        None,
    )
    assert client.get(path).status_code == 410
    # The student sees who wrote it.
    client.force_login(members[Role.STUDENT])
    assert "外部 太郎" in client.get(url("monthly_detail", tenant, pk=placement.pk, month=month)).text


def test_feedback_needs_a_submitted_monthly_report(in_tenant, members, placement, outside_boss):
    from django.core.exceptions import ValidationError

    month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError) as refused:
        services.access_link_send(
            placement=placement, contact=outside_boss, purpose="feedback", month=month, by=members[Role.STAFF]
        )
    assert refused.value.messages == ["学生はまだこの月報を提出していません。"]
    MonthlyReportFactory(placement=placement, month=month, state=MonthlyReport.State.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.access_link_send(
            placement=placement, contact=outside_boss, purpose="feedback", month=month, by=members[Role.STAFF]
        )
    assert refused.value.messages == ["学生はまだこの月報を提出していません。"]


def test_links_go_only_to_the_placements_partner_supervisors(in_tenant, members, placement):
    from django.core.exceptions import ValidationError

    stranger = PartnerContactFactory(partner=placement.partner, email="other@partner.example.jp")
    with pytest.raises(ValidationError) as refused:
        services.access_link_send(placement=placement, contact=stranger, purpose="evaluation", by=members[Role.STAFF])
    assert refused.value.messages == ["リンクはこの就業の企業担当者にだけ送れます。"]


def _link(placement, contact, token, **fields):
    fields.setdefault("expires_at", timezone.now() + datetime.timedelta(days=14))
    fields.setdefault("purpose", AccessLink.Purpose.EVALUATION)
    with scopes_disabled():
        return AccessLink.objects.create(
            tenant=placement.tenant,
            placement=placement,
            contact=contact,
            email=contact.email,
            token_hash=hash_token(token),
            **fields,
        )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        # Parameters are built at collection, outside the module's date: the instants are spelled out.
        ({"expires_at": jst(2026, 11, 18, 9, 59)}, "It has expired."),
        ({"revoked_at": jst(2026, 11, 17, 10)}, "It was withdrawn"),
        ({"used_at": jst(2026, 11, 17, 10)}, "The form was submitted with it already."),
    ],
)
def test_expired_revoked_and_used_links_are_gone(client, tenant, placement, outside_boss, fields, reason):
    _link(placement, outside_boss, "a-token", **fields)
    path = url("link", tenant, token="a-token")
    for response in (client.get(path, HTTP_ACCEPT_LANGUAGE="en"), client.post(path, {**SCORES, "action": "submit"})):
        assert response.status_code == 410
    assert reason in client.get(path, HTTP_ACCEPT_LANGUAGE="en").text
    with scopes_disabled():
        assert not Evaluation.objects.exists()
        assert not AccessLinkOpen.objects.exists()


def test_tampered_and_foreign_tokens_are_404(client, tenant, placement, outside_boss):
    _link(placement, outside_boss, "the-real-token")
    assert client.get(url("link", tenant, token="the-real-tokeN"), HTTP_ACCEPT_LANGUAGE="en").status_code == 404
    assert "This link does not work" in client.get(url("link", tenant, token="x" * 40), HTTP_ACCEPT_LANGUAGE="en").text
    # Another tenant's valid token under this tenant's address.
    other = TenantFactory(slug="elsewhere")
    foreign = running_placement(other, partner_user=member(other, Role.PARTNER))
    with scopes_disabled():
        foreign_contact = foreign.supervisors.get().contact
    _link(foreign, foreign_contact, "foreign-token")
    assert client.get(url("link", tenant, token="foreign-token")).status_code == 404
    assert client.post(url("link", tenant, token="foreign-token"), {**SCORES, "action": "submit"}).status_code == 404
    assert client.get(url("link", other, token="foreign-token")).status_code == 200
    assert client.get(url("link", other, token="the-real-token")).status_code == 404
    # Unknown tenant.
    assert client.get(url("link", TenantFactory.build(slug="nowhere"), token="the-real-token")).status_code == 404


def test_a_link_for_one_placement_cannot_touch_another(client, tenant, members, placement, outside_boss, send):
    other = running_placement(tenant, partner_user=members[Role.PARTNER])
    MonthlyReportFactory(placement=other)
    _link(placement, outside_boss, "for-a")
    # Whatever the form says, the link acts on its own placement and purpose only.
    client.post(
        url("link", tenant, token="for-a"),
        {**SCORES, "placement": other.pk, "kind": "faculty", "text": "x", "action": "submit"},
    )
    with scopes_disabled():
        assert list(Evaluation.objects.values_list("placement_id", "kind")) == [(placement.pk, "partner")]
        assert MonthlyReport.objects.get(placement=other).partner_feedback == ""


def test_a_feedback_link_does_not_write_an_evaluation(client, tenant, placement, outside_boss):
    month = timezone.localdate().replace(day=1)
    MonthlyReportFactory(placement=placement, month=month)
    _link(placement, outside_boss, "feedback-only", purpose=AccessLink.Purpose.FEEDBACK, month=month)
    client.post(url("link", tenant, token="feedback-only"), {**SCORES, "action": "submit", "text": "所見"})
    with scopes_disabled():
        assert not Evaluation.objects.exists()
        assert MonthlyReport.objects.get().partner_feedback == "所見"


def test_sending_again_replaces_the_earlier_link_and_staff_see_the_opens(
    client, tenant, members, placement, outside_boss, send
):
    client.force_login(members[Role.STAFF])
    first = send(client, tenant, placement, outside_boss)
    second = send(client, tenant, placement, outside_boss)
    client.logout()
    assert client.get(first).status_code == 410
    client.get(second, HTTP_USER_AGENT="Partner Browser/1.0")
    client.get(second)
    client.force_login(members[Role.STAFF])
    page = client.get(url("placement", tenant, pk=placement.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert "2 times" in page.text and "Revoked" in page.text and "Waiting" in page.text
    with scopes_disabled():
        waiting = AccessLink.objects.get(revoked_at__isnull=True)
    detail = client.get(url("link_detail", tenant, pk=waiting.pk))
    assert "Partner Browser/1.0" in detail.text
    assert client.post(url("link_revoke", tenant, pk=waiting.pk)).status_code == 302
    client.logout()
    assert client.get(second).status_code == 410


def test_a_signed_in_member_opening_a_link_stays_who_they_are(client, tenant, members, placement, outside_boss, send):
    _link(placement, outside_boss, "mine")
    client.force_login(members[Role.STUDENT])
    client.post(url("link", tenant, token="mine"), {**SCORES, "action": "submit"})
    assert int(client.session["_auth_user_id"]) == members[Role.STUDENT].pk
    with scopes_disabled():
        assert Evaluation.objects.get().rater is None


@pytest.mark.parametrize("rows", [1, 3])
def test_link_lists_queries_do_not_grow(
    client, tenant, members, placement, outside_boss, django_assert_num_queries, rows
):
    for n in range(rows):
        link = _link(placement, outside_boss, f"token-{n}")
        with scopes_disabled():
            AccessLinkOpen.objects.create(tenant=tenant, link=link, user_agent=f"UA {n}")
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, placement, daily reports, the days off (report settings,
    # closures), monthly reports, final report, presentations, evaluations, final result, the
    # placement's suspensions, links with their opens, the contacts of the form, the months of the
    # form, the contacts again (the form's choices)
    with django_assert_num_queries(18):
        response = client.get(url("placement", tenant, pk=placement.pk))
    assert response.text.count('class="badge link-pending"') == rows
    sent = [
        row for row in body_rows(response.text) if row.startswith(f"{outside_boss.full_name} {outside_boss.email} ")
    ]
    assert len(sent) == rows and all(row.endswith(" 未使用 取り消す") for row in sent)
    # session, user, tenant, membership, link, placement, opens
    with django_assert_num_queries(7):
        response = client.get(url("link_detail", tenant, pk=link.pk))
    assert response.text.count("UA ") == 1
    opens = body_rows(response.text)
    assert len(opens) == 1 and opens[0].endswith(f" UA {rows - 1}")  # the last link's one open


def test_link_is_logged_when_opened(in_tenant, placement, outside_boss):
    link = _link(placement, outside_boss, "logged")
    services.access_link_open(link=link, ip_address="192.0.2.1", user_agent="x")
    services.access_link_open(link=link)
    link.refresh_from_db()
    assert link.opened_at and link.opens.count() == 2
    with scope(tenant=in_tenant):
        assert selectors.access_link_for_token(in_tenant, "logged").pk == link.pk
        assert selectors.access_link_for_token(in_tenant, "") is None


@pytest.mark.parametrize("rows", [1, 3])
def test_link_list_queries_do_not_grow(
    client, tenant, members, placement, outside_boss, django_assert_num_queries, rows
):
    for n in range(rows):
        _link(placement, outside_boss, f"token-{n}")
    _link(placement, outside_boss, "used-one", used_at=timezone.now())
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, the count, the page of links with placement, student,
    # partner, contact and open counts
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:link_list", kwargs={"tenant_slug": tenant.slug}) + "?state=pending")
    assert response.text.count('class="badge link-pending"') == rows
    assert "link-used" not in response.text.split("<tbody>")[1]
    with scopes_disabled():
        start = f"{placement.student.full_name} {placement.partner.name} {outside_boss.full_name} {outside_boss.email} "
    shown = body_rows(response.text)
    assert len(shown) == rows and all(row.startswith(start) and row.endswith(" 未使用") for row in shown)


def test_email_names_the_student_the_form_and_the_expiry(client, tenant, members, placement, outside_boss, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, placement, outside_boss)
    body = mail.outbox[0].body
    with scopes_disabled():
        link = AccessLink.objects.get()
    assert str(placement.student) in mail.outbox[0].subject and "外部 太郎" in body
    assert f"{timezone.localtime(link.expires_at):%Y-%m-%d}" in body and path in body
    assert round((link.expires_at - link.created_at).total_seconds() / 86400) == AccessLink.VALID_DAYS
    assert hash_token(path.rstrip("/").rsplit("/", 1)[1]) == link.token_hash, "only the hash is stored"


def test_a_report_sent_back_after_the_link_went_out_waits(client, tenant, members, placement, outside_boss):
    month = timezone.localdate().replace(day=1)
    report = MonthlyReportFactory(placement=placement, month=month)
    _link(placement, outside_boss, "early", purpose=AccessLink.Purpose.FEEDBACK, month=month)
    with scope(tenant=tenant):
        services.monthly_report_return(report=report, by=members[Role.FACULTY], reason="追記")
    page = client.get(url("link", tenant, token="early"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "has not submitted this monthly report yet" in page.text
    client.post(url("link", tenant, token="early"), {"text": "所見"})
    with scopes_disabled():
        assert MonthlyReport.objects.get().partner_feedback == ""
        assert AccessLink.objects.get().status == "pending"


def test_the_links_list_filters_the_links_nobody_opened(client, tenant, members, placement, outside_boss):
    """The dashboard's "links not opened" item opens the list with ?unopened=1: only valid
    links nobody opened, not an opened, a used or an expired one."""
    waiting = _link(placement, outside_boss, "token-waiting", purpose=AccessLink.Purpose.FEEDBACK)
    _link(placement, outside_boss, "token-opened", opened_at=timezone.now())
    _link(placement, outside_boss, "token-used", used_at=timezone.now())
    _link(placement, outside_boss, "token-expired", expires_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(members[Role.STAFF])
    everything = body_rows(client.get(url("link_list", tenant)).text)
    unopened = body_rows(client.get(url("link_list", tenant), {"unopened": 1}).text)
    assert len(everything) == 4
    assert len(unopened) == 1 and waiting.get_purpose_display() in unopened[0]
