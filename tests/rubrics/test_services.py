"""Rubric versions freeze once used, window rules, scoring (weights, reverse items), the
deadline provider and the export table."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from coop.models import Role
from coop.reminders import deadline_settings_for
from placements.models import Placement
from rubrics import services
from rubrics.builtins import TEMPLATES
from rubrics.deadlines import assessments_due
from rubrics.exports import TABLES
from rubrics.models import Assessment, AssessmentScore, Rubric

from ..clock import at
from ..factories import ProgramFactory, TermFactory, member
from .helpers import LEVELS, make_placement, make_rubric, make_window, rate, shared_setup

# Assessment windows open and close relative to today: every test here runs on Wednesday 18 November 2026.
pytestmark = [pytest.mark.django_db, at(2026, 11, 18, 10)]


def test_templates_hold_the_seeds_ability_sets(tenant, in_tenant):
    five = services.rubric_create_from_template(tenant=tenant, template="five_abilities", by=None)
    assert [c["name"] for c in five.criteria] == [
        "異文化受容性",
        "現状認識力",
        "俯瞰的思考力",
        "創造(想像)力",
        "実践力",
    ]
    assert five.level_values == [1, 2, 3, 4]
    assert all(len(c["descriptors"]) == 4 and all(c["descriptors"].values()) for c in five.criteria)
    grit = services.rubric_create_from_template(tenant=tenant, template="grit", by=None)
    assert grit.kind == Rubric.Kind.LIKERT and grit.level_values == [1, 2, 3, 4, 5]
    assert any(c["reverse"] for c in grit.criteria)
    efficacy = services.rubric_create_from_template(tenant=tenant, template="self_efficacy", by=None)
    assert {c["group"] for c in efficacy.criteria} == {"自己効力感"}
    # A second rubric from the same template gets its own code.
    again = services.rubric_create_from_template(tenant=tenant, template="five_abilities", by=None)
    assert again.code != five.code
    assert set(TEMPLATES) == {"five_abilities", "self_efficacy", "grit"}


LEVELS_REFUSED = "ルーブリックには、値が異なり昇順の2つ以上のレベルが必要です。"
KEY_REFUSED = "各評価項目には固有のキー（英数字、-、_）が必要です。"


@pytest.mark.parametrize(
    ("levels", "criteria", "message"),
    [
        ([{"value": 1}], [{"key": "a", "name": "x"}], LEVELS_REFUSED),  # one level
        ([{"value": 2}, {"value": 1}], [{"key": "a", "name": "x"}], LEVELS_REFUSED),  # not ascending
        (LEVELS, [], "ルーブリックには1つ以上の評価項目が必要です。"),  # no criteria
        (LEVELS, [{"key": "a", "name": ""}], "各評価項目には名前が必要です。"),  # no name
        (LEVELS, [{"key": "a", "name": "x"}, {"key": "a", "name": "y"}], KEY_REFUSED),  # same key twice
        (LEVELS, [{"key": "a", "name": "x", "weight": 0}], "重みは0より大きく100以下にしてください。"),  # weight 0
        (LEVELS, [{"key": "a b", "name": "x"}], KEY_REFUSED),  # a key with a space
    ],
)
def test_structure_rules(tenant, in_tenant, levels, criteria, message):
    with pytest.raises(ValidationError) as refused:
        services.rubric_create(tenant=tenant, by=None, name="R", kind="rubric", levels=levels, criteria=criteria)
    assert refused.value.messages == [message]


def test_unused_rubric_changes_in_place(tenant):
    rubric = make_rubric(tenant)
    with scope(tenant=tenant):
        saved = services.rubric_update(
            rubric=rubric, by=None, name="改訂", description="", levels=LEVELS, criteria=rubric.criteria[:1]
        )
        assert saved.pk == rubric.pk and saved.version == 1 and len(saved.criteria) == 1


def test_a_used_version_is_frozen_and_a_change_makes_the_next_version(tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    old = rate(window, placement, "self", {"a": 2, "b": 3})
    changed = [{**rubric.criteria[0], "name": "異文化理解"}, rubric.criteria[1], {"key": "c", "name": "新しい基準"}]
    with scope(tenant=tenant):
        new = services.rubric_update(
            rubric=rubric, by=None, name="能力ルーブリック", description="", levels=LEVELS, criteria=changed
        )
        rubric.refresh_from_db()
        old.refresh_from_db()
        assert new.pk != rubric.pk and (new.version, new.code) == (2, rubric.code) and new.is_current
        assert not rubric.is_current and [c["name"] for c in rubric.criteria] == ["異文化受容性", "実践力"]
        assert old.rubric_id == rubric.pk
        assert list(old.scores.values_list("criterion_name", "value")) == [("異文化受容性", 2), ("実践力", 3)]
        with pytest.raises(ValidationError) as refused:
            services.rubric_update(rubric=rubric, by=None, name="x", description="", levels=LEVELS, criteria=changed)
        assert refused.value.messages == ["変更できるのはルーブリックの現行版だけです。"]
        # An old version cannot start a new window either.
        with pytest.raises(ValidationError) as refused:
            make_window(tenant, rubric, program=window.program)
        assert refused.value.messages == ["ルーブリックの現行版を使ってください。"]


def test_window_rules(tenant, in_tenant):
    rubric = make_rubric(tenant)
    program, other = ProgramFactory(tenant=tenant), ProgramFactory(tenant=tenant)
    term = TermFactory(program=other)
    placement = make_placement(tenant, program=program)
    today = timezone.localdate()
    base = {"tenant": tenant, "by": None, "rubric": rubric, "phase": "pre", "opens_on": today, "closes_on": today}
    with pytest.raises(ValidationError) as refused:
        services.window_create(
            **{**base, "closes_on": today - datetime.timedelta(days=1)}, program=program, raters=["self"]
        )
    assert refused.value.messages == ["評価期間の終了日は開始日より前にできません。"]
    with pytest.raises(ValidationError) as refused:
        services.window_create(**base, raters=["self"])  # neither program nor placement
    assert refused.value.messages == ["プログラムか1つの就業のどちらかを選んでください。"]
    with pytest.raises(ValidationError) as refused:
        services.window_create(**base, program=program, placement=placement, raters=["self"])
    assert refused.value.messages == ["プログラムか1つの就業のどちらかを選んでください。"]
    with pytest.raises(ValidationError) as refused:
        services.window_create(**base, program=program, term=term, raters=["self"])  # another program's term
    assert refused.value.messages == ["期はそのプログラムのものにしてください。"]
    with pytest.raises(ValidationError) as refused:
        services.window_create(**base, program=program, raters=[])
    assert refused.value.messages == ["評価者を1人以上選んでください。"]
    with pytest.raises(ValidationError) as refused:
        services.window_create(**{**base, "phase": "later"}, program=program, raters=["self"])
    assert refused.value.messages == ["不明な時期です。"]
    window = services.window_create(**base, placement=placement, raters=["self", "faculty"])
    assert window.raters == ["self", "faculty"]


def test_weighted_score_and_reverse_items(tenant, in_tenant):
    rubric = services.rubric_create(
        tenant=tenant,
        by=None,
        name="R",
        kind="likert",
        levels=[{"value": v, "label": str(v)} for v in range(1, 6)],
        criteria=[
            {"key": "x", "name": "X", "weight": 2},
            {"key": "y", "name": "Y", "weight": 1},
            {"key": "z", "name": "Z", "weight": 1, "reverse": True},
        ],
    )
    # (2*4 + 1*2 + 1*(6-5)) / 4 = 11/4
    assert services.weighted_score(rubric, {"x": 4, "y": 2, "z": 5}) == Decimal("2.750")
    placement = make_placement(tenant)
    window = make_window(tenant, rubric, placement=placement, raters=["self"])
    assessment = rate(window, placement, "self", {"x": 4, "y": 2, "z": 5})
    assert assessment.score == Decimal("2.750")
    assert list(assessment.scores.values_list("criterion", "value", "points")) == [
        ("x", 4, 4),
        ("y", 2, 2),
        ("z", 5, 1),
    ]


def test_assessment_rules(tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    with scope(tenant=tenant):
        stranger = make_placement(tenant)  # another program: not in this window
        terminated = make_placement(tenant, program=window.program, state=Placement.State.TERMINATED)
        only_self = make_window(tenant, rubric, placement=placement, raters=["self"])
    not_assessed = "この就業はこの評価期間の対象ではありません。"
    not_open = "この評価期間は開いていません。"
    cases = [
        (window, placement, "self", {"a": 2}, None, "次の項目のレベルを選んでください：実践力"),  # a criterion left out
        (window, placement, "self", {"a": 2, "b": 9}, None, "「9」はこのルーブリックのレベルではありません。"),
        (window, stranger, "self", {"a": 2, "b": 2}, None, not_assessed),
        (window, terminated, "self", {"a": 2, "b": 2}, None, not_assessed),
        (only_self, placement, "faculty", {"a": 2, "b": 2}, None, "この評価期間ではこの評価者に依頼していません。"),
        (window, placement, "self", {"a": 2, "b": 2}, window.closes_on + datetime.timedelta(days=1), not_open),
        (window, placement, "self", {"a": 2, "b": 2}, window.opens_on - datetime.timedelta(days=1), not_open),
    ]
    for w, p, rater, values, today, message in cases:
        with pytest.raises(ValidationError) as refused:
            rate(w, p, rater, values, today=today)
        assert refused.value.messages == [message], (p, rater, values, today)
    first = rate(window, placement, "self", {"a": 1, "b": 1})
    again = rate(window, placement, "self", {"a": 3, "b": 4})
    with scope(tenant=tenant):
        assert first.pk == again.pk and Assessment.objects.count() == 1
        assert dict(AssessmentScore.objects.values_list("criterion", "value")) == {"a": 3, "b": 4}
        assert again.score == Decimal("3.500")


def test_deadline_provider_reminds_missing_raters_shortly_before_the_close(tenant, members):
    rubric, placement, _window = shared_setup(tenant, members)
    with scopes_disabled():
        program = placement.theme.program
    today = timezone.localdate()
    closing = make_window(tenant, rubric, program=program, phase="post", opens=-3, closes=2)
    make_window(tenant, rubric, program=program, phase="mid", opens=-3, closes=9)  # closes later: not yet
    rate(closing, placement, "faculty", {"a": 3, "b": 3})
    with scope(tenant=tenant):
        due = list(assessments_due(tenant, deadline_settings_for(tenant), today))
    assert {(d.user_id, d.key.split(":")[3]) for d in due} == {
        (members[Role.STUDENT].pk, "self"),
        (members[Role.PARTNER].pk, "partner"),
    }
    assert {d.due_on for d in due} == {closing.closes_on}
    assert all(f"/windows/{closing.pk}/placements/{placement.pk}/" in d.url for d in due)
    with scope(tenant=tenant):
        assert list(assessments_due(tenant, deadline_settings_for(tenant), today + datetime.timedelta(days=3))) == []


def test_export_rows_one_per_assessment_and_criterion(tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    rate(window, placement, "self", {"a": 2, "b": 3})
    rate(window, placement, "faculty", {"a": 3, "b": "4"})
    table = TABLES["assessments"]
    with scope(tenant=tenant), translation.override("en"):
        rows = list(table.rows(table.model.objects.filter(tenant=tenant).order_by("pk")))
        header = table.header()
    assert len(rows) == 4
    first = dict(zip(header, rows[0], strict=True))
    assert first["Criterion"] == "異文化受容性" and first["Level chosen"] == 2 and first["Rater"] == "Self-assessment"
    assert first["Phase"] == "Before (pre)"


def test_export_never_holds_another_tenants_rows(tenant, other_tenant, members):
    rubric, placement, window = shared_setup(tenant, members)
    rate(window, placement, "self", {"a": 2, "b": 3})
    theirs = make_rubric(other_tenant, criteria=[{"key": "a", "name": "PLANTED-MARKER"}])
    their_placement = make_placement(other_tenant, student=member(other_tenant, Role.STUDENT))
    their_window = make_window(other_tenant, theirs, placement=their_placement, raters=["self"])
    rate(their_window, their_placement, "self", {"a": 1})
    table = TABLES["assessments"]
    with scope(tenant=tenant):
        rows = list(table.rows(table.model.objects.filter(tenant=tenant).order_by("pk")))
    assert rows and not any("PLANTED-MARKER" in str(cell) for row in rows for cell in row)
