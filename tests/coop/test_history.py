"""History entries: what happened is a code and its values, rendered in the reader's language;
the data migration turns the sentences stored before into values (issue 11 item 5)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django_scopes import scopes_disabled

from coop.models import HistoryEntry
from placements.models import Theme

from ..factories import ThemeFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("coop.migrations.0006_history_values")


@pytest.mark.parametrize(
    ("action", "note", "values"),
    [
        ("agreement.issued", "Version 2 issued for signature.", {"number": 2}),
        ("agreement.issued", "第3版を署名のために発行しました。", {"number": 3}),
        ("agreement.in_force", "すべての当事者が第1版に署名しました。", {"number": 1}),
        ("agreement.signed", "Version 1, Partner: 企業 担当", {"number": 1, "party": "partner", "name": "企業 担当"}),
        ("agreement.signed", "第1版・学生：学生 一郎", {"number": 1, "party": "student", "name": "学生 一郎"}),
        ("theme.filled", "定員に達しました。", {"all_taken": True}),
        ("daily_report.unlocked", "2026-12-03までロックを解除しました。", {"date": "2026-12-03"}),
        (
            "placement.link_sent",
            "月報へのフィードバック → boss@example.com",
            {"purpose": "feedback", "email": "boss@example.com"},
        ),
    ],
)
def test_the_migration_reads_english_and_japanese_sentences(action, note, values):
    assert migration.values_from_note(action, note) == (values, "")


@pytest.mark.parametrize(
    ("note", "values", "left"),
    [
        ("A (合否) よく頑張った。\n次も期待。", {"grade": "A", "verdict": "passed"}, "よく頑張った。\n次も期待。"),
        ("C (不合格)", {"grade": "C", "verdict": "not_passed"}, ""),
        ("B (not passed) Late reports.", {"grade": "B", "verdict": "not_passed"}, "Late reports."),
    ],
)
def test_the_migration_keeps_the_typed_comments_of_a_proposed_result(note, values, left):
    assert migration.values_from_note("result.proposed", note) == (values, left)
    entry = HistoryEntry(action="result.proposed", values=values)
    with translation.override("ja"):
        assert entry.text == f"{values['grade']}（{'合格' if values['verdict'] == 'passed' else '不合格'}）"
    with translation.override("en"):
        assert entry.text == f"{values['grade']} ({values['verdict'].replace('_', ' ')})"


def test_the_migration_converts_known_sentences_and_keeps_free_text(tenant):
    theme = ThemeFactory(tenant=tenant)
    with scopes_disabled():
        kind = ContentType.objects.get_for_model(Theme)
        known = HistoryEntry.objects.create(
            tenant=tenant, content_type=kind, object_id=theme.pk, action="theme.filled", note="All places are taken."
        )
        free = HistoryEntry.objects.create(
            tenant=tenant, content_type=kind, object_id=theme.pk, action="theme.filled", note="企業の都合で締切"
        )
        migration.notes_to_values(apps, None)
        known.refresh_from_db()
        free.refresh_from_db()
    assert (known.values, known.note) == ({"all_taken": True}, "")
    assert (free.values, free.note) == ({}, "企業の都合で締切")
    with translation.override("ja"):
        assert known.text == "定員に達しました。"
    with translation.override("en"):
        assert known.text == "All places are taken."
    assert free.text == ""
