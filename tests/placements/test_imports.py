"""Imports of partners, students and placements: decoding, dry-run preview, confirmation.

The corpus is built in code (tests/placements/import_corpus.py would only hold the same bytes):
CP932 with ①/㈱/～, UTF-8 with BOM, XLSX written by openpyxl, broken rows, formula-like cells,
another tenant's partner, an oversized file and files that are not tables at all. Every bad
file gives errors in words and writes nothing; good files import exact counts on confirmation.
"""

import codecs
import csv
import datetime
import io
import os
import stat
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from coop.models import Invitation, Membership, Role, User
from placements.models import Partner, PartnerContact, Placement
from placements.services import imports
from placements.services.imports import ImportExpired, import_confirm, import_decode, import_preview

from ..factories import PartnerFactory, PlacementFactory, TenantFactory, ThemeFactory, UserFactory, member

pytestmark = pytest.mark.django_db

PARTNER_HEADER = ["name", "name_kana", "kind", "industry", "country", "address", "website", "phone", "notes"]
PLACEMENT_HEADER = [
    "student_email",
    "partner",
    "theme",
    "faculty_email",
    "starts_on",
    "ends_on",
    "schedule",
    "weekdays",
    "pay",
    "direction",
]


# --- Corpus -------------------------------------------------------------------------------


def csv_bytes(rows, *, encoding="utf-8", bom=False):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom else data


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data, name="import.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def partner_row(name, **values):
    row = dict.fromkeys(PARTNER_HEADER, "")
    row.update({"name": name, "kind": "company", "country": "日本", "phone": "076-123-4567", **values})
    return [row[key] for key in PARTNER_HEADER]


# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(tenant):
    return member(tenant, Role.STAFF, email="staff@hokuriku.example.jp")


def counts(tenant):
    with scopes_disabled():
        return {
            "partners": Partner.objects.filter(tenant=tenant).count(),
            "placements": Placement.objects.filter(tenant=tenant).count(),
            "memberships": Membership.objects.filter(tenant=tenant).count(),
            "users": User.objects.count(),
        }


def preview(tenant, staff, kind, data, name="import.csv"):
    return import_preview(tenant=tenant, kind=kind, upload=upload(data, name), by=staff)


def messages_of(result):
    return [f"{error.row}|{error.column}|{error.message}" for error in result.errors]


def assert_nothing_written(tenant, before, result):
    assert counts(tenant) == before
    assert not result.ok
    assert not result.can_confirm


# --- Decoding ----------------------------------------------------------------------------


def test_cp932_with_extension_characters_round_trips(tenant, staff):
    name = "①㈱北陸製作所～本社"
    data = csv_bytes([PARTNER_HEADER, partner_row(name, notes="㈲との合併予定 ①～③")], encoding="cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really CP932, as Japanese Excel writes it

    result = preview(tenant, staff, "partners", data)
    assert result.ok, messages_of(result)
    assert (result.encoding, result.new, result.updated) == ("Shift_JIS (CP932)", 1, 0)

    confirmed = import_confirm(tenant=tenant, token=result.token, by=staff)
    assert confirmed.written
    with scopes_disabled():
        partner = Partner.objects.get(tenant=tenant)
    assert partner.name == name
    assert partner.notes == "㈲との合併予定 ①～③"


def test_utf8_with_bom_header_is_recognised(tenant, staff):
    data = csv_bytes([PARTNER_HEADER, partner_row("株式会社BOM")], bom=True)
    rows = import_decode(upload=data)
    assert rows[0][0] == "name" and rows.encoding == "UTF-8"
    result = preview(tenant, staff, "partners", data)
    assert result.ok and result.new == 1


def test_japanese_headers_and_labels_are_understood(tenant, staff):
    data = csv_bytes([["企業名", "種別", "電話番号", "学籍番号"], ["金沢市役所", "自治体", "+81-76-220-2111", "x"]])
    result = preview(tenant, staff, "partners", data)
    assert result.ok, messages_of(result)
    assert result.ignored_columns == ["学籍番号"]
    import_confirm(tenant=tenant, token=result.token, by=staff)
    with scopes_disabled():
        partner = Partner.objects.get(tenant=tenant)
    assert (partner.kind, partner.phone, partner.country) == ("municipality", "+81-76-220-2111", "日本")


def test_xlsx_made_with_openpyxl(tenant, staff):
    data = xlsx_bytes([PARTNER_HEADER, partner_row("㈱エクセル～①"), partner_row("NPO法人のと", kind="npo")])
    assert data.startswith(b"PK\x03\x04")
    result = preview(tenant, staff, "partners", data, name="partners.xlsx")
    assert result.ok, messages_of(result)
    assert (result.encoding, result.new) == ("xlsx", 2)
    assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    with scopes_disabled():
        assert set(Partner.objects.filter(tenant=tenant).values_list("name", "kind")) == {
            ("㈱エクセル～①", "company"),
            ("NPO法人のと", "npo"),
        }


def test_xlsx_formula_cell_is_a_row_error(tenant, staff):
    before = counts(tenant)
    data = xlsx_bytes([PARTNER_HEADER, partner_row('=HYPERLINK("http://evil.example","click")')])
    result = preview(tenant, staff, "partners", data, name="partners.xlsx")
    assert_nothing_written(tenant, before, result)
    assert "a spreadsheet would run as a formula" in result.errors[0].message
    assert (result.errors[0].row, result.errors[0].column) == (2, "name")


def test_oversized_file_is_a_file_error(tenant, staff, settings):
    settings.IMPORT_MAX_BYTES = 1000
    before = counts(tenant)
    data = csv_bytes([PARTNER_HEADER] + [partner_row(f"株式会社{i}") for i in range(40)])
    assert len(data) > 1000
    result = preview(tenant, staff, "partners", data)
    assert_nothing_written(tenant, before, result)
    assert result.file_errors == ["The file is larger than 1000\xa0bytes. Split it into smaller files."]
    assert (
        not list((settings.MEDIA_ROOT / "imports").glob("*/*")) if (settings.MEDIA_ROOT / "imports").exists() else True
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "neither a CSV file nor an Excel workbook"),
        (b"%PDF-1.7\n1 0 obj", "neither a CSV file nor an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Excel file (.xls)"),
        (b"PK\x03\x04 broken zip", "neither a CSV file nor an Excel workbook"),
        (b"\x00\x01\x02binary\xff\xfe\xfd", "neither a CSV file nor an Excel workbook"),
        (b"", "The file is empty."),
        (b"name\r\n\x81\x20\x82\x20\r\n", "not text in UTF-8 or Shift_JIS"),
    ],
    ids=["png", "pdf", "xls", "broken-zip", "binary", "empty", "bad-encoding"],
)
def test_files_that_are_not_tables_are_file_errors(tenant, staff, data, message):
    before = counts(tenant)
    result = preview(tenant, staff, "partners", data, name="partners.csv")
    assert_nothing_written(tenant, before, result)
    assert any(message in text for text in result.file_errors), result.file_errors


def test_zip_archive_renamed_csv_is_a_file_error(tenant, staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("partners.csv", "name\n株式会社ZIP\n")
    before = counts(tenant)
    result = preview(tenant, staff, "partners", buffer.getvalue(), name="partners.csv")
    assert_nothing_written(tenant, before, result)
    assert "neither a CSV file nor an Excel workbook" in result.file_errors[0]


def test_missing_required_column_is_a_file_error(tenant, staff):
    before = counts(tenant)
    data = csv_bytes([["name_kana", "phone"], ["カブシキガイシャ", "076-000-0000"]])
    result = preview(tenant, staff, "partners", data)
    assert_nothing_written(tenant, before, result)
    assert "Required columns are missing: name." in result.file_errors[0]
    assert result.token == ""  # nothing kept for a file that cannot be imported


def test_too_many_rows_is_a_file_error(tenant, staff, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [PARTNER_HEADER] + [partner_row(f"株式会社{i}") for i in range(4)]
    too_many = "The file has more than 3 rows. Split it into smaller files."
    declared = (
        "The sheet declares its table as A1:I5, down to row 5: more than 3 rows besides the header. "
        "Delete the empty rows below the table, or split it into smaller files."
    )
    for data, name, message in [(csv_bytes(rows), "p.csv", too_many), (xlsx_bytes(rows), "p.xlsx", declared)]:
        result = preview(tenant, staff, "partners", data, name)
        assert result.file_errors == [message]
    rows.pop()
    assert preview(tenant, staff, "partners", csv_bytes(rows)).new == 3


def test_utf16_tab_separated_unicode_text(tenant, staff):
    # What Excel writes for "Unicode text (*.txt)".
    text = "name\tkind\r\n㈱ユニコード～①\tnpo\r\n"
    result = preview(tenant, staff, "partners", codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "p.txt")
    assert (result.encoding, result.new, result.errors) == ("UTF-16", 1, [])


def test_row_numbers_are_spreadsheet_lines_across_blank_lines(tenant, staff):
    rows = [[], PARTNER_HEADER, partner_row("株式会社一"), ["", ""], [], partner_row("株式会社二", kind="x")]
    result = preview(tenant, staff, "partners", csv_bytes(rows))
    assert [(error.row, error.column) for error in result.errors] == [(6, "kind")]
    assert result.total == 2


def test_header_only_file_is_a_file_error(tenant, staff):
    result = preview(tenant, staff, "partners", csv_bytes([PARTNER_HEADER, ["", ""]]))
    assert result.file_errors == ["The file has a header row but no rows to import."]


# --- Row errors ---------------------------------------------------------------------------


def test_broken_partner_rows_are_reported_in_words(tenant, staff):
    before = counts(tenant)
    rows = [
        PARTNER_HEADER,
        partner_row("株式会社正常"),
        partner_row("", industry="製造業"),  # row 3: required value missing
        partner_row("株式会社種別", kind="corporation"),  # row 4: unknown kind
        partner_row("株式会社URL", website="not a url"),  # row 5
        partner_row("株式会社正常"),  # row 6: same partner twice
        partner_row("@SUM(A1)"),  # row 7: formula
        partner_row("株式会社電話", phone="-1+2"),  # row 8: formula-like phone
        partner_row("株式会社長い" + "あ" * 200),  # row 9: too long
    ]
    result = preview(tenant, staff, "partners", csv_bytes(rows))
    assert_nothing_written(tenant, before, result)
    assert result.error_rows == 7
    errors = messages_of(result)
    assert "3|name|This column is required." in errors
    assert any(e.startswith("4|kind|Unknown value “corporation”. Use one of: company (Company)") for e in errors)
    assert "5|website|Enter a valid URL." in errors
    assert "6|name|The same row already appears at row 2 of the file." in errors
    assert any(e.startswith("7|name|“@SUM(A1)” starts with “@”") for e in errors)
    assert any(e.startswith("8|phone|“-1+2” starts with “-”") for e in errors)
    assert any(e.startswith("9|name|Ensure this value has at most 200 characters") for e in errors)
    # The good row is counted, but a file with errors cannot be confirmed.
    assert result.new == 1


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@A1", "\t=1+1", "\r=1+1", " =1+1", "＝1+1", "＋81", "－2", "＠A1"],
    ids=repr,
)
def test_formula_like_text_is_rejected_everywhere(tenant, staff, cell):
    result = preview(tenant, staff, "partners", csv_bytes([PARTNER_HEADER, partner_row("株式会社式", notes=cell)]))
    assert not result.ok
    assert result.errors[0].column == "notes"
    assert "which a spreadsheet would run as a formula" in result.errors[0].message


def test_phone_numbers_may_start_with_plus(tenant, staff):
    data = csv_bytes([PARTNER_HEADER, partner_row("Kanazawa Partner GmbH", phone="+49 (0)30 1234-5678")])
    result = preview(tenant, staff, "partners", data)
    assert result.ok, messages_of(result)


def test_messages_follow_the_language(tenant, staff):
    data = csv_bytes([PARTNER_HEADER, partner_row("株式会社URL", website="not a url")])
    with translation.override("ja"):
        result = preview(tenant, staff, "partners", data)
    # Django's own Japanese catalogue translates the validator's message.
    assert result.errors[0].message == "URLを正しく入力してください。"


# --- Partners: match within the tenant only -----------------------------------------------


def test_good_partner_file_creates_and_updates_exact_counts(tenant, staff):
    existing = PartnerFactory(tenant=tenant, name="株式会社既存", industry="旧業種", phone="000")
    rows = [
        PARTNER_HEADER,
        partner_row("株式会社既存", industry="情報通信業", website="www.kizon.example.jp"),
        partner_row("株式会社新規一"),
        partner_row("大学法人 新規二", kind="university", country="ロシア"),
    ]
    before = counts(tenant)
    result = preview(tenant, staff, "partners", csv_bytes(rows))
    assert (result.total, result.new, result.updated, result.unchanged, result.errors) == (3, 2, 1, 0, [])
    assert counts(tenant) == before  # the preview wrote nothing

    confirmed = import_confirm(tenant=tenant, token=result.token, by=staff)
    assert (confirmed.written, confirmed.new, confirmed.updated) == (True, 2, 1)
    after = counts(tenant)
    assert after["partners"] == before["partners"] + 2
    with scopes_disabled():
        existing.refresh_from_db()
        assert Partner.objects.get(tenant=tenant, name="大学法人 新規二").country == "ロシア"
    assert (existing.industry, existing.website, existing.phone) == (
        "情報通信業",
        "https://www.kizon.example.jp",
        "076-123-4567",
    )


def test_partial_columns_leave_the_other_fields_alone(tenant, staff):
    existing = PartnerFactory(tenant=tenant, name="株式会社部分", industry="製造業", kind="npo", country="日本")
    result = preview(tenant, staff, "partners", csv_bytes([["name", "phone", "kind"], ["株式会社部分", "0761", ""]]))
    assert (result.updated, result.errors) == (1, [])
    import_confirm(tenant=tenant, token=result.token, by=staff)
    with scopes_disabled():
        existing.refresh_from_db()
    assert (existing.phone, existing.industry, existing.kind) == ("0761", "製造業", "npo")


def test_reimporting_the_same_file_changes_nothing(tenant, staff):
    data = csv_bytes([PARTNER_HEADER, partner_row("株式会社同一"), partner_row("株式会社同二")])
    assert import_confirm(tenant=tenant, token=preview(tenant, staff, "partners", data).token, by=staff).written
    again = preview(tenant, staff, "partners", data)
    assert (again.new, again.updated, again.unchanged, again.ok, again.can_confirm) == (0, 0, 2, True, False)


def test_partner_of_another_tenant_is_never_matched(tenant, other_tenant, staff):
    theirs = PartnerFactory(tenant=other_tenant, name="株式会社共通名", phone="999", industry="他校の業種")
    result = preview(tenant, staff, "partners", csv_bytes([PARTNER_HEADER, partner_row("株式会社共通名")]))
    assert (result.new, result.updated) == (1, 0)
    assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    with scopes_disabled():
        theirs.refresh_from_db()
        mine = Partner.objects.get(tenant=tenant, name="株式会社共通名")
    assert mine.pk != theirs.pk
    assert (theirs.phone, theirs.industry) == ("999", "他校の業種")


# --- Students -----------------------------------------------------------------------------


def test_students_are_invited_and_nobody_joins_by_an_import(
    tenant, other_tenant, staff, django_capture_on_commit_callbacks
):
    """Issue 12 item 2: another institution's administrator in a student file is only invited;
    the preview shows the file's values alone, and no account is created, read or changed."""
    elsewhere = member(other_tenant, Role.ADMIN, email="admin@other.example.jp", full_name="他校 管理者")
    already = member(tenant, Role.STUDENT, email="already@example.jp")
    lonely = UserFactory(email="lonely@example.jp")  # an account with no membership anywhere
    rows = [
        ["email", "full_name", "student_number", "language"],
        ["New.Student@Example.jp", "北陸 太郎", "S001", "ja"],
        ["admin@other.example.jp", "別名で上書きしない", "S002", ""],
        ["already@example.jp", "", "S003", ""],
        ["lonely@example.jp", "", "S004", "en"],
    ]
    before = counts(tenant)
    result = preview(tenant, staff, "students", csv_bytes(rows, encoding="cp932"))
    assert (result.new, result.updated, result.unchanged, result.errors) == (3, 0, 1, [])
    assert result.new_label == "To invite"
    assert result.ignored_columns == ["full_name", "student_number"]
    assert counts(tenant) == before

    with django_capture_on_commit_callbacks(execute=True):
        assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    assert counts(tenant) == before  # no account, no membership: only invitations
    with scopes_disabled():
        invited = Invitation.objects.filter(tenant=tenant).order_by("email")
        assert [(i.email, i.role, i.status) for i in invited] == [
            ("admin@other.example.jp", Role.STUDENT, "pending"),
            ("lonely@example.jp", Role.STUDENT, "pending"),
            ("new.student@example.jp", Role.STUDENT, "pending"),
        ]
        assert not Membership.objects.filter(tenant=tenant, user__in=[elsewhere, lonely]).exists()
        assert Membership.objects.filter(tenant=tenant, user=already).count() == 1
        assert Membership.objects.get(tenant=other_tenant, user=elsewhere).role == Role.ADMIN
    elsewhere.refresh_from_db()
    assert elsewhere.full_name == "他校 管理者"  # the account belongs to the person, not to this tenant

    # Importing the same file again sends nothing: they are invited already.
    again = preview(tenant, staff, "students", csv_bytes(rows, encoding="cp932"))
    assert (again.new, again.unchanged, again.can_confirm) == (0, 4, False)


def test_the_preview_looks_the_same_whether_or_not_an_address_has_an_account(tenant, other_tenant, staff):
    member(other_tenant, Role.ADMIN, email="admin@other.example.jp", full_name="他校 管理者")
    files = [
        [["email", "full_name"], ["admin@other.example.jp", ""]],
        [["email", "full_name"], ["nobody@other.example.jp", ""]],
    ]
    seen = []
    for rows in files:
        result = preview(tenant, staff, "students", csv_bytes(rows))
        seen.append((result.ok, result.new, result.updated, result.unchanged, result.errors, result.file_errors))
    assert seen[0] == seen[1] == (True, 1, 0, 0, [], [])


def test_student_rows_with_problems(tenant, staff):
    member(tenant, Role.FACULTY, email="prof@example.jp")
    gone = member(tenant, Role.STUDENT, email="gone@example.jp")
    with scopes_disabled():
        gone.memberships.update(is_active=False)
    rows = [
        ["email", "full_name"],
        ["prof@example.jp", "教員"],
        ["gone@example.jp", "退学"],
        ["not-an-email", "名無し"],
        ["noname@example.jp", ""],
        ["dup@example.jp", "一"],
        ["DUP@example.jp", "二"],
    ]
    before = counts(tenant)
    result = preview(tenant, staff, "students", csv_bytes(rows))
    assert_nothing_written(tenant, before, result)
    assert messages_of(result) == [
        "2|email|prof@example.jp is already a member of this institution as Faculty supervisor.",
        "3|email|gone@example.jp no longer has access to this institution; an import does not give it back.",
        "4|email|Enter a valid email address.",
        "7|email|The same row already appears at row 6 of the file.",
    ]


# --- Placements ---------------------------------------------------------------------------


@pytest.fixture
def placement_world(tenant):
    theme = ThemeFactory(tenant=tenant, title="データ分析による業務改善", partner__name="株式会社受入")
    return {
        "theme": theme,
        "partner": theme.partner,
        "students": [member(tenant, Role.STUDENT, email=f"s{i}@example.jp") for i in range(3)],
        "faculty": member(tenant, Role.FACULTY, email="prof@example.jp"),
    }


def placement_row(student, partner="株式会社受入", theme="データ分析による業務改善", **values):
    row = {
        "student_email": student,
        "partner": partner,
        "theme": theme,
        "faculty_email": "prof@example.jp",
        "starts_on": "2026-09-01",
        "ends_on": "2027-02-28",
        "schedule": "",
        "weekdays": "",
        "pay": "時給 1,200円",
        "direction": "",
    }
    row.update(values)
    return [row[key] for key in PLACEMENT_HEADER]


def test_good_placement_file_imports(tenant, staff, placement_world):
    students = placement_world["students"]
    existing = PlacementFactory(
        tenant=tenant, theme=placement_world["theme"], student=students[2], starts_on=datetime.date(2026, 9, 1)
    )
    rows = [
        PLACEMENT_HEADER,
        placement_row("s0@example.jp", weekdays="月,水"),
        placement_row("S1@example.jp", starts_on="2026/10/1", ends_on="2027年3月31日", schedule="full_time"),
        placement_row("s2@example.jp", faculty_email="", direction="inbound"),
    ]
    before = counts(tenant)
    result = preview(tenant, staff, "placements", csv_bytes(rows, bom=True))
    assert (result.new, result.updated, result.errors) == (2, 1, [])
    assert counts(tenant) == before
    assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    assert counts(tenant)["placements"] == before["placements"] + 2
    with scopes_disabled():
        first = Placement.objects.get(tenant=tenant, student=students[0])
        second = Placement.objects.get(tenant=tenant, student=students[1])
        existing.refresh_from_db()
    assert (first.schedule, first.weekdays, first.faculty_supervisor, first.partner) == (
        "weekly_days",
        "0,2",
        placement_world["faculty"],
        placement_world["partner"],
    )
    assert (second.starts_on, second.ends_on, second.schedule) == (
        datetime.date(2026, 10, 1),
        datetime.date(2027, 3, 31),
        "full_time",
    )
    assert (existing.direction, existing.faculty_supervisor) == ("inbound", None)


def test_placements_xlsx_with_date_cells(tenant, staff, placement_world):
    rows = [
        PLACEMENT_HEADER,
        placement_row("s0@example.jp", starts_on=datetime.date(2026, 4, 1), ends_on=datetime.datetime(2026, 9, 30)),
    ]
    result = preview(tenant, staff, "placements", xlsx_bytes(rows), name="placements.xlsx")
    assert (result.new, result.errors) == (1, [])
    assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    with scopes_disabled():
        placement = Placement.objects.get(tenant=tenant)
    assert (placement.starts_on, placement.ends_on) == (datetime.date(2026, 4, 1), datetime.date(2026, 9, 30))


def test_placement_rows_with_problems(tenant, other_tenant, staff, placement_world):
    theirs = PartnerFactory(tenant=other_tenant, name="他校の受入先", phone="111")
    ThemeFactory(tenant=other_tenant, partner=theirs, title="他校のテーマ")
    member(other_tenant, Role.STUDENT, email="their-student@example.jp")
    ThemeFactory(tenant=tenant, title="別の受入先のテーマ")
    rows = [
        PLACEMENT_HEADER,
        placement_row("s0@example.jp", partner="他校の受入先", theme="他校のテーマ"),  # 2
        placement_row("their-student@example.jp"),  # 3
        placement_row("prof@example.jp"),  # 4: faculty, not a student
        placement_row("s0@example.jp", faculty_email="s1@example.jp"),  # 5
        placement_row("s0@example.jp", starts_on="2026-13-01"),  # 6
        placement_row("s1@example.jp", starts_on="2027-03-01", ends_on="2027-02-01"),  # 7
        placement_row("s1@example.jp", schedule="weekly_days"),  # 8: no days
        placement_row("s1@example.jp", weekdays="月,8"),  # 9
        placement_row("s1@example.jp", schedule="full_time", weekdays="0"),  # 10
        placement_row("s1@example.jp", theme="別の受入先のテーマ"),  # 11
        placement_row("s2@example.jp", direction="sideways"),  # 12
        placement_row("s2@example.jp", pay="=1+1"),  # 13
        placement_row("", ends_on=""),  # 14
    ]
    before = counts(tenant)
    result = preview(tenant, staff, "placements", csv_bytes(rows))
    assert_nothing_written(tenant, before, result)
    errors = messages_of(result)
    assert "2|partner|There is no partner called “他校の受入先” in this institution." in errors
    assert "2|theme|There is no theme called “他校のテーマ” in this institution." in errors
    assert (
        "3|student_email|There is no Student with the email address their-student@example.jp in this institution."
        in errors
    )
    assert (
        "4|student_email|prof@example.jp is a member of this institution, but as Faculty supervisor, not as Student."
        in errors
    )
    assert (
        "5|faculty_email|s1@example.jp is a member of this institution, but as Student, not as Faculty supervisor."
        in errors
    )
    assert "6|starts_on|“2026-13-01” is not a date. Write dates like 2026-04-01." in errors
    assert "7|ends_on|The placement cannot end before it starts." in errors
    assert "8|weekdays|Choose at least one working day." in errors
    assert any(e.startswith("9|weekdays|“月,8” is not a list of working days.") for e in errors)
    assert "10|weekdays|Working days go with the schedule “weekly_days”; leave them empty." in errors
    assert any(e.startswith("11|theme|The theme “別の受入先のテーマ” belongs to “株式会社テスト") for e in errors)
    assert any(e.startswith("12|direction|Unknown value “sideways”.") for e in errors)
    assert any(e.startswith("13|pay|“=1+1” starts with “=”") for e in errors)
    assert "14|student_email|This column is required." in errors
    assert "14|ends_on|This column is required." in errors
    with scopes_disabled():
        theirs.refresh_from_db()
        assert theirs.phone == "111"
        assert Placement.objects.filter(tenant=other_tenant).count() == 0


@pytest.mark.parametrize("kind", ["partners", "students", "contacts", "placements"])
def test_queries_do_not_grow_with_rows(tenant, staff, placement_world, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(n):
        if kind == "partners":
            return [PARTNER_HEADER] + [partner_row(f"株式会社{i}") for i in range(n)]
        if kind == "students":
            return [["email", "full_name"]] + [[f"n{i}@example.jp", "学生"] for i in range(n)]
        if kind == "contacts":
            return [["partner", "full_name", "email"]] + [
                ["株式会社受入", f"担当{i}", f"n{i}@example.jp"] for i in range(n)
            ]
        return [PLACEMENT_HEADER] + [
            placement_row(f"s{i % 3}@example.jp", starts_on=f"2026-09-{i + 1:02d}") for i in range(n)
        ]

    queries = []
    for n in (2, 12):
        data = csv_bytes(rows(n))
        with CaptureQueriesContext(connection) as captured:
            result = preview(tenant, staff, kind, data)
            confirmed = import_confirm(tenant=tenant, token=result.token, by=staff)
        assert confirmed.written and confirmed.new == n, messages_of(confirmed)
        queries.append(len(captured))
        with scopes_disabled():  # start again from the same state
            Placement.objects.filter(tenant=tenant).delete()
            Partner.objects.filter(tenant=tenant, name__startswith="株式会社").exclude(themes__isnull=False).delete()
            Invitation.objects.filter(tenant=tenant, email__startswith="n").delete()
            PartnerContact.objects.filter(tenant=tenant).delete()
    assert queries[0] == queries[1]


def test_duplicate_placement_rows(tenant, staff, placement_world):
    rows = [PLACEMENT_HEADER, placement_row("s0@example.jp"), placement_row("S0@example.jp", starts_on="2026/9/1")]
    result = preview(tenant, staff, "placements", csv_bytes(rows))
    assert messages_of(result) == ["3|student_email|The same row already appears at row 2 of the file."]


# --- Confirmation: all or nothing, once, by the uploader ---------------------------------


def test_confirm_revalidates_and_writes_nothing_when_a_row_fails(tenant, staff, placement_world):
    rows = [PLACEMENT_HEADER, placement_row("s0@example.jp"), placement_row("s1@example.jp")]
    result = preview(tenant, staff, "placements", csv_bytes(rows))
    assert result.can_confirm
    with scopes_disabled():  # between preview and confirm, one student leaves
        placement_world["students"][1].memberships.update(is_active=False)
    before = counts(tenant)
    confirmed = import_confirm(tenant=tenant, token=result.token, by=staff)
    assert not confirmed.written
    assert counts(tenant) == before  # row 2 was fine, but nothing is written
    assert any("s1@example.jp no longer has access" in e for e in messages_of(confirmed))
    # The file stays for the preview page, and the fixed situation can be confirmed later.
    with scopes_disabled():
        placement_world["students"][1].memberships.update(is_active=True)
    assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    assert counts(tenant)["placements"] == before["placements"] + 2


def test_confirm_works_once_and_deletes_the_file(tenant, staff, settings):
    result = preview(tenant, staff, "partners", csv_bytes([PARTNER_HEADER, partner_row("株式会社一回")]))
    stored = settings.MEDIA_ROOT / "imports" / str(tenant.pk)
    kept = sorted(path.name for path in stored.iterdir())
    assert kept == sorted([f"{result.token}.json", f"{result.token}.rows"])
    for path in stored.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    assert list(stored.iterdir()) == []
    with pytest.raises(ImportExpired):
        import_confirm(tenant=tenant, token=result.token, by=staff)
    assert counts(tenant)["partners"] == 1


def test_token_is_bound_to_tenant_and_uploader(tenant, other_tenant, staff):
    result = preview(tenant, staff, "partners", csv_bytes([PARTNER_HEADER, partner_row("株式会社秘密")]))
    colleague = member(tenant, Role.ADMIN)
    outsider = member(other_tenant, Role.STAFF)
    third = TenantFactory()
    for kwargs in [
        {"tenant": tenant, "by": colleague},
        {"tenant": other_tenant, "by": outsider},
        {"tenant": other_tenant, "by": staff},
        {"tenant": third, "by": member(third, Role.ADMIN)},
    ]:
        with pytest.raises(ImportExpired):
            import_confirm(token=result.token, **kwargs)
        with pytest.raises(ImportExpired):
            import_preview(token=result.token, **kwargs)
    for token in ["../../etc/passwd", "", "short"]:
        with pytest.raises(ImportExpired):
            import_confirm(tenant=tenant, token=token, by=staff)
    assert counts(tenant)["partners"] == 0
    assert import_confirm(tenant=tenant, token=result.token, by=staff).written


def test_expired_upload_is_refused(tenant, staff, settings):
    result = preview(tenant, staff, "partners", csv_bytes([PARTNER_HEADER, partner_row("株式会社期限")]))
    settings.IMPORT_KEEP_SECONDS = -1
    with pytest.raises(ImportExpired):
        import_confirm(tenant=tenant, token=result.token, by=staff)
    assert counts(tenant)["partners"] == 0


def test_template_round_trips(tenant, staff):
    for kind in imports.import_kinds():
        data = imports.import_template(kind=kind)
        assert data.startswith(codecs.BOM_UTF8)
        rows = import_decode(upload=data)
        assert rows[0] == [column.key for column in imports.import_kinds()[kind].columns]
    result = preview(tenant, staff, "partners", imports.import_template(kind="partners"))
    assert (result.new, result.errors) == (1, [])


# --- Pages --------------------------------------------------------------------------------


def url(tenant, name):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug})


def test_pages_upload_preview_confirm(client, tenant, staff):
    client.force_login(staff)
    page = client.get(url(tenant, "import_start"))
    assert page.status_code == 200
    assert b"?kind=students" in page.content  # the template links

    data = csv_bytes([PARTNER_HEADER, partner_row("株式会社画面①"), partner_row("株式会社画面②")], encoding="cp932")
    response = client.post(url(tenant, "import_start"), {"kind": "partners", "file": upload(data, "取引先.csv")})
    assert response.status_code == 302
    preview_url = response["Location"]
    assert preview_url.startswith(url(tenant, "import_preview") + "?token=")
    assert counts(tenant)["partners"] == 0

    page = client.get(preview_url)
    assert page.status_code == 200
    assert page.context["result"].new == 2
    assert "取引先.csv" in page.content.decode()
    token = page.context["confirm_form"].initial["token"]

    response = client.post(url(tenant, "import_confirm"), {"token": token})
    assert response.status_code == 302 and response["Location"] == url(tenant, "import_start")
    assert counts(tenant)["partners"] == 2
    page = client.get(response["Location"])
    assert "連携先をインポートしました：新規 2件、更新 0件、変更なし 0件。" in page.content.decode()

    # A second confirmation (double click, back button) imports nothing more.
    response = client.post(url(tenant, "import_confirm"), {"token": token}, follow=True)
    assert "期限切れか、すでに確定されています" in response.content.decode()
    assert counts(tenant)["partners"] == 2


def test_preview_page_lists_row_errors_without_confirm_button(client, tenant, staff):
    client.force_login(staff)
    data = csv_bytes([PARTNER_HEADER, partner_row("株式会社正常"), partner_row("株式会社日付", kind="???")])
    response = client.post(url(tenant, "import_start"), {"kind": "partners", "file": upload(data)}, follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-label="問題"' in content and "「???」は使えない値です" in content
    assert "1行にエラーがあります。" in content
    assert url(tenant, "import_confirm") not in content
    assert counts(tenant)["partners"] == 0


def test_upload_page_shows_file_errors(client, tenant, staff):
    client.force_login(staff)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    response = client.post(url(tenant, "import_start"), {"kind": "partners", "file": upload(png, "partners.csv")})
    assert response.status_code == 200
    assert "CSVでもExcelブック（.xlsx）でもありません" in response.content.decode()
    response = client.post(url(tenant, "import_start"), {"kind": "partners"})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_template_download(client, tenant, staff):
    client.force_login(staff)
    response = client.get(url(tenant, "import_template") + "?kind=placements")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="placements-template.csv"'
    assert response.content.startswith(codecs.BOM_UTF8 + b"student_email,partner,theme")
    assert client.get(url(tenant, "import_template") + "?kind=nope").status_code == 404


def test_pages_in_japanese(client, tenant, staff):
    client.force_login(staff)
    staff.language = "ja"
    staff.save()
    response = client.get(url(tenant, "import_start"))
    assert response.status_code == 200
    assert '<html lang="ja">' in response.content.decode()


def test_another_users_token_is_not_shown(client, tenant, staff):
    result = preview(tenant, staff, "partners", csv_bytes([PARTNER_HEADER, partner_row("株式会社他人")]))
    admin = member(tenant, Role.ADMIN)
    client.force_login(admin)
    response = client.get(url(tenant, "import_preview") + f"?token={result.token}")
    assert response.status_code == 302
    assert client.post(url(tenant, "import_confirm"), {"token": result.token}).status_code == 302
    assert counts(tenant)["partners"] == 0


def test_an_unclosed_quote_is_refused_with_its_line(tenant, staff):
    # It was imported as one partner whose name held the rest of the file.
    data = f'{",".join(PARTNER_HEADER)}\n"株式会社A,company\n株式会社B,company\n'.encode()
    before = counts(tenant)
    result = preview(tenant, staff, "partners", data)
    assert_nothing_written(tenant, before, result)
    assert result.file_errors == [
        'Line 2 opens a quotation mark (") that is never closed, so the rest of the file was read as one cell. '
        "Close the quote or remove it, then upload the file again."
    ]


def test_a_quoted_cell_over_several_lines_is_still_one_cell(tenant, staff):
    row = partner_row("株式会社改行", notes="1行目\n2行目")
    result = preview(tenant, staff, "partners", csv_bytes([PARTNER_HEADER, row]))
    assert result.ok and result.new == 1
