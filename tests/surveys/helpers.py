"""Builders for the surveys tests (and the permission cases): a survey form with one question
of each kind, a placement with its student and partner supervisor, a round over its program."""

import datetime

from django_scopes import scope, scopes_disabled

from coop.clock import tenant_today
from coop.models import Role
from surveys import services
from surveys.models import SurveyResponse

from ..factories import member
from ..rubrics.helpers import make_placement

QUESTIONS = [
    {"text": "満足度", "type": "rating", "required": True},
    {"text": "次も参加したいか", "type": "single", "required": True, "choices": ["はい", "いいえ"]},
    {"text": "成果", "type": "multiple", "choices": ["成長", "つながり", "事業"]},
    {"text": "感想", "type": "text"},
]


def make_form(tenant, *, by=None, questions=None, name="終了後アンケート"):
    with scope(tenant=tenant):
        return services.form_create(
            tenant=tenant, by=by, name=name, questions=[dict(q) for q in (questions or QUESTIONS)]
        )


def make_round(tenant, form, program, *, term=None, opens=-5, closes=10, audiences=("student", "partner", "staff")):
    with scope(tenant=tenant):
        today = tenant_today(tenant)
        return services.round_create(
            tenant=tenant,
            by=None,
            form=form,
            program=program,
            term=term,
            opens_on=today + datetime.timedelta(days=opens),
            closes_on=today + datetime.timedelta(days=closes),
            audiences=list(audiences),
        )


def answer(response, raw, *, by=None, today=None):
    with scope(tenant=response.tenant):
        return services.response_submit(response=response, raw=raw, by=by, today=today)


def shared_setup(tenant, members):
    """A survey form, a placement of the tenant's student and partner person, and an open
    round over its program asking everybody."""
    form = make_form(tenant)
    placement = make_placement(
        tenant,
        student=members.get(Role.STUDENT) or member(tenant, Role.STUDENT),
        partner_user=members.get(Role.PARTNER) or member(tenant, Role.PARTNER),
    )
    with scopes_disabled():
        program = placement.theme.program
    survey_round = make_round(tenant, form, program)
    return form, placement, survey_round


def response_of(survey_round, audience, placement=None):
    with scopes_disabled():
        found = SurveyResponse.objects.filter(round=survey_round, audience=audience)
        if placement is not None:
            found = found.filter(placement=placement)
        return found.select_related("round__form", "placement", "contact").get()
