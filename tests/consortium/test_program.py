"""The common program (issue 13, item 7): the coordinator publishes versions; a member's admin
adopts it into the member's own tenant (its own Program, rubric and templates); a newer version
is offered and taken only when the member accepts it."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from consortium import services
from consortium.models import AdoptedTemplate, Adoption, CommonProgramVersion
from coop import rls
from coop.models import HistoryEntry
from placements.models import Program
from reports.models import EvaluationForm
from rubrics.models import Assessment, Rubric

from ..clock import at
from ..factories import TenantFactory, member
from .helpers import join, make_consortium, place, publish_version

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]


def _publish_form(**changes):
    data = {
        "name": "留学生キャリア形成・地域定着プログラム",
        "description": "連携大学で共通化したプログラム。",
        "rubric_template": "five_abilities",
        "rubric_name": "留学生キャリア形成ルーブリック",
        "phase_before_job_hunting": "企業見学と日本の企業文化の授業",
        "phase_job_hunting": "面接指導と合同企業説明会",
        "phase_settlement": "入社後のフォローアップ",
        "template_agreement": "第1条（目的）留学生のキャリア形成と地域定着",
        "template_student_pledge": "私は受入企業の規則を守ります。",
        "changes": "初版",
        "evaluation_scale_max": "5",
    }
    return {**data, **changes}


def test_the_coordinator_publishes_versions_through_the_page(client):
    consortium, coordinator = make_consortium(publish=False)
    client.force_login(coordinator)
    url = reverse("consortium:program_publish", kwargs={"slug": consortium.slug})
    assert client.post(url, _publish_form()).status_code == 302
    assert client.post(url, _publish_form(description="第2版の説明。", changes="定着フェーズを拡充")).status_code == 302
    v1, v2 = CommonProgramVersion.objects.filter(consortium=consortium).order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    assert v1.phases == {
        "before_job_hunting": "企業見学と日本の企業文化の授業",
        "job_hunting": "面接指導と合同企業説明会",
        "settlement": "入社後のフォローアップ",
    }
    assert v1.rubric["name"] == "留学生キャリア形成ルーブリック" and len(v1.rubric["criteria"]) == 5
    assert [t["kind"] for t in v1.templates] == ["agreement", "student_pledge"]
    assert (v2.description, v2.changes) == ("第2版の説明。", "定着フェーズを拡充")
    page = client.get(reverse("consortium:program", kwargs={"slug": consortium.slug})).text
    assert "定着フェーズを拡充" in page and "就活前" in page and "定着" in page


def test_publishing_without_a_description_is_refused_with_the_fields_error(client):
    consortium, coordinator = make_consortium(publish=False)
    client.force_login(coordinator)
    url = reverse("consortium:program_publish", kwargs={"slug": consortium.slug})
    response = client.post(url, _publish_form(description=""))
    assert response.status_code == 200
    assert response.context["form"].errors == {"description": ["このフィールドは必須です。"]}
    assert not CommonProgramVersion.objects.exists()


def test_adopting_makes_the_members_own_program_rubric_and_templates(client):
    consortium, _coordinator = make_consortium()
    tenant, admin, _staff, _ = join(consortium, adopt=False, name="北陸工科大学")
    client.force_login(admin)
    url = reverse("consortium_member:adopt", kwargs={"tenant_slug": tenant.slug, "pk": consortium.pk})
    response = client.post(url, follow=True)
    assert "共通プログラムを採用しました" in response.text
    with scope(tenant=tenant), rls.tenant(tenant):
        adoption = Adoption.objects.get(tenant=tenant, consortium=consortium)
        assert adoption.version.number == 1
        program = Program.objects.get(tenant=tenant)
        assert program == adoption.program and program.name == "留学生キャリア形成・地域定着プログラム"
        assert "■ 就活前: 企業見学" in program.description
        rubric = Rubric.objects.get(tenant=tenant)
        assert rubric == adoption.rubric and rubric.code == "hokuriku-career-common" and len(rubric.criteria) == 5
        assert list(AdoptedTemplate.objects.values_list("tenant_id", "kind", "version_number")) == [
            (tenant.pk, "agreement", 1)
        ]
        assert HistoryEntry.objects.filter(action="adoption.created").count() == 1
    # Adopting twice is refused, and says why.
    response = client.post(url, follow=True)
    assert "すでにこの共通プログラムを採用しています" in response.text
    with scopes_disabled():
        assert Adoption.objects.count() == 1


def test_a_staff_member_sees_the_program_but_only_an_admin_adopts(client):
    consortium, _coordinator = make_consortium()
    tenant, _admin, staff, _ = join(consortium, adopt=False)
    client.force_login(staff)
    page = client.get(reverse("consortium_member:home", kwargs={"tenant_slug": tenant.slug})).text
    assert "採用は自機関の管理者が行います。" in page
    url = reverse("consortium_member:adopt", kwargs={"tenant_slug": tenant.slug, "pk": consortium.pk})
    assert f'action="{url}"' not in page
    assert client.post(url).status_code == 403


def test_a_tenant_that_is_not_a_member_cannot_adopt(client):
    consortium, _coordinator = make_consortium()
    stranger = TenantFactory()
    admin = member(stranger, "admin")
    client.force_login(admin)
    url = reverse("consortium_member:adopt", kwargs={"tenant_slug": stranger.slug, "pk": consortium.pk})
    assert client.post(url).status_code == 404
    refused = pytest.raises(services.ValidationError, match="加盟機関だけが共通プログラムを採用できます")
    with refused, scope(tenant=stranger), rls.tenant(stranger):
        services.common_program_adopt(consortium=consortium, tenant=stranger, by=admin)


def test_a_new_version_waits_for_the_members_acceptance(client):
    consortium, coordinator = make_consortium()
    tenant, admin, _staff, adoption = join(consortium, name="北陸工科大学")
    place(adoption, [None], pre=[2])  # an assessment uses the adopted rubric: it is frozen
    publish_version(
        consortium, coordinator, name="留学生キャリア形成・地域定着プログラム（第2版）", changes="定着フェーズを拡充"
    )
    client.force_login(admin)
    home = reverse("consortium_member:home", kwargs={"tenant_slug": tenant.slug})
    page = client.get(home).text
    assert "新しい版があります: 第2版" in page and "定着フェーズを拡充" in page
    with scopes_disabled():
        assert Program.objects.get(tenant=tenant).name == "留学生キャリア形成・地域定着プログラム"  # not yet
    url = reverse("consortium_member:update_accept", kwargs={"tenant_slug": tenant.slug, "pk": consortium.pk})
    response = client.post(url, follow=True)
    assert "最新の版に合わせました" in response.text
    assert "新しい版があります" not in response.text
    with scopes_disabled():
        adoption = Adoption.objects.get(pk=adoption.pk)
        assert adoption.version.number == 2
        assert Program.objects.get(tenant=tenant).name == "留学生キャリア形成・地域定着プログラム（第2版）"
        # The used rubric version stays as it was; the copy follows in a new version.
        versions = list(Rubric.objects.filter(tenant=tenant).order_by("version").values_list("version", "is_current"))
        assert versions == [(1, False), (2, True)]
        assert adoption.rubric.version == 2
        assert Assessment.objects.get(tenant=tenant).rubric.version == 1
        assert list(AdoptedTemplate.objects.filter(tenant=tenant).values_list("version_number", flat=True)) == [2]
    # Accepting again is refused, and says why.
    response = client.post(url, follow=True)
    assert "すでに最新の版に合わせています" in response.text


def test_another_members_adoption_is_not_reachable(client):
    consortium, _coordinator = make_consortium()
    a, a_admin, _staff, _ = join(consortium)
    _b, _b_admin, _b_staff, b_adoption = join(consortium, adopt=True)
    publish_version(consortium, _coordinator, changes="v2")
    client.force_login(a_admin)
    # A accepts for itself only: B's copy stays on version 1.
    client.post(reverse("consortium_member:update_accept", kwargs={"tenant_slug": a.slug, "pk": consortium.pk}))
    with scopes_disabled():
        assert Adoption.objects.get(pk=b_adoption.pk).version.number == 1
        assert Adoption.objects.get(tenant=a).version.number == 2


@pytest.mark.parametrize(
    ("template", "kind", "criteria"),
    [("five_abilities", "rubric", 5), ("self_efficacy", "likert", 6), ("grit", "likert", 6)],
)
def test_every_rubric_template_the_form_offers_is_published(client, template, kind, criteria):
    consortium, coordinator = make_consortium(publish=False)
    client.force_login(coordinator)
    url = reverse("consortium:program_publish", kwargs={"slug": consortium.slug})
    assert client.post(url, _publish_form(rubric_template=template, rubric_name="")).status_code == 302
    version = CommonProgramVersion.objects.get()
    assert (version.rubric["template"], version.rubric["kind"], len(version.rubric["criteria"])) == (
        template,
        kind,
        criteria,
    )
    response = client.post(url, _publish_form(rubric_template="no-such-template"))
    assert response.context["form"].errors["rubric_template"] == [
        "正しく選択してください。 no-such-template は候補にありません。"
    ]


def test_a_new_version_with_another_kind_of_rubric_makes_another_rubric(client):
    consortium, coordinator = make_consortium()
    tenant, admin, _staff, adoption = join(consortium)
    first = adoption.rubric
    publish_version(consortium, coordinator, template="grit")
    with scope(tenant=tenant), rls.tenant(tenant):
        adoption = services.common_program_update_accept(adoption=adoption, by=admin)
        assert adoption.rubric.kind == "likert" and adoption.rubric.code != first.code
        assert Rubric.objects.get(pk=first.pk).kind == "rubric"  # the old one stays as it was


EVALUATION = {
    "evaluation_name": "留学生インターンシップ評価票",
    "evaluation_criteria": "日本語でのコミュニケーション | 報告・連絡・相談ができる\n主体性",
    "evaluation_questions": "地域で働き続けたいと思いましたか",
    "evaluation_scale_max": "4",
}


@pytest.mark.parametrize("use", [True, False])
def test_adopting_with_or_without_the_common_evaluation_form(client, use):
    consortium, coordinator = make_consortium(publish=False)
    client.force_login(coordinator)
    client.post(reverse("consortium:program_publish", kwargs={"slug": consortium.slug}), _publish_form(**EVALUATION))
    version = CommonProgramVersion.objects.get()
    assert version.evaluation_form == {
        "name": "留学生インターンシップ評価票",
        "criteria_text": "日本語でのコミュニケーション | 報告・連絡・相談ができる\n主体性",
        "questions_text": "地域で働き続けたいと思いましたか",
        "scale_max": 4,
    }
    tenant, admin, _staff, _ = join(consortium, adopt=False)
    client.force_login(admin)
    home = client.get(reverse("consortium_member:home", kwargs={"tenant_slug": tenant.slug})).text
    assert "共通プログラムの評価票でも評価する" in home
    url = reverse("consortium_member:adopt", kwargs={"tenant_slug": tenant.slug, "pk": consortium.pk})
    client.post(url, {"use_evaluation_form": "on"} if use else {})
    with scopes_disabled():
        forms = list(EvaluationForm.objects.filter(tenant=tenant).values_list("name", "scale_max", "criteria"))
    if use:
        assert forms == [
            (
                "留学生インターンシップ評価票",
                4,
                [
                    {"key": "c1", "label": "日本語でのコミュニケーション", "description": "報告・連絡・相談ができる"},
                    {"key": "c2", "label": "主体性", "description": ""},
                ],
            )
        ]
    else:
        assert forms == []  # the member keeps its own (here the default) form


def test_an_evaluation_form_line_without_a_label_is_refused(client):
    consortium, coordinator = make_consortium(publish=False)
    client.force_login(coordinator)
    url = reverse("consortium:program_publish", kwargs={"slug": consortium.slug})
    response = client.post(url, _publish_form(**{**EVALUATION, "evaluation_criteria": "| 説明だけ"}))
    assert response.context["form"].non_field_errors() == ["各行の「|」の前に項目名を書いてください。"]
    assert not CommonProgramVersion.objects.exists()
