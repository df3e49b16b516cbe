"""Every path of the program forms, posted by the office: ProgramForm (each kind), TermForm and
YearPlanForm, with the planned and actual numbers of each direction on the program's page."""

import datetime

import pytest
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Program, Term, YearPlan

from ..factories import PlacementFactory, ProgramFactory, TermFactory, ThemeFactory
from .pages import post, shown, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, members):
    client.force_login(members[Role.STAFF])
    return client


def rows(model):
    with scopes_disabled():
        return list(model.objects.order_by("id"))


@pytest.mark.parametrize("kind", ["coop", "practical_internship", "exchange", "dual_system"])
def test_each_kind_of_program_is_saved(staff_client, tenant, kind):
    data = {
        "name": "2026年度プログラム",
        "kind": kind,
        "description": "",
        "min_months": 2,
        "max_months": 6,
        "is_active": "on",
    }
    response = post(staff_client, url("program_create", tenant), data)
    [program] = rows(Program)
    assert shown(response) == ["プログラムを保存しました。"]
    assert (program.kind, program.min_months, program.max_months, program.is_active) == (kind, 2, 6, True)
    assert program.tenant == tenant


@pytest.mark.parametrize(
    ("kind", "months"),
    [("coop", (4, 12)), ("practical_internship", (1, 12)), ("exchange", (1, 12)), ("dual_system", (1, 12))],
)
def test_empty_months_are_the_kinds_usual_ones(staff_client, tenant, kind, months):
    form = staff_client.get(url("program_create", tenant)).context["form"]
    assert (form["min_months"].value(), form["max_months"].value()) == (None, None)
    data = {"name": "プログラム", "kind": kind, "min_months": "", "max_months": "", "is_active": "on"}
    response = post(staff_client, url("program_create", tenant), data)
    assert shown(response) == ["プログラムを保存しました。"]
    [program] = rows(Program)
    assert (program.min_months, program.max_months) == months


def test_emptying_the_months_of_a_program_restores_the_kinds(staff_client, tenant):
    program = ProgramFactory(tenant=tenant, kind="coop", min_months=2, max_months=6)
    data = {"name": "プログラム", "kind": "coop", "min_months": "", "max_months": "8", "is_active": "on"}
    post(staff_client, url("program_edit", tenant, pk=program.pk), data)
    program.refresh_from_db()
    assert (program.min_months, program.max_months) == (4, 8)


def test_edit_deactivates_the_program(staff_client, tenant):
    program = ProgramFactory(tenant=tenant)
    data = {"name": "旧プログラム", "kind": "exchange", "min_months": 1, "max_months": 12}
    response = post(staff_client, url("program_edit", tenant, pk=program.pk), data)
    assert shown(response) == ["プログラムを保存しました。"]
    program.refresh_from_db()
    assert (program.name, program.kind, program.is_active) == ("旧プログラム", "exchange", False)


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"min_months": 6, "max_months": 4}, {"max_months": ["最長期間は最短期間より短くできません。"]}),
        ({"kind": "summer_school"}, {"kind": ["正しく選択してください。 summer_school は候補にありません。"]}),
        ({"min_months": -1}, {"min_months": ["この値は 0 以上でなければなりません。"]}),
        ({"name": ""}, {"name": ["このフィールドは必須です。"]}),
    ],
)
def test_invalid_program_input(staff_client, tenant, overrides, errors):
    data = {"name": "プログラム", "kind": "coop", "min_months": 4, "max_months": 12, **overrides}
    response = post(staff_client, url("program_create", tenant), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert rows(Program) == []


# --- TermForm ------------------------------------------------------------------------------


@pytest.fixture
def program(tenant):
    """An exchange: it both sends and receives students, so its plan has both numbers."""
    return ProgramFactory(tenant=tenant, kind="exchange")


def term_data(data):
    """The term form's fields as the program page posts them (the form has the prefix "term")."""
    return {f"term-{name}": value for name, value in data.items()}


def plan_data(data):
    """The yearly-plan form's fields as the program page posts them (prefix "plan")."""
    return {f"plan-{name}": value for name, value in data.items()}


def test_a_term_is_added(staff_client, tenant, program):
    data = {"name": "2026年度後期", "academic_year": 2026, "starts_on": "2026-10-01", "ends_on": "2027-03-31"}
    response = post(staff_client, url("term_add", tenant, pk=program.pk), term_data(data))
    assert shown(response) == ["期を追加しました。"]
    [term] = rows(Term)
    assert (term.program, term.starts_on, term.ends_on) == (
        program,
        datetime.date(2026, 10, 1),
        datetime.date(2027, 3, 31),
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": "2026-09-30"}, "期の名前と日付を確認してください。 期の終了日は開始日より前にできません。"),
        ({"starts_on": "2026-13-01"}, "期の名前と日付を確認してください。 日付を正しく入力してください。"),
        ({"name": ""}, "期の名前と日付を確認してください。 このフィールドは必須です。"),
    ],
)
def test_term_refusals_say_what_is_wrong(staff_client, tenant, program, overrides, message):
    data = {"name": "後期", "academic_year": 2026, "starts_on": "2026-10-01", "ends_on": "2027-03-31", **overrides}
    response = post(staff_client, url("term_add", tenant, pk=program.pk), term_data(data))
    assert shown(response) == [message]
    assert rows(Term) == []


# --- YearPlanForm and the numbers of each direction -----------------------------------------


def test_a_yearly_plan_is_set_then_changed(staff_client, tenant, program):
    plan_url = url("year_plan_set", tenant, pk=program.pk)
    response = post(
        staff_client, plan_url, plan_data({"academic_year": 2026, "planned_outbound": 5, "planned_inbound": 3})
    )
    assert shown(response) == ["年度計画を保存しました。"]
    post(staff_client, plan_url, plan_data({"academic_year": 2026, "planned_outbound": 6, "planned_inbound": 2}))
    assert [(p.academic_year, p.planned_outbound, p.planned_inbound) for p in rows(YearPlan)] == [(2026, 6, 2)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"academic_year": 2026, "planned_outbound": -1, "planned_inbound": 0},
            "年度と予定人数を入力してください。 この値は 0 以上でなければなりません。",
        ),
        (
            {"academic_year": "", "planned_outbound": 1, "planned_inbound": 0},
            "年度と予定人数を入力してください。 このフィールドは必須です。",
        ),
    ],
)
def test_yearly_plan_refusals(staff_client, tenant, program, data, message):
    response = post(staff_client, url("year_plan_set", tenant, pk=program.pk), plan_data(data))
    assert shown(response) == [message]
    assert rows(YearPlan) == []


def test_plan_and_actual_of_each_direction(staff_client, tenant, program):
    term = TermFactory(program=program, academic_year=2026)
    theme = ThemeFactory(tenant=tenant, program=program, term=term)
    PlacementFactory(theme=theme, direction="outbound")
    PlacementFactory(theme=theme, direction="inbound")
    PlacementFactory(theme=theme, direction="inbound")
    PlacementFactory(theme=theme, direction="inbound", state="terminated")  # not counted
    post(
        staff_client,
        url("year_plan_set", tenant, pk=program.pk),
        plan_data({"academic_year": 2026, "planned_outbound": 4, "planned_inbound": 2}),
    )
    plans = staff_client.get(url("program_detail", tenant, pk=program.pk)).context["plans"]
    assert plans == [
        {"year": 2026, "planned_outbound": 4, "planned_inbound": 2, "actual_outbound": 1, "actual_inbound": 2}
    ]


def test_a_program_that_only_places_students_plans_one_number(staff_client, tenant):
    """Issue 11 item 10: the exchange's 派遣・受入れ plan showed on co-op programs too."""
    coop = ProgramFactory(tenant=tenant, kind="coop")
    page = staff_client.get(url("program_detail", tenant, pk=coop.pk)).content.decode()
    assert "受入れ" not in page and "plan-planned_inbound" not in page
    assert "就業する学生数：予定と実績" in page and "就業予定人数" in page
    post(
        staff_client,
        url("year_plan_set", tenant, pk=coop.pk),
        plan_data({"academic_year": 2026, "planned_outbound": 4}),
    )
    assert [(p.academic_year, p.planned_outbound, p.planned_inbound) for p in rows(YearPlan)] == [(2026, 4, 0)]
