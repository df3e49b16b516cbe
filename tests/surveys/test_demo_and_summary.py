"""The demo seeder (a survey form in every tenant; in a coordinator organization a finished
round answered by the student, the partner and the coordinator) and the surveys' section of
the term summary, on screen and in its XLSX."""

import io
import shutil
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop.models import Role, Tenant
from coop.summary import Scope, summary_sections
from surveys import demo
from surveys.models import SurveyForm, SurveyResponse, SurveyRound

from ..clock import at
from ..factories import TenantFactory, TermFactory, member
from ..rubrics.helpers import make_placement
from .helpers import answer, make_form, make_round, response_of, shared_setup

pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


def _people(tenant):
    return {role: member(tenant, role) for role in Role}


def test_the_demo_gives_a_coordinator_a_finished_survey_answered_by_all_three(client):
    tenant = TenantFactory(slug="hokkaido-test", kind=Tenant.Kind.COORDINATOR)
    people = _people(tenant)
    placement = make_placement(tenant, student=people[Role.STUDENT], partner_user=people[Role.PARTNER])
    for _ in range(2):  # idempotent
        with scope(tenant=tenant):
            demo.seed(tenant, people)
    with scopes_disabled():
        assert SurveyForm.objects.filter(tenant=tenant).count() == 1
        survey_round = SurveyRound.objects.get(tenant=tenant)
        assert survey_round.program_id == placement.theme.program_id
        assert not survey_round.is_open() and survey_round.closes_on.isoformat() == "2026-11-17"
        answered = dict(
            SurveyResponse.objects.filter(round=survey_round, submitted_at__isnull=False).values_list(
                "audience", "answered_by"
            )
        )
    assert answered == {
        "student": people[Role.STUDENT].pk,
        "partner": people[Role.PARTNER].pk,
        "staff": people[Role.STAFF].pk,
    }
    client.force_login(people[Role.STAFF])
    page = client.get(reverse("surveys:round_results", kwargs={"tenant_slug": tenant.slug, "pk": survey_round.pk}))
    assert page.status_code == 200 and page.text.count("<svg") == 5 and "販路開拓が進んだ" in page.text


def test_the_demo_gives_other_tenants_a_form_and_is_a_no_op_without_placements():
    coordinator = TenantFactory(slug="empty-coordinator", kind=Tenant.Kind.COORDINATOR)
    university = TenantFactory(slug="univ-demo", kind=Tenant.Kind.UNIVERSITY)
    make_placement(university)
    for tenant in (coordinator, university):
        people = _people(tenant)
        with scope(tenant=tenant):
            demo.seed(tenant, people)
    with scopes_disabled():
        assert SurveyForm.objects.filter(tenant=coordinator).count() == 1
        assert SurveyForm.objects.filter(tenant=university).count() == 1
        assert not SurveyRound.objects.exists()


def test_the_term_summary_has_a_survey_section_with_rates_and_means(client, tenant, members):
    term = TermFactory(program__tenant=tenant)
    with scopes_disabled():
        program = term.program
    form = make_form(tenant)
    first = make_placement(tenant, program=program, term=term, student=members[Role.STUDENT])
    second = make_placement(tenant, program=program, term=term)
    survey_round = make_round(tenant, form, program, term=term, audiences=["student", "staff"])
    answer(response_of(survey_round, "student", first), {"q1": "5", "q2": "はい", "q3": ["成長"]})
    answer(response_of(survey_round, "student", second), {"q1": "2", "q2": "いいえ"})
    answer(response_of(survey_round, "staff", first), {"q1": "4", "q2": "はい"})
    other_round = shared_setup(tenant, members)[2]  # another program: not in this summary
    answer(response_of(other_round, "student"), {"q1": "1", "q2": "いいえ"})
    with scope(tenant=tenant):
        sections = [
            s for s in summary_sections(Scope(tenant=tenant, program=program, term=term)) if s.key.startswith("survey-")
        ]
    assert len(sections) == 1
    section = sections[0]
    assert section.numbers["owed"] == 4 and section.numbers["answered"] == 3 and section.numbers["rate"] == 75.0
    assert section.numbers["q1:student"] == 3.5 and section.numbers["q1:staff"] == 4
    assert "<svg" in section.chart
    assert ["回答率", "学生", 2, "2", 100.0] in section.rows
    assert ["次も参加したいか", "学生", 2, "はい: 1、いいえ: 1", ""] in section.rows
    client.force_login(members[Role.ADMIN])
    query = f"program={program.pk}&term={term.pk}"
    page = client.get(reverse("placements:term_summary", kwargs={"tenant_slug": tenant.slug}) + "?" + query)
    assert page.status_code == 200 and "アンケート: 終了後アンケート" in page.text
    download = client.get(
        reverse("placements:term_summary_download", kwargs={"tenant_slug": tenant.slug, "fmt": "xlsx"}) + "?" + query
    )
    workbook = openpyxl.load_workbook(io.BytesIO(download.content), read_only=True)
    sheet = next(ws for ws in workbook.worksheets if "アンケート" in ws.title)
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert ("満足度", "学生", 2, None, 3.5) in rows or ("満足度", "学生", 2, "", 3.5) in rows


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_term_summary_pdf_has_the_survey_and_its_chart(client, tenant, members, tmp_path):
    term = TermFactory(program__tenant=tenant)
    with scopes_disabled():
        program = term.program
    placement = make_placement(tenant, program=program, term=term, student=members[Role.STUDENT])
    survey_round = make_round(tenant, make_form(tenant), program, term=term, audiences=["student"])
    answer(response_of(survey_round, "student", placement), {"q1": "5", "q2": "はい"})
    client.force_login(members[Role.ADMIN])
    pdf = client.get(
        reverse("placements:term_summary_download", kwargs={"tenant_slug": tenant.slug, "fmt": "pdf"})
        + f"?program={program.pk}&term={term.pk}"
    )
    assert pdf.content.startswith(b"%PDF")
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "アンケート: 終了後アンケート" in text
    assert "満足度" in text and "回答 1 件 / 依頼 1 件。" in text


def test_a_later_run_adds_the_round_once_the_placement_is_seeded():
    """Seeders run in the order of the apps; if the coordinator's placement comes from a seeder
    that runs after this one, the next `seed_demo` adds the round."""
    tenant = TenantFactory(slug="late-coordinator", kind=Tenant.Kind.COORDINATOR)
    people = _people(tenant)
    with scope(tenant=tenant):
        demo.seed(tenant, people)
    make_placement(tenant, student=people[Role.STUDENT], partner_user=people[Role.PARTNER])
    for _ in range(2):
        with scope(tenant=tenant):
            demo.seed(tenant, people)
    with scopes_disabled():
        assert SurveyForm.objects.filter(tenant=tenant).count() == 1
        assert SurveyRound.objects.filter(tenant=tenant).count() == 1
        assert SurveyResponse.objects.filter(round__tenant=tenant, submitted_at__isnull=False).count() == 3


def test_a_summary_of_an_academic_year_counts_the_rounds_opened_in_it(tenant, members):
    form, placement, survey_round = shared_setup(tenant, members)  # opened 2026-11-13, no term
    with scopes_disabled():
        program = survey_round.program
    with scope(tenant=tenant):
        this_year = summary_sections(Scope(tenant=tenant, program=program, academic_year=2026))
        next_year = summary_sections(Scope(tenant=tenant, program=program, academic_year=2027))
    assert [s.key for s in this_year if s.key.startswith("survey-")] == [f"survey-{survey_round.pk}"]
    assert [s.key for s in next_year if s.key.startswith("survey-")] == []
