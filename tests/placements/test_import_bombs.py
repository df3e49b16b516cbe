"""Spreadsheet bombs: small files that declare or hold huge sheets are refused while they are
read, with a message naming the limit, and every file is decoded once, at upload.

The bombs are built here, part by part, as a hostile (or broken) tool would write them:
a sheet declaring A1:XFD20001, cells in column XFD, a workbook of shared strings, parts that
unpack to far more than the upload. `make bench` feeds the same bombs at full size
(bench/scenarios/import_bombs.py) and prints their time and peak memory.
"""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from coop.models import Role
from coop.spreadsheets import ReadLimits, SpreadsheetRefused, xlsx_rows
from coop.tenant_tasks import memory_bound
from placements.models import Partner
from placements.services.imports import import_confirm, import_preview

from ..factories import member

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook(sheet_rows="", *, dimension=None, shared=None, styles=None, extra=None):
    """A minimal XLSX: one sheet holding `sheet_rows` (XML of <row> elements)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"/>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="worksheet"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{sheet_rows}</sheetData></worksheet>",
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{shared}</sst>'
    if styles is not None:
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def inline(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = '<row r="1">' + inline("A1", "name") + "</row>"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def staff(tenant):
    return member(tenant, Role.STAFF)


def refusal(tenant, staff, data):
    result = import_preview(tenant=tenant, kind="partners", upload=SimpleUploadedFile("bomb.xlsx", data), by=staff)
    assert result.token == "" and not result.can_confirm
    with scopes_disabled():
        assert not Partner.objects.filter(tenant=tenant).exists()
    return result.file_errors


def test_a_sheet_declaring_a1_to_xfd20001_is_refused_by_its_dimension(tenant, staff):
    data = workbook(HEADER_ROW + '<row r="2">' + inline("A2", "株式会社") + "</row>", dimension="A1:XFD20001")
    assert len(data) < 2000
    assert refusal(tenant, staff, data) == [
        "The sheet declares its table as A1:XFD20001, up to column XFD; an import reads at most 100 columns "
        "(up to column CV). Delete the unused columns, or save only the table as CSV."
    ]


def test_a_sheet_declaring_too_many_rows_is_refused_before_they_are_read(tenant, staff):
    assert refusal(tenant, staff, workbook(HEADER_ROW, dimension="A1:B1048576")) == [
        "The sheet declares its table as A1:B1048576, down to row 1,048,576: more than 20,000 rows besides the "
        "header. Delete the empty rows below the table, or split it into smaller files."
    ]


def test_cells_in_column_xfd_are_refused_by_their_column(tenant, staff):
    rows = HEADER_ROW + "".join(
        f'<row r="{n}">{inline(f"A{n}", "x")}{inline(f"XFD{n}", "y")}</row>' for n in range(2, 500)
    )
    assert refusal(tenant, staff, workbook(rows, dimension="A1:B2")) == [  # a dimension that lies
        "Cell XFD2 is beyond column CV: an import reads at most 100 columns. Delete the cells to the right of "
        "the table, or save only the table as CSV."
    ]


def test_many_empty_cells_in_one_row_are_refused(tenant, staff):
    row = '<row r="2">' + '<c r="A2"/>' * 5000 + "</row>"
    assert refusal(tenant, staff, workbook(HEADER_ROW + row))[0].startswith("Cell A2 is beyond column CV")


def test_a_workbook_of_shared_strings_is_refused_while_they_are_read(tenant, staff, settings):
    settings.IMPORT_MAX_CELLS = 1000
    shared = "<si><t>name</t></si>" + "<si><t>株式会社</t></si>" * 5000
    data = workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared)
    assert refusal(tenant, staff, data) == [
        "The workbook holds more than 1,000 different texts, more than an import may hold. "
        "Save only the table as .xlsx or as CSV."
    ]


def test_too_many_filled_cells_are_refused(tenant, staff, settings):
    settings.IMPORT_MAX_CELLS = 100
    rows = HEADER_ROW + "".join(f'<row r="{n}">{inline(f"A{n}", n)}{inline(f"B{n}", n)}</row>' for n in range(2, 60))
    assert refusal(tenant, staff, workbook(rows)) == [
        "The file has more than 100 filled cells. Split it into smaller files."
    ]


def test_a_part_unpacking_beyond_the_limit_is_refused(tenant, staff, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 100_000
    padding = {"xl/media/padding.bin": "\0" * 200_000}
    assert refusal(tenant, staff, workbook(HEADER_ROW, extra=padding)) == [
        "This workbook unpacks to more than 97.7\xa0KB, the most an import may hold. Delete unused sheets and "
        "columns, or save only the table as CSV."
    ]


def test_entity_declarations_are_refused(tenant, staff):
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{inline("A1", "&lol2;")}</row></sheetData></worksheet>'
    )
    data = workbook(extra={"xl/worksheets/sheet1.xml": sheet})
    assert refusal(tenant, staff, data) == ["This Excel workbook could not be read. Save it again as .xlsx or as CSV."]


def test_the_reader_keeps_what_excel_shows():
    """Shared strings with runs and furigana (<rPh>, which is not the value), inline strings,
    numbers, booleans, dates by their style, formulas as text, and gaps as empty rows."""
    shared = (
        '<si><t>name</t></si><si><r><t>株式会社</t></r><r><t>金沢</t></r><rPh sb="0" eb="2"><t>カナザワ</t></rPh></si>'
    )
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="b"><v>1</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" s="1"><v>46266</v></c><c r="C3"><v>2.5</v></c>'
        '<c r="D3"><f>SUM(C3:C3)</f><v>2.5</v></c><c r="E3" t="d"><v>2027-02-28T00:00:00</v></c></row>'
    )
    values = xlsx_rows(workbook(rows, shared=shared, styles=styles), ReadLimits(10, 10, 100, 100, 1000, 100_000))
    assert values[0] == ["name", None, True]
    assert values[1] == []
    assert values[2][0] == "株式会社金沢"
    assert values[2][1].date().isoformat() == "2026-09-01"
    assert values[2][2:4] == [2.5, "=SUM(C3:C3)"]
    assert values[2][4].date().isoformat() == "2027-02-28"


def test_refusals_carry_their_reason_for_any_caller():
    with pytest.raises(SpreadsheetRefused) as refused:
        xlsx_rows(workbook(HEADER_ROW, dimension="A1:Z3"), ReadLimits(10, 5, 100, 100, 1000, 100_000))
    assert (refused.value.code, refused.value.params["columns"]) == ("dimension_columns", 26)


def test_the_file_is_decoded_once_at_upload(tenant, staff, settings):
    rows = HEADER_ROW + '<row r="2">' + inline("A2", "株式会社一度") + "</row>"
    result = import_preview(
        tenant=tenant, kind="partners", upload=SimpleUploadedFile("p.xlsx", workbook(rows)), by=staff
    )
    assert result.ok and result.encoding == "xlsx"
    kept = settings.MEDIA_ROOT / "imports" / str(tenant.pk) / f"{result.token}.rows"
    assert json.loads(kept.read_bytes()) == [["name"], ["株式会社一度"]]  # the rows, not the workbook
    again = import_preview(tenant=tenant, token=result.token, by=staff)
    assert (again.new, again.encoding) == (1, "xlsx")
    assert import_confirm(tenant=tenant, token=result.token, by=staff).written
    with scopes_disabled():
        assert list(Partner.objects.filter(tenant=tenant).values_list("name", flat=True)) == ["株式会社一度"]


def test_csv_rows_are_bounded_the_same_way(tenant, staff):
    data = ("name" + "," * 200 + "x\r\n株式会社\r\n").encode()
    assert refusal(tenant, staff, data) == [
        "Cell GS1 is beyond column CV: an import reads at most 100 columns. Delete the cells to the right of "
        "the table, or save only the table as CSV."
    ]
    trailing = ("name" + "," * 300 + "\r\n株式会社" + "," * 300 + "\r\n").encode()  # Excel's empty cells
    result = import_preview(tenant=tenant, kind="partners", upload=SimpleUploadedFile("p.csv", trailing), by=staff)
    assert result.ok and result.new == 1


# --- Large imports run in the worker, within a memory bound -------------------------------


def test_a_large_confirmation_runs_in_the_worker_and_the_page_follows_it(
    client, tenant, staff, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_WORKER_ROWS = 2
    client.force_login(staff)
    rows = [["name"], ["株式会社一"], ["株式会社二"], ["株式会社三"]]
    data = "\r\n".join(",".join(row) for row in rows).encode()
    start = reverse("placements:import_start", kwargs={"tenant_slug": tenant.slug})
    preview_url = client.post(start, {"kind": "partners", "file": SimpleUploadedFile("p.csv", data)})["Location"]
    token = client.get(preview_url).context["confirm_form"].initial["token"]
    confirm = reverse("placements:import_confirm", kwargs={"tenant_slug": tenant.slug})
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(confirm, {"token": token})
    assert response["Location"] == preview_url
    waiting = client.get(preview_url, headers={"HX-Request": "true"})
    assert waiting.templates[0].name == "placements/imports/_progress.html"
    assert "hx-trigger" in waiting.content.decode()
    with scopes_disabled():
        assert not Partner.objects.filter(tenant=tenant).exists()  # not before the worker runs

    for callback in queued:  # the worker (eager here) takes the task after the commit
        callback()
    done = client.get(preview_url).content.decode()
    assert "連携先をインポートしました：新規 3件、更新 0件、変更なし 0件。" in done
    assert "hx-trigger" not in done
    with scopes_disabled():
        assert Partner.objects.filter(tenant=tenant).count() == 3


def test_the_memory_bound_raises_inside_and_lifts_after():
    """The worker imports within this bound (IMPORT_WORKER_MEMORY); beyond it an allocation is a
    MemoryError, which import_confirm_queued() records as the import's refusal."""
    with pytest.raises(MemoryError), memory_bound(32 * 1024 * 1024):
        bytearray(256 * 1024 * 1024)
    assert len(bytearray(256 * 1024 * 1024)) == 256 * 1024 * 1024


def test_a_workbook_written_with_namespace_prefixes_reads_the_same():
    """Some libraries write x:row, x:c (a prefix for the spreadsheet namespace) instead of the
    default namespace; their cells are read all the same, and count against the same limits."""
    sheet = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>name</x:t>'
        '</x:is></x:c><x:c r="B1"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    data = workbook(extra={"xl/worksheets/sheet1.xml": sheet})
    assert xlsx_rows(data, ReadLimits(10, 10, 100, 100, 1000, 100_000)) == [["name", 7]]
    with pytest.raises(SpreadsheetRefused) as refused:
        xlsx_rows(data, ReadLimits(10, 10, 1, 100, 1000, 100_000))
    assert refused.value.code == "cells"
