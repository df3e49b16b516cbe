"""Survey forms, rounds, answering and the survey links (staff side) in the permission matrix.
The public link page (surveys:survey_link) is in TENANT_PUBLIC_URLS and tested in
tests/surveys/test_links.py.

The shared placement's student and partner supervisor are the tenant's members of those roles,
so each can reach their own response; the office answers the office's."""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from coop.access import EVERY_ROLE, MANAGERS
from coop.models import Role
from coop.tokens import hash_token
from surveys.models import SurveyLink

from ..surveys.helpers import make_form, response_of, shared_setup
from . import Case


def _form(tenant):
    return {"pk": make_form(tenant).pk}


def _round(tenant, members):
    _form_, _placement, survey_round = shared_setup(tenant, members)
    return {"pk": survey_round.pk}


def _response(audience):
    def build(tenant, members):
        _form_, _placement, survey_round = shared_setup(tenant, members)
        return {"pk": response_of(survey_round, audience).pk}

    return build


def _waiting_link(tenant, members):
    _form_, _placement, survey_round = shared_setup(tenant, members)
    response = response_of(survey_round, "partner")
    with scopes_disabled():
        link = SurveyLink.objects.create(
            tenant=tenant,
            response=response,
            contact=response.contact,
            email=response.contact.email or "boss@partner.example.jp",
            token_hash=hash_token(f"survey-case-{tenant.slug}-{response.pk}"),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    return {"pk": link.pk}


# A student's own response: the student answers it; the office may know it exists (403);
# for the faculty and the partner person it does not exist (404).
NOT_THEIRS = {Role.FACULTY: 404, Role.PARTNER: 404}

TENANT_URLS = {
    "surveys:form_list": Case("GET", MANAGERS),
    "surveys:form_create": Case("GET", MANAGERS),
    "surveys:form_detail": Case("GET", MANAGERS, _form),
    "surveys:form_edit": Case("GET", MANAGERS, _form),
    "surveys:round_list": Case("GET", MANAGERS),
    "surveys:round_create": Case("GET", MANAGERS),
    "surveys:round_detail": Case("GET", MANAGERS, _round),
    "surveys:round_results": Case("GET", MANAGERS, _round),
    "surveys:round_dates": Case("POST", MANAGERS, _round, {"opens_on": "2026-04-01", "closes_on": "2026-04-30"}),
    "surveys:round_sync": Case("POST", MANAGERS, _round),
    "surveys:links_send_all": Case("POST", MANAGERS, _round),
    "surveys:link_send": Case("POST", MANAGERS, _response("partner")),
    "surveys:link_revoke": Case("POST", MANAGERS, _waiting_link),
    "surveys:my_surveys": Case("GET", EVERY_ROLE),
    "surveys:response_fill": Case("GET", {Role.STUDENT}, _response("student"), outcomes=NOT_THEIRS),
}
