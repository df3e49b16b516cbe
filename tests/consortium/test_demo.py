"""The demo's consortium (issue 13, item 11): the demo university and a second one adopt the
common program, and the coordinator's aggregate page shows figures for both; seeding twice
changes nothing."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from consortium import demo
from consortium.models import Adoption, PracticeCase
from coop import rls
from coop.models import HistoryEntry, Role, User
from placements.models import Placement
from reports.models import ReportGuide
from surveys.models import SurveyForm

from ..clock import at
from ..factories import TenantFactory, member

pytestmark = [pytest.mark.django_db, at(2026, 11, 30, 10)]


def _counts():
    with scopes_disabled():
        return [model.objects.count() for model in (Adoption, SurveyForm, ReportGuide, Placement, HistoryEntry)]


def _seed(tenants):
    for tenant, people in tenants:
        with scope(tenant=tenant), rls.tenant(tenant):
            demo.seed(tenant, people)


def test_the_demo_consortium_has_figures_for_both_universities(client):
    tenants = []
    for slug, suffix in (("hokuriku-tech", "univ"), ("kanazawa-global", "kgu"), ("sapporo-meister", "school")):
        tenant = TenantFactory(slug=slug, name=slug)
        tenants.append((tenant, {role: member(tenant, role, email=f"{role}@{suffix}.example.jp") for role in Role}))
    _seed(tenants)
    seeded = _counts()
    _seed(tenants)  # idempotent
    assert _counts() == seeded
    with scopes_disabled():
        assert sorted(Adoption.objects.values_list("tenant__slug", flat=True)) == ["hokuriku-tech", "kanazawa-global"]
        # Each member has its own copy of the completion survey and its program's report guide.
        copies = SurveyForm.objects.filter(code=f"{demo.SLUG}-completion").order_by("tenant__slug")
        assert list(copies.values_list("tenant__slug", "version", "name")) == [
            ("hokuriku-tech", 1, "留学生向け 修了時アンケート"),
            ("kanazawa-global", 1, "留学生向け 修了時アンケート"),
        ]
        for adoption in Adoption.objects.all():
            guide = ReportGuide.objects.get(tenant=adoption.tenant, program=adoption.program)
            assert guide.prompts == demo.REPORT_GUIDE
        assert Placement.objects.count() == 14 and PracticeCase.objects.filter(state="shared").count() == 2
    client.force_login(User.objects.get(email=demo.COORDINATOR))
    assert demo.SLUG in client.get("/").text  # the start page links the consortium
    table = client.get(reverse("consortium:figures", kwargs={"slug": demo.SLUG})).context["table"]
    assert {row.label: [cell.text for cell in row.cells][:2] for row in table["rows"]} == {
        "hokuriku-tech": ["8", "8"],
        "kanazawa-global": ["6", "6"],
    }
    assert [cell.text for cell in table["total"].cells][:2] == ["14", "14"]
