"""The one spreadsheet writer: CSV (UTF-8 with BOM, so Japanese Excel opens it) and XLSX.

Every export, the term summary and the import templates write through here, so every cell a
spreadsheet would run as a formula is escaped the same way: a leading `= + - @`, their
full-width forms (Japanese input methods type ＝ and Excel still runs it), tab or CR gets a
leading apostrophe. Numbers stay numbers. Rows are read lazily: CSV is yielded in chunks and
XLSX is streamed into its zip archive as sheet XML written here (inline strings, dates as
serial numbers with a date format), so memory does not grow with the rows. openpyxl's
write-only mode built an element per cell: 35-49 s for 100,000 rows, now a few seconds.
"""

import csv
import datetime
import decimal
import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
CSV_BOM = "\ufeff"
CSV_CHUNK_ROWS = 500


def is_formula_like(text):
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def escape_cell(value):
    if value is None:
        return ""
    if is_formula_like(value):
        return "'" + value
    return value


_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # every start is one character


def _escaped(row):
    """escape_cell over a row, inlined: it runs for every cell of a 100,000-row export."""
    return [
        ("" if value is None else value)
        if not isinstance(value, str) or value[:1] not in _FORMULA_FIRST
        else "'" + value
        for value in row
    ]


def csv_chunks(header, rows, counter=None):
    """Yields a CSV file's bytes in chunks; `counter[0]` holds the number of rows written."""
    counter = counter if counter is not None else [0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield CSV_BOM.encode()
    if header is not None:
        writer.writerow(_escaped(header))
    batch = []
    for n, row in enumerate(rows, 1):
        batch.append(_escaped(row))
        counter[0] = n
        if n % CSV_CHUNK_ROWS == 0:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue().encode()


def csv_bytes(rows):
    """A whole small CSV file (term summary, import template) as bytes."""
    return b"".join(csv_chunks(None, rows))


XLSX_CHUNK_ROWS = 500
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001 - spreadsheet serial dates have no zone
# Characters XML 1.0 cannot carry (openpyxl refused them); dropped from the cell text.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SHEET_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")
STYLE_DATE, STYLE_DATETIME = 1, 2  # cellXfs of _STYLES

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{sheets}"
    '<Relationship Id="rIdStyles" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_SHEET_REL = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def _column_letters(index):
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xlsx_cell(ref, value):
    """One <c> element: strings inline (never a formula), numbers, booleans, dates as serials."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = escape(ILLEGAL_XML.sub("", value))
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, decimal.Decimal)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        delta = value.replace(tzinfo=None) - EXCEL_EPOCH
        serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
        return f'<c r="{ref}" s="{STYLE_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    return _xlsx_cell(ref, str(value))


def _sheet_title(title, taken):
    clean = SHEET_TITLE_ILLEGAL.sub("_", str(title)).strip("'")[:31] or "Sheet"
    candidate, n = clean, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{clean[: 31 - len(str(n)) - 1]}_{n}"
    taken.add(candidate.lower())
    return candidate


def _write_sheet(stream, rows):
    """Streams one sheet's XML into `stream`; returns the number of rows."""
    stream.write(_SHEET_START.encode())
    letters = []
    parts = []
    count = 0
    for count, row in enumerate(rows, 1):
        values = _escaped(row)
        while len(letters) < len(values):
            letters.append(_column_letters(len(letters)))
        cells = "".join(_xlsx_cell(f"{letters[i]}{count}", value) for i, value in enumerate(values))
        parts.append(f'<row r="{count}">{cells}</row>')
        if count % XLSX_CHUNK_ROWS == 0:
            stream.write("".join(parts).encode())
            parts.clear()
    stream.write(("".join(parts) + _SHEET_END).encode())
    return count


def xlsx_write(file, sheets):
    """Writes a workbook of `sheets` ([(title, rows)], rows including any header) into `file`;
    returns the number of rows written to the last sheet."""
    count = 0
    titles, taken = [], set()
    # Level 1 deflate: a tenth of the time of the default for a file a few percent larger.
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n, (title, rows) in enumerate(sheets, 1):
            titles.append(_sheet_title(title, taken))
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as stream:
                count = _write_sheet(stream, rows)
        numbers = range(1, len(titles) + 1)
        archive.writestr(
            "[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in numbers))
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(
                    f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
                    for n, title in zip(numbers, titles, strict=True)
                )
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(sheets="".join(_SHEET_REL.format(n=n) for n in numbers))
        )
        archive.writestr("xl/styles.xml", _STYLES)
    return count
