"""Every path of the import pages (ImportUploadForm with each kind, ImportConfirmForm) and of the
term summary (SummaryScopeForm with each way to choose the scope, each download format)."""

import codecs
import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from coop.models import Invitation, Membership, Role
from placements.models import Agreement, Partner, Placement

from ..factories import AgreementFactory, PlacementFactory, ProgramFactory, TermFactory, ThemeFactory, member
from .pages import post, shown, url

pytestmark = pytest.mark.django_db

JST = zoneinfo.ZoneInfo("Asia/Tokyo")


def csv_upload(rows, name="import.csv"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile(name, codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.fixture
def staff_client(client, members):
    client.force_login(members[Role.STAFF])
    return client


@pytest.fixture
def theme(tenant):
    return ThemeFactory(tenant=tenant, title="データ分析による業務改善", partner__name="株式会社受入")


def files(tenant, theme):
    """One good file of each kind."""
    member(tenant, Role.STUDENT, email="s1@example.jp")
    return {
        "partners": [["name", "kind"], ["株式会社新規", "company"], ["加賀市", "municipality"]],
        "students": [["email", "full_name"], ["new1@example.jp", "新入 一郎"], ["new2@example.jp", "新入 二郎"]],
        "placements": [
            ["student_email", "partner", "theme", "starts_on", "ends_on", "weekdays", "direction"],
            ["s1@example.jp", "株式会社受入", "データ分析による業務改善", "2026-12-01", "2027-05-31", "2", "inbound"],
        ],
    }


def imported(tenant, kind):
    with scopes_disabled():
        if kind == "partners":
            return sorted(
                Partner.objects.filter(tenant=tenant).exclude(name="株式会社受入").values_list("name", "kind")
            )
        if kind == "students":  # invited; they join on accepting (tests/placements/test_import_invitations.py)
            assert not Membership.objects.filter(tenant=tenant, user__email__startswith="new").exists()
            return sorted(Invitation.objects.filter(tenant=tenant).values_list("email", "role"))
        return list(Placement.objects.values_list("student__email", "starts_on", "schedule", "weekdays", "direction"))


EXPECTED = {
    "partners": (
        [("加賀市", "municipality"), ("株式会社新規", "company")],
        "連携先をインポートしました：新規 2件、更新 0件、変更なし 0件。",
    ),
    "students": (
        [("new1@example.jp", "student"), ("new2@example.jp", "student")],
        "2名に招待メールを送りました。招待を承諾すると学生として参加します。0名はすでに学生か招待済みです。",
    ),
    "placements": (
        [("s1@example.jp", datetime.date(2026, 12, 1), "weekly_days", "2", "inbound")],
        "就業をインポートしました：新規 1件、更新 0件、変更なし 0件。",
    ),
}


@pytest.mark.parametrize("kind", ["partners", "students", "placements"])
def test_each_kind_uploads_previews_and_confirms(staff_client, tenant, theme, kind):
    response = post(
        staff_client, url("import_start", tenant), {"kind": kind, "file": csv_upload(files(tenant, theme)[kind])}
    )
    assert response.status_code == 302
    preview = staff_client.get(response["Location"])
    assert (preview.context["result"].kind, preview.context["result"].errors) == (kind, [])
    assert imported(tenant, kind) == []  # the preview writes nothing
    token = preview.context["confirm_form"].initial["token"]
    response = post(staff_client, url("import_confirm", tenant), {"token": token})
    rows, message = EXPECTED[kind]
    assert shown(response) == [message]
    assert imported(tenant, kind) == rows


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"kind": "contracts"},
            {
                "kind": ["正しく選択してください。 contracts は候補にありません。"],
                "file": ["このフィールドは必須です。"],
            },
        ),
        (
            {"kind": "partners", "file": SimpleUploadedFile("logo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)},
            {"file": ["このファイルはCSVでもExcelブック（.xlsx）でもありません。CSVか.xlsxで保存し直してください。"]},
        ),
    ],
)
def test_upload_refusals(staff_client, tenant, data, errors):
    response = post(staff_client, url("import_start", tenant), data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors


def test_a_file_over_the_limit_is_refused(staff_client, tenant, settings):
    settings.IMPORT_MAX_BYTES = 1024
    big = csv_upload([["name"], *[[f"株式会社{i}"] for i in range(200)]])
    response = post(staff_client, url("import_start", tenant), {"kind": "partners", "file": big})
    assert response.context["form"].errors == {
        "file": ["ファイルが1.0\xa0KBを超えています。小さなファイルに分けてください。"]
    }


def test_a_file_of_another_kind_misses_its_columns(staff_client, tenant, theme):
    students = files(tenant, theme)["students"]
    response = post(staff_client, url("import_start", tenant), {"kind": "placements", "file": csv_upload(students)})
    [error] = response.context["form"].errors["file"]
    assert error.startswith("必須の列がありません：student_email, partner, theme, starts_on, ends_on。")


@pytest.mark.parametrize("token", ["", "short", "x" * 43])
def test_confirm_without_a_live_upload(staff_client, tenant, token):
    response = post(staff_client, url("import_confirm", tenant), {"token": token})
    expected = (
        "先にインポートするファイルを選んでください。"
        if not token
        else "このインポートは期限切れか、すでに確定されています。もう一度ファイルをアップロードしてください。"
    )
    assert shown(response) == [expected]


def test_placement_rows_outside_the_plan_are_refused(staff_client, tenant, theme):
    AgreementFactory(
        partner=theme.partner,
        theme=theme,
        kind=Agreement.Kind.IMPLEMENTATION_PLAN,
        title="コーオプ教育実施計画書",
        valid_from=datetime.date(2026, 12, 1),
        valid_until=datetime.date(2027, 5, 31),
    )
    rows = files(tenant, theme)["placements"]
    rows[1][3:5] = ["2026-09-01", "2027-06-30"]
    response = post(staff_client, url("import_start", tenant), {"kind": "placements", "file": csv_upload(rows)})
    result = staff_client.get(response["Location"]).context["result"]
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "starts_on", "就業の開始日は「コーオプ教育実施計画書」の開始日（2026年12月1日）より前にはできません。"),
        (2, "ends_on", "就業の終了日は「コーオプ教育実施計画書」の終了日（2027年5月31日）より後にはできません。"),
    ]
    assert not result.can_confirm


# --- SummaryScopeForm -----------------------------------------------------------------------


@pytest.fixture
def admin_client(client, members):
    client.force_login(members[Role.ADMIN])
    return client


@pytest.fixture
def program(tenant):
    return ProgramFactory(tenant=tenant, name="コーオプ教育")


@pytest.fixture
def term(program):
    return TermFactory(program=program, name="2026年度", academic_year=2026)


@pytest.mark.parametrize("how", ["term", "year", "this_year"])
def test_each_way_to_choose_the_scope(client, tenant, members, program, term, how):
    PlacementFactory(theme=ThemeFactory(tenant=tenant, program=program, term=term))
    query = {"program": program.pk}
    if how == "term":
        query["term"] = term.pk
    elif how == "year":
        query["academic_year"] = 2026
    with time_machine.travel(datetime.datetime(2027, 2, 15, 10, 0, tzinfo=JST), tick=False):
        client.force_login(members[Role.ADMIN])
        response = client.get(url("term_summary", tenant), query)
    scope = response.context["scope"]
    assert response.status_code == 200
    assert (scope.program, scope.term, scope.academic_year) == (
        program,
        term if how == "term" else None,
        2026,  # February 2027 is in academic year 2026
    )


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"academic_year": 2026}, {"program": ["このフィールドは必須です。"]}),
        ({"academic_year": 1999}, {"academic_year": ["この値は 2000 以上でなければなりません。"]}),
        ({"term": "other"}, {"term": ["選んだプログラムの期を選んでください。"]}),
    ],
)
def test_scope_refusals(admin_client, tenant, program, query, errors):
    other_term = TermFactory(program__tenant=tenant)
    values = {"program": program.pk, **query}
    if values.get("term") == "other":
        values["term"] = other_term.pk
    if "program" not in query and query.get("academic_year") == 2026:
        values.pop("program")
    response = admin_client.get(url("term_summary", tenant), values)
    assert response.context["form"].errors == errors
    assert response.context["scope"] is None


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pdf", "application/pdf"),
    ],
)
def test_each_download_format(admin_client, tenant, program, term, fmt, content_type):
    response = admin_client.get(url("term_summary_download", tenant, fmt=fmt), {"program": program.pk, "term": term.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="summary-{program.pk}-{term.pk}.{fmt}"'


def test_an_unknown_format_or_scope_is_a_bad_request(admin_client, tenant, program):
    assert admin_client.get(url("term_summary_download", tenant, fmt="doc"), {"program": program.pk}).status_code == 400
    assert admin_client.get(url("term_summary_download", tenant, fmt="csv"), {"program": "x"}).status_code == 400


def test_the_summary_is_for_admins(client, tenant, members, program):
    client.force_login(members[Role.STAFF])
    assert client.get(url("term_summary", tenant), {"program": program.pk}).status_code == 403
