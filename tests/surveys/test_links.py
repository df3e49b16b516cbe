"""Emailed survey links for partner people: sent by staff (or when the round opens), used
without an account, once; expired, revoked, used, closed, tampered and another tenant's
tokens are refused with the one link page."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from coop import sweeper
from coop.models import Role
from coop.tokens import hash_token
from surveys import services
from surveys.models import SurveyLink

from ..clock import at
from ..factories import member
from ..rubrics.helpers import make_placement
from .helpers import make_form, make_round, response_of, shared_setup

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

ANSWERS = {"a_q1": "4", "a_q2": "はい", "a_q3": ["事業"], "a_q4": "助かりました"}


def url(name, tenant, **kwargs):
    return reverse(f"surveys:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def setup(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)
    return {
        "form": form,
        "placement": placement,
        "round": survey_round,
        "response": response_of(survey_round, "partner"),
    }


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def sender(client, tenant, response):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(url("link_send", tenant, pk=response.pk))
        assert sent.status_code == 302
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [response.contact.email]
        return re.search(r"(/t/[-\w]+/surveys/s/[-\w]+/)", mail.outbox[0].body).group(1)

    return sender


def test_the_partner_answers_through_the_link_without_an_account(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["response"])
    assert "アンケートへのご協力のお願い" in mail.outbox[0].subject
    client.logout()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "満足度" in page.text and "No password is needed" in page.text
    assert '<nav class="mainnav"' not in page.text and "no-cache" in page["Cache-Control"]
    missing = client.post(path, {"a_q4": "感想のみ"})
    assert missing.status_code == 200 and "必須の質問に答えてください: 満足度、次も参加したいか" in missing.text
    done = client.post(path, ANSWERS)
    assert done.status_code == 200 and "_auth_user_id" not in client.session, "nobody is signed in"
    answered = response_of(setup["round"], "partner")
    with scope(tenant=tenant):
        link = SurveyLink.objects.get()
    assert answered.answers == {"q1": 4, "q2": "はい", "q3": ["事業"], "q4": "助かりました"}
    assert answered.via_link_id == link.pk and answered.answered_by is None
    assert answered.respondent_name == setup["response"].contact.full_name
    assert link.used_at is not None and link.opened_at is not None
    # Used up: the one link page, and no second answer.
    again = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 410 and "submitted with it already" in again.text
    assert client.post(path, {**ANSWERS, "a_q1": "1"}).status_code == 410
    assert response_of(setup["round"], "partner").answers["q1"] == 4


def test_opening_a_round_can_email_every_partner_person_at_once(
    client, tenant, members, django_capture_on_commit_callbacks
):
    form = make_form(tenant)
    placement = make_placement(tenant, partner_user=members[Role.PARTNER])
    with scopes_disabled():
        program = placement.theme.program
    make_placement(tenant, program=program, partner_user=member(tenant, Role.PARTNER))
    client.force_login(members[Role.STAFF])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("round_create", tenant),
            {
                "form": form.pk,
                "program": program.pk,
                "opens_on": "2026-11-18",
                "closes_on": "2026-11-30",
                "audiences": ["student", "partner"],
                "send_links": "on",
            },
        )
    assert len(mail.outbox) == 2
    with scope(tenant=tenant):
        link = SurveyLink.objects.order_by("pk").first()
    # The link expires with the round (the day after it closes, at midnight in Tokyo).
    assert timezone.localtime(link.expires_at).date() == datetime.date(2026, 12, 1)
    # Sending to all again skips those with a waiting link.
    with scope(tenant=tenant), django_capture_on_commit_callbacks(execute=True):
        assert services.survey_links_send_all(survey_round=link.response.round, by=None) == 0


def test_resending_revokes_the_earlier_link(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    first = send(client, tenant, setup["response"])
    second = send(client, tenant, setup["response"])
    client.logout()
    page = client.get(first, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410 and "withdrawn" in page.text
    assert client.get(second).status_code == 200


def test_staff_revoke_a_link(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["response"])
    with scope(tenant=tenant):
        link = SurveyLink.objects.get()
    assert client.post(url("link_revoke", tenant, pk=link.pk)).status_code == 302
    client.logout()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410 and "withdrawn" in page.text


def test_an_expired_link_is_refused(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["response"])
    with scopes_disabled():
        SurveyLink.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.logout()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410 and "expired" in page.text
    assert client.post(path, ANSWERS).status_code == 410
    assert response_of(setup["round"], "partner").submitted_at is None


def test_a_link_of_a_closed_round_is_refused(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["response"])
    with scopes_disabled():
        survey_round = setup["round"]
        survey_round.closes_on = datetime.date(2026, 11, 17)
        survey_round.save()
    client.logout()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410 and "The survey is closed." in page.text


def test_a_link_answered_from_the_dashboard_meanwhile_is_refused(client, tenant, members, setup, send):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["response"])
    client.force_login(members[Role.PARTNER])
    client.post(url("response_fill", tenant, pk=setup["response"].pk), ANSWERS)
    client.logout()
    page = client.post(path, ANSWERS, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "This survey is answered already." in page.text
    with scope(tenant=tenant):
        assert SurveyLink.objects.get().used_at is None


def test_tampered_unknown_and_other_tenants_tokens_are_404(
    client, tenant, other_tenant, members, setup, send, django_capture_on_commit_callbacks
):
    client.force_login(members[Role.STAFF])
    path = send(client, tenant, setup["response"])
    client.logout()
    tampered = path[:-3] + ("x" if path[-3] != "x" else "y") + path[-2:]
    assert client.get(tampered).status_code == 404
    assert client.get(url("survey_link", tenant, token="nothing")).status_code == 404
    assert client.get(url("survey_link", tenant, token="x" * 150)).status_code == 404
    # A token of another tenant's link works there only.
    form = make_form(other_tenant)
    placement = make_placement(other_tenant, partner_user=member(other_tenant, Role.PARTNER))
    with scopes_disabled():
        program = placement.theme.program
    other_round = make_round(other_tenant, form, program, audiences=["partner"])
    with scope(tenant=other_tenant), django_capture_on_commit_callbacks(execute=True):
        _link, token = services.survey_link_send(response=response_of(other_round, "partner"), by=None)
    assert client.get(url("survey_link", other_tenant, token=token)).status_code == 200
    assert client.get(url("survey_link", tenant, token=token)).status_code == 404


@pytest.mark.parametrize(
    ("audience", "message"),
    [("student", "リンクは企業の方にだけ送れます。"), ("staff", "リンクは企業の方にだけ送れます。")],
)
def test_links_go_only_to_partner_people(tenant, members, setup, audience, message):
    with scope(tenant=tenant), pytest.raises(ValidationError) as refused:
        services.survey_link_send(response=response_of(setup["round"], audience), by=None)
    assert refused.value.messages == [message]


def test_the_sweeper_emails_a_link_whose_email_never_went_out(tenant, members, setup, travel):
    with scope(tenant=tenant):
        # Queued but never sent (the message was lost): the row owes its email.
        _link, _token = services.survey_link_send(response=setup["response"], by=None)
    mail.outbox.clear()
    assert sweeper.sweep_all().get("survey links") == 0  # its first sender had no chance yet
    travel(timezone.now() + datetime.timedelta(minutes=5))
    assert sweeper.sweep_all()["survey links"] == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [setup["response"].contact.email]
    path = re.search(r"(/t/[-\w]+/surveys/s/[-\w]+/)", mail.outbox[0].body).group(1)
    with scope(tenant=tenant):
        link = SurveyLink.objects.get()
    assert link.sent_at is not None and link.token_hash != hash_token(_token)
    assert path.rstrip("/").rsplit("/", 1)[-1] != _token, "a new token: nobody received the old one"


def test_no_link_goes_out_before_a_round_opens_or_after_it_closes(tenant, members):
    form = make_form(tenant)
    placement = make_placement(tenant, partner_user=members[Role.PARTNER])
    with scopes_disabled():
        program = placement.theme.program
    for opens, closes in ((1, 10), (-10, -1)):
        survey_round = make_round(tenant, form, program, opens=opens, closes=closes, audiences=["partner"])
        with scope(tenant=tenant), pytest.raises(ValidationError) as refused:
            services.survey_link_send(response=response_of(survey_round, "partner"), by=None)
        assert refused.value.messages == ["このアンケートは受付期間外です。"]
