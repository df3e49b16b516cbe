"""Reminders of surveys to answer: in the last days of an open round, for the students and the
partner people with an account who have not answered; nobody else, nothing twice."""

import pytest
from django_scopes import scope, scopes_disabled

from coop import reminders
from coop.models import Reminder, Role
from surveys.services import round_sync_respondents

from ..clock import at
from ..rubrics.helpers import make_placement
from .helpers import answer, make_form, make_round, response_of

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


def test_reminders_go_to_who_has_not_answered_in_the_last_days(tenant, members):
    form = make_form(tenant)
    placement = make_placement(tenant, student=members[Role.STUDENT], partner_user=members[Role.PARTNER])
    with scopes_disabled():
        program = placement.theme.program
    closing = make_round(tenant, form, program, opens=-10, closes=2)
    make_round(tenant, form, program, opens=-1, closes=20)  # closes later: no reminder yet
    answered = make_placement(tenant, program=program)
    with scope(tenant=tenant):
        round_sync_respondents(survey_round=closing, by=None)
    answer(response_of(closing, "student", answered), {"q1": "3", "q2": "はい"})
    with scope(tenant=tenant):
        reminders.reminders_scan_tenant(tenant=tenant)
        assert reminders.reminders_scan_tenant(tenant=tenant) == 0, "nothing twice"
        found = sorted(Reminder.objects.filter(key__startswith="survey:").values_list("user_id", "title", "due_on"))
    due = closing.closes_on
    title = f"{due:%Y-%m-%d}までに回答するアンケート: 終了後アンケート"
    assert found == sorted([(members[Role.STUDENT].pk, title, due), (members[Role.PARTNER].pk, title, due)])
