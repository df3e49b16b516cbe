"""Every choice of every rubrics form, posted through its page as the role that uses it:
TemplateForm (each built-in template), RubricEditForm, WindowForm (each phase and rater),
WindowDatesForm, AssessmentForm (each rater, signed in and through an emailed link),
LinkSendForm and CohortForm. "Today" is 2026-11-30."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from coop.models import Role
from rubrics.builtins import TEMPLATES
from rubrics.models import Assessment, AssessmentWindow, Phase, Rater, RaterLink, Rubric

from ..factories import PartnerContactFactory, ProgramFactory, TermFactory
from .helpers import make_placement, make_rubric, make_window, rate

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
# The day these paths were written for; tests that need another day travel from here.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime.datetime(2026, 11, 30, 10, tzinfo=JST), tick=False),
]
TODAY = datetime.date(2026, 11, 30)
REQUIRED = "このフィールドは必須です。"
INVALID = "正しく選択してください。 %s は候補にありません。"


def url(name, tenant, **kwargs):
    return reverse(f"rubrics:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=JST), tick=False):
        yield


def rubrics(tenant):
    with scope(tenant=tenant):
        return list(Rubric.objects.order_by("pk"))


# --- TemplateForm -------------------------------------------------------------------------------


@pytest.mark.parametrize("template", list(TEMPLATES))
@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_every_template_makes_a_rubric(client, tenant, members, template, role):
    client.force_login(members[role])
    response = client.post(url("rubric_create", tenant), {"template": template, "name": ""})
    (rubric,) = rubrics(tenant)
    assert response.status_code == 302 and response["Location"] == url("rubric_edit", tenant, pk=rubric.pk)
    assert flashed(response) == ["ひな形からルーブリックを作成しました。プログラムに合わせて調整してください。"]
    found = TEMPLATES[template]
    assert (rubric.name, rubric.kind, rubric.code, rubric.template, rubric.version) == (
        found["name"],
        found["kind"],
        found["code"],
        template,
        1,
    )
    assert [c["key"] for c in rubric.criteria] == [c["key"] for c in found["criteria"]]
    assert [level["value"] for level in rubric.levels] == [level["value"] for level in found["levels"]]


def test_a_template_twice_gets_its_own_name_and_code(client, tenant, members):
    client.force_login(members[Role.STAFF])
    client.post(url("rubric_create", tenant), {"template": "grit", "name": ""})
    client.post(url("rubric_create", tenant), {"template": "grit", "name": "2027年度のグリット"})
    first, second = rubrics(tenant)
    assert (first.code, second.code, second.name) == ("grit", "grit-2", "2027年度のグリット")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"template": "growth_mindset", "name": ""}, {"template": ["ひな形を選んでください。"]}),
        ({"template": "", "name": "x"}, {"template": ["ひな形を選んでください。"]}),
        (
            {"template": "grit", "name": "x" * 201},
            {"name": ["この値は 200 文字以下でなければなりません( 201 文字になっています)。"]},
        ),
    ],
)
def test_template_form_refusals_say_what_is_wrong(client, tenant, members, data, errors):
    """Before the fix every refusal said "Choose a template.", even for a too long name."""
    client.force_login(members[Role.STAFF])
    response = client.post(url("rubric_create", tenant), data)
    assert response.status_code == 200
    assert response.context["template_form"].errors == errors
    for messages_ in errors.values():
        assert messages_[0] in response.text
    assert rubrics(tenant) == []


@pytest.mark.parametrize("role", [Role.FACULTY, Role.STUDENT, Role.PARTNER])
def test_only_the_office_makes_rubrics(client, tenant, members, role):
    client.force_login(members[role])
    assert client.post(url("rubric_create", tenant), {"template": "grit"}).status_code == 403
    assert rubrics(tenant) == []


# --- RubricEditForm -----------------------------------------------------------------------------


def edit_data(rubric, **changes):
    """The edit page's fields as the page fills them in, then `changes`."""
    data = {"name": rubric.name, "description": rubric.description}
    for level in rubric.levels:
        data[f"level_{level['value']}"] = level["label"]
    for n, criterion in enumerate(rubric.criteria):
        data[f"c{n}_name"] = criterion["name"]
        data[f"c{n}_weight"] = str(criterion["weight"])
        data[f"c{n}_group"] = criterion.get("group", "")
        if rubric.kind == Rubric.Kind.LIKERT:
            if criterion.get("reverse"):
                data[f"c{n}_reverse"] = "on"
        else:
            for level in rubric.levels:
                data[f"c{n}_d{level['value']}"] = criterion["descriptors"].get(str(level["value"]), "")
    data.update(changes)
    return data


@pytest.fixture
def rubric(tenant):
    return make_rubric(tenant)


def test_edit_names_levels_weights_groups_and_descriptors(client, tenant, members, rubric):
    client.force_login(members[Role.STAFF])
    data = edit_data(
        rubric,
        name="改訂版",
        description="説明",
        level_1="初歩",
        c0_weight="2.5",
        c0_group="基礎",
        c0_d2="理解している",
        c1_name="",  # removes 実践力
        c2_name="協働力",  # a new row
        c2_weight="",
    )
    response = client.post(url("rubric_edit", tenant, pk=rubric.pk), data)
    assert response.status_code == 302 and flashed(response) == ["保存しました。"]
    rubric.refresh_from_db()
    assert (rubric.name, rubric.description, rubric.version) == ("改訂版", "説明", 1)
    assert rubric.levels[0] == {"value": 1, "label": "初歩"}
    assert [(c["key"], c["name"], c["weight"], c["group"]) for c in rubric.criteria] == [
        ("a", "異文化受容性", 2.5, "基礎"),
        ("c1", "協働力", 1, ""),
    ]
    assert rubric.criteria[0]["descriptors"]["2"] == "理解している"


@pytest.mark.parametrize("template", ["self_efficacy", "grit"])
def test_likert_items_are_reversed_and_back(client, tenant, members, template):
    client.force_login(members[Role.STAFF])
    client.post(url("rubric_create", tenant), {"template": template})
    (rubric,) = rubrics(tenant)
    before = [c.get("reverse", False) for c in rubric.criteria]
    data = edit_data(rubric)
    if before[0]:
        del data["c0_reverse"]
    else:
        data["c0_reverse"] = "on"
    assert client.post(url("rubric_edit", tenant, pk=rubric.pk), data).status_code == 302
    rubric.refresh_from_db()
    assert [c["reverse"] for c in rubric.criteria] == [not before[0], *before[1:]]


def test_a_used_rubric_changes_into_a_new_version(client, tenant, members, rubric):
    placement = make_placement(tenant)
    window = make_window(tenant, rubric, placement=placement)
    rate(window, placement, Rater.SELF, {"a": 1, "b": 2})
    client.force_login(members[Role.STAFF])
    response = client.post(url("rubric_edit", tenant, pk=rubric.pk), edit_data(rubric, name="改訂版"))
    assert flashed(response) == ["第1版は使用中のため、変更は第2版になりました。"]
    old, new = rubrics(tenant)
    assert (old.name, old.is_current, new.name, new.version, new.is_current) == (
        "能力ルーブリック",
        False,
        "改訂版",
        2,
        True,
    )
    # The old version can no longer be edited.
    response = client.post(url("rubric_edit", tenant, pk=old.pk), edit_data(old, name="x"))
    assert flashed(response)[-1] == "変更できるのはルーブリックの現行版だけです。"
    old.refresh_from_db()
    assert old.name == "能力ルーブリック"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": ""}, {"name": [REQUIRED]}),
        ({"c0_weight": "0"}, {"c0_weight": ["この値は 0.01 以上でなければなりません。"]}),
        ({"c0_weight": "101"}, {"c0_weight": ["この値は 100 以下でなければなりません。"]}),
        ({"c0_weight": "重い"}, {"c0_weight": ["数値を入力してください。"]}),
        ({"c0_weight": "1.005"}, {"c0_weight": ["この値は小数点以下が合計 2 桁以内でなければなりません。"]}),
        ({"level_1": "x" * 101}, {"level_1": ["この値は 100 文字以下でなければなりません( 101 文字になっています)。"]}),
        (
            {"c0_group": "x" * 101},
            {"c0_group": ["この値は 100 文字以下でなければなりません( 101 文字になっています)。"]},
        ),
        ({"c0_name": "", "c1_name": ""}, {"__all__": ["ルーブリックには1つ以上の評価項目が必要です。"]}),
        ({"name": "   "}, {"name": [REQUIRED]}),
    ],
)
def test_rubric_edit_refusals(client, tenant, members, rubric, changes, errors):
    client.force_login(members[Role.STAFF])
    response = client.post(url("rubric_edit", tenant, pk=rubric.pk), edit_data(rubric, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    with scopes_disabled():
        saved = Rubric.objects.get(pk=rubric.pk)
    assert (saved.name, saved.criteria, saved.levels) == (rubric.name, rubric.criteria, rubric.levels)


# --- WindowForm ---------------------------------------------------------------------------------


@pytest.fixture
def program(tenant):
    return ProgramFactory(tenant=tenant)


def window_data(rubric, **changes):
    data = {
        "rubric": rubric.pk,
        "phase": "pre",
        "program": "",
        "term": "",
        "placement": "",
        "opens_on": "2026-12-01",
        "closes_on": "2026-12-14",
        "raters": list(Rater.values),
    }
    data.update(changes)
    return data


def windows(tenant):
    with scope(tenant=tenant):
        return list(AssessmentWindow.objects.order_by("pk"))


@pytest.mark.parametrize("phase", list(Phase.values))
@pytest.mark.parametrize("raters", [[r] for r in Rater.values] + [list(Rater.values)])
def test_a_window_for_every_phase_and_rater_over_a_program(client, tenant, members, rubric, program, phase, raters):
    client.force_login(members[Role.STAFF])
    response = client.post(
        url("window_create", tenant), window_data(rubric, phase=phase, program=program.pk, raters=raters)
    )
    (window,) = windows(tenant)
    assert response.status_code == 302 and response["Location"] == window.get_absolute_url()
    assert flashed(response) == ["評価期間を設定しました。"]
    assert (window.phase, window.program_id, window.placement_id, window.raters) == (
        phase,
        program.pk,
        None,
        [r for r in Rater.values if r in raters],
    )
    assert (window.opens_on, window.closes_on) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 14))


def test_a_window_over_one_term_and_one_over_one_placement(client, tenant, members, rubric, program):
    term = TermFactory(program=program)
    placement = make_placement(tenant)
    client.force_login(members[Role.ADMIN])
    client.post(url("window_create", tenant), window_data(rubric, program=program.pk, term=term.pk))
    client.post(url("window_create", tenant), window_data(rubric, placement=placement.pk, phase="post"))
    by_term, single = windows(tenant)
    assert (by_term.program_id, by_term.term_id, by_term.placement_id) == (program.pk, term.pk, None)
    assert (single.program_id, single.term_id, single.placement_id, single.phase) == (None, None, placement.pk, "post")


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({}, {"__all__": ["プログラムか1つの就業のどちらかを選んでください。"]}),
        ({"program": "P", "placement": "X"}, {"__all__": ["プログラムか1つの就業のどちらかを選んでください。"]}),
        ({"program": "P", "term": "T2"}, {"__all__": ["期はそのプログラムのものにしてください。"]}),
        ({"placement": "X", "term": "T"}, {"__all__": ["期はそのプログラムのものにしてください。"]}),
        (
            {"program": "P", "opens_on": "2026-12-14", "closes_on": "2026-12-01"},
            {"__all__": ["評価期間の終了日は開始日より前にできません。"]},
        ),
        ({"program": "P", "raters": []}, {"raters": [REQUIRED]}),
        ({"program": "P", "raters": ["teacher"]}, {"raters": [INVALID % "teacher"]}),
        ({"program": "P", "phase": "final"}, {"phase": [INVALID % "final"]}),
        ({"program": "P", "opens_on": ""}, {"opens_on": [REQUIRED]}),
        ({"program": "P", "closes_on": "12/14"}, {"closes_on": ["日付を正しく入力してください。"]}),
    ],
)
def test_window_refusals(client, tenant, members, rubric, program, changes, errors):
    term = TermFactory(program=program)
    other_term = TermFactory(program=ProgramFactory(tenant=tenant))
    placement = make_placement(tenant, program=program)
    ids = {"P": program.pk, "T": term.pk, "T2": other_term.pk, "X": placement.pk}
    data = window_data(rubric, **{k: ids.get(v, v) if isinstance(v, str) else v for k, v in changes.items()})
    client.force_login(members[Role.STAFF])
    response = client.post(url("window_create", tenant), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert windows(tenant) == []


def test_an_old_rubric_version_cannot_get_a_window(client, tenant, members, rubric, program):
    placement = make_placement(tenant)
    rate(make_window(tenant, rubric, placement=placement), placement, Rater.SELF, {"a": 1, "b": 2})
    client.force_login(members[Role.STAFF])
    client.post(url("rubric_edit", tenant, pk=rubric.pk), edit_data(rubric, name="改訂版"))
    response = client.post(url("window_create", tenant), window_data(rubric, program=program.pk))
    errors = response.context["form"].errors
    assert errors == {"rubric": ["正しく選択してください。選択したものは候補にありません。"]}
    assert len(windows(tenant)) == 1


# --- WindowDatesForm ----------------------------------------------------------------------------


@pytest.fixture
def setup(tenant, members, rubric):
    """An open pre window (2026-11-25 to 2026-12-10) over one placement of the members."""
    placement = make_placement(
        tenant, student=members[Role.STUDENT], faculty=members[Role.FACULTY], partner_user=members[Role.PARTNER]
    )
    window = make_window(tenant, rubric, placement=placement)
    return placement, window


@pytest.mark.parametrize(
    ("data", "message", "dates"),
    [
        ({"opens_on": "2026-11-20", "closes_on": "2026-12-31"}, "日付を変更しました。", ("2026-11-20", "2026-12-31")),
        ({"opens_on": "2026-11-20", "closes_on": "2026-11-20"}, "日付を変更しました。", ("2026-11-20", "2026-11-20")),
        ({"opens_on": "2026-12-31", "closes_on": "2026-11-20"}, "評価期間の終了日は開始日より前にできません。", None),
        ({"opens_on": "", "closes_on": "2026-11-20"}, "両方の日付を入力してください。", None),
        ({"opens_on": "2026-11-20", "closes_on": "31/12/2026"}, "両方の日付を入力してください。", None),
    ],
)
def test_window_dates(client, tenant, members, setup, data, message, dates):
    _placement, window = setup
    before = (window.opens_on, window.closes_on)
    client.force_login(members[Role.STAFF])
    response = client.post(url("window_dates", tenant, pk=window.pk), data)
    assert flashed(response) == [message]
    window.refresh_from_db()
    expected = tuple(datetime.date.fromisoformat(d) for d in dates) if dates else before
    assert (window.opens_on, window.closes_on) == expected


# --- AssessmentForm, signed in ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rater", "role", "goes_to"),
    [
        (Rater.SELF, Role.STUDENT, "my_assessments"),
        (Rater.PARTNER, Role.PARTNER, "my_assessments"),
        (Rater.FACULTY, Role.FACULTY, "my_assessments"),
        (Rater.PARTNER, Role.STAFF, "window"),
        (Rater.FACULTY, Role.ADMIN, "window"),
    ],
)
def test_every_rater_fills_the_assessment(client, tenant, members, setup, rater, role, goes_to):
    placement, window = setup
    client.force_login(members[role])
    page = url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater=rater)
    response = client.post(page, {"score_a": "4", "score_b": "1", "comment": "よく伸びた"})
    expected = url("my_assessments", tenant) if goes_to == "my_assessments" else window.get_absolute_url()
    assert response.status_code == 302 and response["Location"] == expected
    assert flashed(response) == ["評価を保存しました。ありがとうございました。"]
    with scopes_disabled():
        assessment = Assessment.objects.get(window=window, placement=placement, rater=rater)
        scores = dict(assessment.scores.values_list("criterion", "value"))
    assert (scores, assessment.comment, assessment.rated_by) == ({"a": 4, "b": 1}, "よく伸びた", members[role])
    # Again while open: the newest answers count.
    client.post(page, {"score_a": "2", "score_b": "2", "comment": ""})
    with scopes_disabled():
        assert dict(Assessment.objects.get(pk=assessment.pk).scores.values_list("criterion", "value")) == {
            "a": 2,
            "b": 2,
        }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"score_a": "4"}, {"score_b": [REQUIRED]}),
        ({"score_a": "4", "score_b": "5"}, {"score_b": [INVALID % "5"]}),
        ({"score_a": "0", "score_b": "1"}, {"score_a": [INVALID % "0"]}),
        ({"comment": ""}, {"score_a": [REQUIRED], "score_b": [REQUIRED]}),
    ],
)
def test_assessment_refusals(client, tenant, members, setup, data, errors):
    placement, window = setup
    client.force_login(members[Role.STUDENT])
    response = client.post(url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater="self"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    with scopes_disabled():
        assert not Assessment.objects.exists()


@pytest.mark.parametrize("day", [datetime.date(2026, 11, 24), datetime.date(2026, 12, 11)])
def test_outside_the_window_nothing_is_saved(client, tenant, members, setup, day):
    placement, window = setup
    client.force_login(members[Role.STUDENT])
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=JST), tick=False):
        response = client.post(
            url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater="self"),
            {"score_a": "4", "score_b": "1"},
        )
    assert flashed(response) == ["この評価期間は開いていません。"]
    with scopes_disabled():
        assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("rater", "role", "status"),
    [
        (Rater.PARTNER, Role.STUDENT, 403),
        (Rater.SELF, Role.FACULTY, 403),
        (Rater.SELF, Role.STAFF, 403),
        ("teacher", Role.STAFF, 404),
    ],
)
def test_the_wrong_rater_cannot_fill(client, tenant, members, setup, rater, role, status):
    placement, window = setup
    client.force_login(members[role])
    page = url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater=rater)
    assert client.post(page, {"score_a": "4", "score_b": "1"}).status_code == status
    with scopes_disabled():
        assert not Assessment.objects.exists()


def test_a_rater_the_window_does_not_ask_is_not_found(client, tenant, members, rubric):
    placement = make_placement(tenant, student=members[Role.STUDENT])
    window = make_window(tenant, rubric, placement=placement, raters=[Rater.FACULTY])
    client.force_login(members[Role.STUDENT])
    page = url("assessment_fill", tenant, pk=window.pk, placement_pk=placement.pk, rater="self")
    assert client.post(page, {"score_a": "4", "score_b": "1"}).status_code == 404


# --- LinkSendForm and the emailed rater link ----------------------------------------------------


@pytest.fixture
def outside_boss(setup):
    placement, _window = setup
    from placements.models import PlacementSupervisor

    contact = PartnerContactFactory(partner=placement.partner, full_name="外部 太郎", email="taro@partner.example.jp")
    with scopes_disabled():
        PlacementSupervisor.objects.create(tenant=placement.tenant, placement=placement, contact=contact)
    return contact


def rater_links():
    with scopes_disabled():
        return list(RaterLink.objects.order_by("pk"))


def test_office_sends_a_rater_link_that_is_filled_without_an_account(
    client, tenant, members, setup, outside_boss, django_capture_on_commit_callbacks
):
    placement, window = setup
    client.force_login(members[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("link_send", tenant, pk=window.pk, placement_pk=placement.pk), {"contact": outside_boss.pk}
        )
    assert flashed(response) == ["リンクを送信しました。"]
    (link,) = rater_links()
    assert (link.contact_id, link.email) == (outside_boss.pk, "taro@partner.example.jp")
    client.logout()
    path = re.search(r"(/t/[-\w]+/rubrics/r/[-\w]+/)", mail.outbox[-1].body).group(1)

    response = client.post(path, {"score_a": "4"})
    assert response.status_code == 200 and response.context["form"].errors == {"score_b": [REQUIRED]}
    response = client.post(path, {"score_a": "4", "score_b": "9"})
    assert response.context["form"].errors == {"score_b": [INVALID % "9"]}
    with scopes_disabled():
        assert not Assessment.objects.exists()

    response = client.post(path, {"score_a": "4", "score_b": "3", "comment": "期待以上"})
    assert response.status_code == 200
    with scopes_disabled():
        assessment = Assessment.objects.get()
        scores = dict(assessment.scores.values_list("criterion", "value"))
    assert (assessment.rater, assessment.rater_name, assessment.rated_by, scores) == (
        "partner",
        "外部 太郎",
        None,
        {"a": 4, "b": 3},
    )
    assert client.post(path, {"score_a": "1", "score_b": "1"}).status_code == 410


@pytest.mark.parametrize("contact", ["", "999999", "self"])
def test_a_rater_link_goes_only_to_a_supervisor_with_an_email(client, tenant, members, setup, outside_boss, contact):
    placement, window = setup
    no_email = PartnerContactFactory(partner=placement.partner, email="")
    from placements.models import PlacementSupervisor

    with scopes_disabled():
        PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=no_email)
    value = str(no_email.pk) if contact == "self" else contact
    client.force_login(members[Role.STAFF])
    response = client.post(url("link_send", tenant, pk=window.pk, placement_pk=placement.pk), {"contact": value})
    assert flashed(response) == ["メールアドレスのある企業担当者を選んでください。"]
    assert rater_links() == []


def test_no_rater_link_when_the_window_does_not_ask_the_partner(client, tenant, members, rubric):
    placement = make_placement(tenant, partner_user=members[Role.PARTNER])
    window = make_window(tenant, rubric, placement=placement, raters=[Rater.SELF])
    with scopes_disabled():
        contact = placement.supervisors.get().contact
    client.force_login(members[Role.STAFF])
    response = client.post(url("link_send", tenant, pk=window.pk, placement_pk=placement.pk), {"contact": contact.pk})
    assert flashed(response) == ["この評価期間では企業担当者に依頼していません。"]
    assert rater_links() == []


# --- CohortForm ---------------------------------------------------------------------------------


@pytest.fixture
def cohort(tenant, members, rubric, program):
    term = TermFactory(program=program)
    placement = make_placement(tenant, program=program, term=term, faculty=members[Role.FACULTY])
    pre = make_window(tenant, rubric, program=program, phase="pre")
    post = make_window(tenant, rubric, program=program, phase="post")
    for rater in Rater.values:
        rate(pre, placement, rater, {"a": 1, "b": 2})
        rate(post, placement, rater, {"a": 3, "b": 2})
    return placement, term


@pytest.mark.parametrize("rater", list(Rater.values))
@pytest.mark.parametrize("narrow", ["", "program", "term", "theme"])
@pytest.mark.parametrize("role", [Role.STAFF, Role.FACULTY])
def test_cohort_growth_for_every_rater_and_filter(
    client, tenant, members, rubric, program, cohort, rater, narrow, role
):
    placement, term = cohort
    ids = {"program": program.pk, "term": term.pk, "theme": placement.theme_id}
    query = {"rubric": rubric.pk, "rater": rater, "program": "", "term": "", "theme": ""}
    if narrow:
        query[narrow] = ids[narrow]
    client.force_login(members[role])
    response = client.get(url("cohort_growth", tenant), query)
    assert response.status_code == 200
    assert response.context["chosen"]["rater"] == rater
    rows = response.context["result"]["criteria"]
    assert [(row["key"], row["pairs"], row["change"]) for row in rows] == [("a", 1, 2), ("b", 1, 0)]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"rater": "teacher"}, {"rater": [INVALID % "teacher"]}),
        ({"rubric": "999999"}, {"rubric": [INVALID % "999999"]}),
        ({"rubric": ""}, {"rubric": [REQUIRED]}),
        ({"theme": "999999"}, {"theme": [INVALID % "999999"]}),
    ],
)
def test_cohort_refusals(client, tenant, members, rubric, cohort, change, errors):
    client.force_login(members[Role.STAFF])
    response = client.get(url("cohort_growth", tenant), {"rubric": rubric.pk, "rater": "self", **change})
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert response.context["result"] is None
