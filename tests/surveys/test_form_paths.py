"""Every choice the surveys' forms offer, posted through their pages: each kind of question
in the editor, each group asked when opening a round, and the invalid ones with the error shown."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop.models import Role
from surveys.models import SurveyForm, SurveyResponse, SurveyRound

from ..clock import at
from ..rubrics.helpers import make_placement
from .helpers import make_form

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


def url(name, tenant, **kwargs):
    return reverse(f"surveys:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.mark.parametrize(
    ("kind", "choices", "saved"),
    [
        ("rating", "", []),
        ("single", "A\nB", ["A", "B"]),
        ("multiple", "A\nB\nC", ["A", "B", "C"]),
        ("text", "", []),
    ],
)
def test_each_kind_of_question_is_saved_from_the_editor(client, tenant, members, kind, choices, saved):
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("form_create", tenant),
        {"name": "F", "q0_text": "Q", "q0_type": kind, "q0_required": "on", "q0_choices": choices},
    )
    assert response.status_code == 302
    with scope(tenant=tenant):
        question = SurveyForm.objects.get().questions[0]
    assert (question["type"], question["required"], question["choices"]) == (kind, True, saved)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"q0_type": "stars"}, "正しく選択してください。 stars は候補にありません。"),
        ({"q0_type": "single", "q0_choices": "A"}, "「Q」: 異なる選択肢を2つ以上、1行に1つずつ入力してください。"),
        ({"name": ""}, "このフィールドは必須です。"),
    ],
)
def test_invalid_questions_are_refused_on_the_page(client, tenant, members, data, error):
    client.force_login(members[Role.STAFF])
    page = client.post(url("form_create", tenant), {"name": "F", "q0_text": "Q", "q0_type": "rating", **data})
    assert page.status_code == 200 and error in page.text
    with scope(tenant=tenant):
        assert not SurveyForm.objects.exists()


@pytest.mark.parametrize("audience", ["student", "partner", "staff"])
def test_each_group_asked_owes_its_own_responses(client, tenant, members, audience):
    form = make_form(tenant)
    placement = make_placement(tenant, student=members[Role.STUDENT], partner_user=members[Role.PARTNER])
    with scopes_disabled():
        program = placement.theme.program
    client.force_login(members[Role.STAFF])
    data = {
        "form": form.pk,
        "program": program.pk,
        "opens_on": "2026-11-18",
        "closes_on": "2026-11-30",
        "audiences": [audience],
    }
    assert client.post(url("round_create", tenant), data).status_code == 302
    with scope(tenant=tenant):
        assert list(SurveyResponse.objects.values_list("audience", flat=True)) == [audience]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"audiences": []}, "アンケートに答える人を1つ以上選んでください。"),
        ({"closes_on": "2026-11-01"}, "アンケートは始まる前に締め切れません。"),
        ({"audiences": ["everyone"]}, "正しく選択してください。 everyone は候補にありません。"),
    ],
)
def test_invalid_rounds_are_refused_on_the_page(client, tenant, members, change, error):
    form = make_form(tenant)
    placement = make_placement(tenant)
    with scopes_disabled():
        program = placement.theme.program
    client.force_login(members[Role.STAFF])
    data = {
        "form": form.pk,
        "program": program.pk,
        "opens_on": "2026-11-18",
        "closes_on": "2026-11-30",
        "audiences": ["student"],
        **change,
    }
    page = client.post(url("round_create", tenant), data)
    assert page.status_code == 200 and error in page.text
    with scope(tenant=tenant):
        assert not SurveyRound.objects.exists()
