"""Emailed rater links for partner people: sent by staff, opened and used without an account
or a sign-in, single-purpose, expiring, revocable; expired, revoked, used, tampered and
another tenant's tokens get a clear page (410) or a 404."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from coop.models import Role
from placements.models import PlacementSupervisor
from rubrics.models import Assessment, RaterLink

from ..clock import at
from ..factories import PartnerContactFactory, member
from .helpers import make_placement, make_rubric, make_window, shared_setup

# Assessment windows open and close relative to today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

SCORES = {"score_a": "3", "score_b": "4", "comment": "期待以上"}


def url(name, tenant, **kwargs):
    return reverse(f"rubrics:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def setup(tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    boss = PartnerContactFactory(partner=placement.partner, full_name="外部 太郎", email="taro@partner.example.jp")
    with scopes_disabled():
        PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=boss)
    return {"rubric": rubric, "placement": placement, "window": window, "boss": boss}


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def sender(client, tenant, window, placement, contact):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("link_send", tenant, pk=window.pk, placement_pk=placement.pk), {"contact": contact.pk}
            )
        assert response.status_code == 302
        assert len(mail.outbox) == 1, "the link is emailed"
        assert mail.outbox[0].to == [contact.email]
        return re.search(r"(/t/[-\w]+/rubrics/r/[-\w]+/)", mail.outbox[0].body).group(1)

    return sender


def test_partner_rates_through_the_link_without_an_account(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    client.logout()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "異文化受容性" in page.text and "知っている" in page.text
    assert '<nav class="mainnav"' not in page.text
    assert "no-cache" in page["Cache-Control"]
    response = client.post(path, SCORES)
    assert response.status_code == 200 and "_auth_user_id" not in client.session, "nobody is signed in"
    with scope(tenant=tenant):
        assessment = Assessment.objects.get()
        link = RaterLink.objects.get()
    assert (assessment.rater, assessment.rater_name, assessment.via_link_id) == ("partner", "外部 太郎", link.pk)
    assert assessment.rated_by is None and assessment.comment == "期待以上"
    assert link.used_at is not None and link.opened_at is not None
    # Used up: a clear page, no second submission.
    again = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 410 and "submitted with it already" in again.text
    assert client.post(path, SCORES).status_code == 410


def test_a_missing_answer_keeps_the_link(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    client.logout()
    response = client.post(path, {"score_a": "3"})
    assert response.status_code == 200
    with scope(tenant=tenant):
        assert not Assessment.objects.exists() and RaterLink.objects.get().used_at is None


def test_resending_revokes_the_earlier_link(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    first = send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    second = send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    client.logout()
    assert client.get(first, HTTP_ACCEPT_LANGUAGE="en").status_code == 410
    assert client.get(second).status_code == 200


def test_staff_revoke_a_link(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    with scope(tenant=tenant):
        link = RaterLink.objects.get()
    assert client.post(url("link_revoke", tenant, pk=link.pk)).status_code == 302
    client.logout()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410 and "withdrawn" in page.text


def test_expired_link(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    with scopes_disabled():
        RaterLink.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.logout()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410 and "expired" in page.text
    assert client.post(path, SCORES).status_code == 410
    with scope(tenant=tenant):
        assert not Assessment.objects.exists()


def test_link_expires_with_its_window(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    with scope(tenant=tenant):
        link = RaterLink.objects.get()
    assert timezone.localtime(link.expires_at).date() == setup["window"].closes_on + datetime.timedelta(days=1)


def test_closed_window(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    with scopes_disabled():
        window = setup["window"]
        window.closes_on = timezone.localdate() - datetime.timedelta(days=1)
        window.save()
    client.logout()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410 and "closed" in page.text


def test_tampered_and_unknown_tokens_are_404(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["window"], setup["placement"], setup["boss"])
    client.logout()
    tampered = path[:-3] + ("x" if path[-3] != "x" else "y") + path[-2:]
    assert client.get(tampered).status_code == 404
    assert client.get(url("rater_link", tenant, token="nothing")).status_code == 404
    assert client.get(url("rater_link", tenant, token="x" * 150)).status_code == 404


def test_another_tenants_token_is_404_here(client, tenant, other_tenant, members, django_capture_on_commit_callbacks):
    rubric = make_rubric(other_tenant)
    partner_user = member(other_tenant, Role.PARTNER)
    placement = make_placement(other_tenant, student=member(other_tenant, Role.STUDENT), partner_user=partner_user)
    window = make_window(other_tenant, rubric, placement=placement)
    from rubrics import services

    with scope(tenant=other_tenant):
        contact = placement.supervisors.get().contact
        with django_capture_on_commit_callbacks(execute=True):
            _link, token = services.rater_link_send(window=window, placement=placement, contact=contact, by=None)
    assert client.get(url("rater_link", other_tenant, token=token)).status_code == 200
    assert client.get(url("rater_link", tenant, token=token)).status_code == 404


def test_links_go_only_to_a_supervisor_with_an_email(tenant, members, setup):
    from django.core.exceptions import ValidationError

    from rubrics import services

    stranger = PartnerContactFactory(partner=setup["placement"].partner, email="x@partner.example.jp")
    with scope(tenant=tenant):
        with pytest.raises(ValidationError) as refused:
            services.rater_link_send(window=setup["window"], placement=setup["placement"], contact=stranger, by=None)
        assert refused.value.messages == ["リンクはこの就業の企業担当者にだけ送れます。"]
        no_partner = make_window(tenant, setup["rubric"], placement=setup["placement"], raters=["self"])
        with pytest.raises(ValidationError) as refused:
            services.rater_link_send(window=no_partner, placement=setup["placement"], contact=setup["boss"], by=None)
        assert refused.value.messages == ["この評価期間では企業担当者に依頼していません。"]


def test_staff_email_every_missing_partner_at_once(client, tenant, members, setup, django_capture_on_commit_callbacks):
    """The placement has two supervisors with an address (the partner person and 外部 太郎);
    a second placement's partner has rated already; a third has a waiting link."""
    window = setup["window"]
    with scopes_disabled():
        program = window.program
    done = make_placement(tenant, program=program, partner_user=member(tenant, Role.PARTNER))
    waiting = make_placement(tenant, program=program, partner_user=member(tenant, Role.PARTNER))
    from .helpers import rate

    rate(window, done, "partner", {"a": 2, "b": 2})
    from rubrics import services

    with scope(tenant=tenant):
        contact = waiting.supervisors.get().contact
        services.rater_link_send(window=window, placement=waiting, contact=contact, by=None)
    mail.outbox.clear()
    client.force_login(members[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("links_send_all", tenant, pk=window.pk))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([members[Role.PARTNER].email, "taro@partner.example.jp"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("links_send_all", tenant, pk=window.pk))
    assert len(mail.outbox) == 2, "a second press sends nothing new"
