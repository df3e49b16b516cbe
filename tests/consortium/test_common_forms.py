"""What the common program carries besides its rubric (issue 13, item 7): survey forms and a
report guide. The coordinator writes them on the publish page (the surveys app's question
editor, the reports app's guide fields), publishing checks them with those apps' own rules,
and each member that adopts or accepts a version gets its own survey forms (new versions of
them once answered) and its program's report guide, in its own tenant only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from consortium import services
from consortium.models import CommonProgramVersion
from coop import rls
from reports.models import ReportGuide
from surveys.models import SurveyForm, SurveyResponse

from ..clock import at
from ..factories import TenantFactory
from ..surveys.helpers import answer, make_round, response_of
from .helpers import join, make_consortium, place, publish_version
from .test_program import _publish_form

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]

SURVEY = {
    "code": "completion",
    "name": "留学生向け 修了時アンケート",
    "description": "修了した留学生に伺います。",
    "questions": [
        {"text": "プログラム全体の満足度", "type": "rating", "required": True},
        {"text": "この地域で働きたいですか", "type": "single", "required": True, "choices": ["はい", "いいえ"]},
    ],
}
GUIDE = {"done": "だれと何をしたかを書いてください。", "reflection": "地域で働くことについて考えたこと。"}
CODE = "hokuriku-career-completion"


def _survey_block(n=0, **fields):
    data = {
        f"survey{n}-name": "留学生向け 修了時アンケート",
        f"survey{n}-description": "修了した留学生に伺います。",
        f"survey{n}-q0_text": "プログラム全体の満足度",
        f"survey{n}-q0_type": "rating",
        f"survey{n}-q0_required": "on",
        f"survey{n}-q1_text": "この地域で働きたいですか",
        f"survey{n}-q1_type": "single",
        f"survey{n}-q1_required": "on",
        f"survey{n}-q1_choices": "はい\nいいえ",
    }
    return {**data, **{f"survey{n}-{key}": value for key, value in fields.items()}}


def test_the_coordinator_publishes_a_survey_form_and_a_report_guide_through_the_page(client):
    consortium, coordinator = make_consortium(publish=False)
    client.force_login(coordinator)
    url = reverse("consortium:program_publish", kwargs={"slug": consortium.slug})
    page = client.get(url).text
    assert 'name="survey0-q0_text"' in page and 'name="guide-done"' in page
    data = {**_publish_form(), **_survey_block(), "guide-done": GUIDE["done"], "guide-reflection": GUIDE["reflection"]}
    assert client.post(url, data).status_code == 302
    version = CommonProgramVersion.objects.get()
    assert version.survey_forms == [
        {
            "code": "survey1",
            "name": "留学生向け 修了時アンケート",
            "description": "修了した留学生に伺います。",
            "questions": [
                {"key": "q1", "text": "プログラム全体の満足度", "type": "rating", "required": True, "choices": []},
                {
                    "key": "q2",
                    "text": "この地域で働きたいですか",
                    "type": "single",
                    "required": True,
                    "choices": ["はい", "いいえ"],
                },
            ],
        }
    ]
    assert version.report_guide == {**dict.fromkeys(ReportGuide.FIELDS, ""), **GUIDE}
    # The next version's page starts from this one: the survey keeps its code and keys, and
    # an empty block offers a second survey form.
    page = client.get(url)
    blocks = page.context["form"].survey_blocks
    assert [b.initial.get("code") for b in blocks] == ["survey1", None]
    assert page.context["form"].guide_form.initial["done"] == GUIDE["done"]
    # The version page shows what it carries.
    program = client.get(reverse("consortium:program", kwargs={"slug": consortium.slug})).text
    assert "留学生向け 修了時アンケート" in program and "(2問)" in program
    assert "日報: 実施内容" in program and GUIDE["done"] in program


def test_a_bad_survey_question_is_refused_with_the_surveys_own_message(client):
    consortium, coordinator = make_consortium(publish=False)
    client.force_login(coordinator)
    url = reverse("consortium:program_publish", kwargs={"slug": consortium.slug})
    response = client.post(url, {**_publish_form(), **_survey_block(q1_choices="はい")})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "「この地域で働きたいですか」: 異なる選択肢を2つ以上、1行に1つずつ入力してください。"
    ]
    response = client.post(url, {**_publish_form(), **_survey_block(name="")})
    assert response.context["form"].non_field_errors() == ["アンケートに名前を付けてください。"]
    assert not CommonProgramVersion.objects.exists()


def test_a_bad_report_guide_is_refused_with_its_message():
    consortium, coordinator = make_consortium(publish=False)
    with pytest.raises(ValidationError) as refused:
        publish_version(consortium, coordinator, report_guide={"done": "あ" * 301})
    assert refused.value.messages == ["報告の案内の文は1項目300文字以内です。"]
    with pytest.raises(ValidationError) as refused:
        publish_version(consortium, coordinator, report_guide={"feelings": "気分"})
    assert refused.value.messages == ["報告の項目にないものがあります: feelings"]
    with pytest.raises(ValidationError) as refused:
        publish_version(consortium, coordinator, survey_forms=[SURVEY, SURVEY])
    assert refused.value.messages == ["共通プログラムの2つのアンケート様式のコードが同じです。"]
    assert not CommonProgramVersion.objects.exists()


def test_a_guide_prompt_too_long_on_the_page_is_the_fields_error(client):
    consortium, coordinator = make_consortium(publish=False)
    client.force_login(coordinator)
    url = reverse("consortium:program_publish", kwargs={"slug": consortium.slug})
    response = client.post(url, {**_publish_form(), "guide-done": "あ" * 301})
    assert response.context["form"].guide_form.errors == {
        "done": ["この値は 300 文字以下でなければなりません( 301 文字になっています)。"]
    }
    assert not CommonProgramVersion.objects.exists()


def test_two_members_adopt_and_each_gets_its_own_survey_form_and_guide():
    consortium, coordinator = make_consortium(publish=False)
    publish_version(consortium, coordinator, survey_forms=[SURVEY], report_guide=GUIDE)
    a, _admin, _staff, a_adoption = join(consortium, name="北陸工科大学")
    b, _admin, _staff, b_adoption = join(consortium, name="金沢グローバル大学")
    outsider = TenantFactory()
    for tenant, adoption in ((a, a_adoption), (b, b_adoption)):
        with scope(tenant=tenant), rls.tenant(tenant):
            forms = list(SurveyForm.objects.values_list("tenant_id", "code", "version", "name"))
            assert forms == [(tenant.pk, CODE, 1, "留学生向け 修了時アンケート")]
            assert [q["text"] for q in SurveyForm.objects.get().questions] == [
                "プログラム全体の満足度",
                "この地域で働きたいですか",
            ]
            guide = ReportGuide.objects.get()
            assert (guide.tenant_id, guide.program_id) == (tenant.pk, adoption.program_id)
            assert (guide.done, guide.reflection, guide.learned) == (GUIDE["done"], GUIDE["reflection"], "")
    with scope(tenant=outsider), rls.tenant(outsider):
        assert not SurveyForm.objects.exists() and not ReportGuide.objects.exists()
    with scopes_disabled():
        assert SurveyForm.objects.count() == 2 and ReportGuide.objects.count() == 2


def test_a_member_cannot_open_another_members_copy(client):
    consortium, coordinator = make_consortium(publish=False)
    publish_version(consortium, coordinator, survey_forms=[SURVEY], report_guide=GUIDE)
    a, _a_admin, a_staff, _ = join(consortium)
    b, _b_admin, _b_staff, b_adoption = join(consortium)
    with scopes_disabled():
        b_form = SurveyForm.objects.get(tenant=b)
    client.force_login(a_staff)
    detail = reverse("surveys:form_detail", kwargs={"tenant_slug": a.slug, "pk": b_form.pk})
    assert client.get(detail).status_code == 404
    guide_url = reverse("reports:report_guide", kwargs={"tenant_slug": a.slug, "pk": b_adoption.program_id})
    assert client.get(guide_url).status_code == 404
    forms = client.get(reverse("surveys:form_list", kwargs={"tenant_slug": a.slug}))
    assert forms.text.count("留学生向け 修了時アンケート") == 1


def _second_version(consortium, coordinator):
    changed = {
        **SURVEY,
        "questions": [*SURVEY["questions"], {"text": "後輩へのアドバイス", "type": "text"}],
    }
    return publish_version(
        consortium, coordinator, survey_forms=[changed], report_guide={**GUIDE, "done": "具体的に書いてください。"}
    )


def test_accepting_a_newer_version_makes_a_new_survey_version_once_answered():
    consortium, coordinator = make_consortium(publish=False)
    publish_version(consortium, coordinator, survey_forms=[SURVEY], report_guide=GUIDE)
    tenant, admin, _staff, adoption = join(consortium)
    (placement,) = place(adoption, [None])
    with scopes_disabled():
        first = SurveyForm.objects.get(tenant=tenant)
    survey_round = make_round(tenant, first, adoption.program, audiences=("student",))
    answered = answer(response_of(survey_round, "student"), {"q1": "4", "q2": "はい"}, by=placement.student)
    _second_version(consortium, coordinator)
    with scope(tenant=tenant), rls.tenant(tenant):
        services.common_program_update_accept(adoption=adoption, by=admin)
        versions = list(SurveyForm.objects.order_by("version").values_list("code", "version", "is_current"))
        assert versions == [(CODE, 1, False), (CODE, 2, True)]
        assert len(SurveyForm.objects.get(version=2).questions) == 3
        assert len(SurveyForm.objects.get(version=1).questions) == 2  # as it was answered
        assert SurveyResponse.objects.get(pk=answered.pk).form_id == first.pk
        assert ReportGuide.objects.get().done == "具体的に書いてください。"


def test_accepting_changes_an_unanswered_survey_form_in_place():
    consortium, coordinator = make_consortium(publish=False)
    publish_version(consortium, coordinator, survey_forms=[SURVEY])
    tenant, admin, _staff, adoption = join(consortium)
    with scopes_disabled():
        first = SurveyForm.objects.get(tenant=tenant)
    _second_version(consortium, coordinator)
    with scope(tenant=tenant), rls.tenant(tenant):
        services.common_program_update_accept(adoption=adoption, by=admin)
        assert list(SurveyForm.objects.values_list("pk", "version", "is_current")) == [(first.pk, 1, True)]
        assert len(SurveyForm.objects.get().questions) == 3
        # The first version had no guide: accepting one writes the program's guide.
        assert ReportGuide.objects.get().program_id == adoption.program_id


def test_the_member_page_shows_what_the_followed_and_the_new_version_carry(client):
    consortium, coordinator = make_consortium(publish=False)
    publish_version(consortium, coordinator, survey_forms=[SURVEY], report_guide=GUIDE)
    tenant, admin, _staff, adoption = join(consortium)
    _second_version(consortium, coordinator)
    client.force_login(admin)
    page = client.get(reverse("consortium_member:home", kwargs={"tenant_slug": tenant.slug})).text
    assert "留学生向け 修了時アンケート" in page and "(2問)" in page and "(3問)" in page
    assert "月報: 振り返り" in page and GUIDE["reflection"] in page and "具体的に書いてください。" in page
    guide_url = reverse("reports:report_guide", kwargs={"tenant_slug": tenant.slug, "pk": adoption.program_id})
    assert f'href="{guide_url}"' in page


def test_the_next_version_keeps_a_survey_forms_code_and_keys_or_leaves_it_out(client):
    consortium, coordinator = make_consortium(publish=False)
    publish_version(consortium, coordinator, survey_forms=[SURVEY])
    client.force_login(coordinator)
    url = reverse("consortium:program_publish", kwargs={"slug": consortium.slug})
    edited = _survey_block(code="completion", q0_text="プログラムの満足度（5段階）")
    assert client.post(url, {**_publish_form(), **edited}).status_code == 302
    latest = CommonProgramVersion.objects.get(number=2)
    assert [f["code"] for f in latest.survey_forms] == ["completion"]
    assert [(q["key"], q["text"]) for q in latest.survey_forms[0]["questions"]] == [
        ("q1", "プログラムの満足度（5段階）"),
        ("q2", "この地域で働きたいですか"),
    ]
    assert client.post(url, {**_publish_form(), **edited, "survey0-leave_out": "on"}).status_code == 302
    assert CommonProgramVersion.objects.get(number=3).survey_forms == []
