"""A program's report guide (issue 13, item 7): the office writes a prompt for each field of the
daily and monthly reports on the program's page; the program's students see each prompt under
its field when they write, and nobody else gets a form with it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from coop.models import HistoryEntry, Role
from reports.models import ReportGuide
from reports.services import report_guide_clean, report_guide_save

from ..clock import at
from ..factories import ProgramFactory
from .factories import running_placement

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]

PROMPTS = {
    "done": "だれと・何を・どこまで進めたかを書いてください。",
    "learned": "日本の職場で気づいたことを書いてください。",
    "reflection": "この地域で働き続けることについて考えたことを書いてください。",
}


def url(name, tenant, **kwargs):
    return reverse(f"reports:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def placement(tenant, members):
    return running_placement(
        tenant, student=members[Role.STUDENT], faculty=members[Role.FACULTY], partner_user=members[Role.PARTNER]
    )


def _guide_form(**prompts):
    return {name: prompts.get(name, "") for name in ReportGuide.FIELDS}


def test_staff_write_the_guide_on_the_programs_page_and_it_is_in_the_history(client, tenant, members, placement):
    program = placement.theme.program
    client.force_login(members[Role.STAFF])
    detail = client.get(reverse("placements:program_detail", kwargs={"tenant_slug": tenant.slug, "pk": program.pk}))
    guide_url = url("report_guide", tenant, pk=program.pk)
    assert f'href="{guide_url}"' in detail.text and "報告の案内" in detail.text
    page = client.get(guide_url)
    assert "日報" in page.text and "月報" in page.text and "実施内容" in page.text
    response = client.post(guide_url, _guide_form(**PROMPTS), follow=True)
    assert "報告の案内を保存しました" in response.text
    with scopes_disabled():
        guide = ReportGuide.objects.get()
        assert (guide.tenant_id, guide.program_id) == (tenant.pk, program.pk)
        assert guide.prompts == {**dict.fromkeys(ReportGuide.FIELDS, ""), **PROMPTS}
        assert list(HistoryEntry.objects.filter(object_id=guide.pk).values_list("action", "actor")) == [
            ("reportguide.saved", members[Role.STAFF].pk)
        ]
    # Saving the same prompts again writes nothing and adds no history line.
    client.post(guide_url, _guide_form(**PROMPTS))
    with scopes_disabled():
        assert HistoryEntry.objects.filter(action="reportguide.saved").count() == 1


def test_the_student_sees_the_programs_prompts_under_the_report_fields(client, tenant, members, placement):
    with scope(tenant=tenant):
        report_guide_save(program=placement.theme.program, by=members[Role.STAFF], prompts=PROMPTS)
    today = timezone.localdate()
    client.force_login(members[Role.STUDENT])
    daily = client.get(url("daily_edit", tenant, pk=placement.pk, day=today))
    form = daily.context["form"]
    assert form.fields["done"].help_text == PROMPTS["done"]
    assert form.fields["learned"].help_text == PROMPTS["learned"]
    assert form.fields["problems"].help_text == ""  # no prompt: the label alone
    assert f'<p class="help" id="id_done-help">{PROMPTS["done"]}</p>' in daily.text
    monthly = client.get(url("monthly_detail", tenant, pk=placement.pk, month=today.replace(day=1)))
    assert monthly.context["form"].fields["reflection"].help_text == PROMPTS["reflection"]
    assert PROMPTS["reflection"] in monthly.text


def test_another_programs_guide_is_not_shown(client, tenant, members, placement):
    with scope(tenant=tenant):
        report_guide_save(program=ProgramFactory(tenant=tenant), by=members[Role.STAFF], prompts=PROMPTS)
    client.force_login(members[Role.STUDENT])
    daily = client.get(url("daily_edit", tenant, pk=placement.pk, day=timezone.localdate()))
    assert daily.context["form"].fields["done"].help_text == ""
    assert PROMPTS["done"] not in daily.text


@pytest.mark.parametrize("role", [Role.FACULTY, Role.PARTNER, Role.STUDENT])
def test_only_the_office_changes_a_guide(client, tenant, members, placement, role):
    client.force_login(members[role])
    response = client.post(url("report_guide", tenant, pk=placement.theme.program.pk), _guide_form(**PROMPTS))
    assert response.status_code == 403
    with scopes_disabled():
        assert not ReportGuide.objects.exists()


def test_another_tenants_program_has_no_guide_page_for_this_tenants_staff(client, tenant, members, other_tenant):
    foreign = ProgramFactory(tenant=other_tenant)
    client.force_login(members[Role.STAFF])
    assert client.post(url("report_guide", tenant, pk=foreign.pk), _guide_form(**PROMPTS)).status_code == 404
    with scopes_disabled():
        assert not ReportGuide.objects.exists()


def test_a_prompt_too_long_is_refused_on_the_page_and_by_the_service(client, tenant, members, placement):
    program = placement.theme.program
    client.force_login(members[Role.STAFF])
    response = client.post(url("report_guide", tenant, pk=program.pk), _guide_form(done="あ" * 301))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "done": ["この値は 300 文字以下でなければなりません( 301 文字になっています)。"]
    }
    with pytest.raises(ValidationError) as refused:
        report_guide_clean({"done": "あ" * 301})
    assert refused.value.messages == ["報告の案内の文は1項目300文字以内です。"]
    with pytest.raises(ValidationError) as refused:
        report_guide_clean({"feelings": "今日の気分"})
    assert refused.value.messages == ["報告の項目にないものがあります: feelings"]
    with scopes_disabled():
        assert not ReportGuide.objects.exists()


def test_a_guide_is_one_line_per_prompt_and_blank_means_none():
    blank = dict.fromkeys(ReportGuide.FIELDS, "")
    assert report_guide_clean({"done": "  だれと\n何を  "}) == {**blank, "done": "だれと 何を"}
    assert report_guide_clean({"done": " ", "summary": ""}) == {}
    assert report_guide_clean(None) == {}
