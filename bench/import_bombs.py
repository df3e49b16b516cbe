"""Spreadsheet bombs as issue 12 found them, built in code, and one file at the upload limit
(run by bench/scenarios/import_bombs.py, each in a fresh process: bench/import_bomb_probe.py).

- dimension: ~5 kB, one sheet declaring A1:XFD20001 (openpyxl padded every row to 16,384 columns);
- column_xfd: ~30 kB, 20,000 rows with a cell in column A and one in column XFD;
- shared_strings: ~230 kB, a million different shared strings;
- largest_accepted: 20,000 rows x 14 columns of different texts, just under every limit.
"""

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _workbook(sheet_xml, shared_xml=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_xml is not None:
            archive.writestr("xl/sharedStrings.xml", shared_xml)
    return buffer.getvalue()


def _sheet(rows, dimension=None):
    head = f'<worksheet xmlns="{MAIN}">' + (f'<dimension ref="{dimension}"/>' if dimension else "")
    return head + "<sheetData>" + "".join(rows) + "</sheetData></worksheet>"


def _inline(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def dimension():
    rows = [f'<row r="1">{_inline("A1", "name")}</row>'] + [
        f'<row r="{n}">{_inline(f"A{n}", f"株式会社{n}")}</row>' for n in range(2, 40)
    ]
    return _workbook(_sheet(rows, dimension="A1:XFD20001"))


def column_xfd():
    rows = [f'<row r="1">{_inline("A1", "name")}</row>'] + [
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, 20_002)
    ]
    return _workbook(_sheet(rows))


def shared_strings():
    shared = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{n}</t></si>" for n in range(1_000_000)) + "</sst>"
    rows = ['<row r="1"><c r="A1" t="s"><v>0</v></c></row>']
    return _workbook(_sheet(rows), shared)


def largest_accepted():
    columns = 14
    rows = []
    for n in range(1, 20_002):
        cells = "".join(
            _inline(f"{chr(65 + c)}{n}", f"{'name' if n == 1 and c == 0 else f'値{n}-{c}'}") for c in range(columns)
        )
        rows.append(f'<row r="{n}">{cells}</row>')
    return _workbook(_sheet(rows))


BOMBS = {
    "dimension": dimension,
    "column_xfd": column_xfd,
    "shared_strings": shared_strings,
    "largest_accepted": largest_accepted,
}
