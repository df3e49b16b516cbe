"""The one spreadsheet writer (CSV, UTF-8 with BOM, so Japanese Excel opens it, and XLSX) and
the one XLSX reader (`xlsx_rows`, streamed and bounded: see below).

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
from dataclasses import dataclass
from xml.parsers import expat
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


# --- Reading XLSX: streamed, every size bounded before it is held -------------------------
#
# openpyxl pads every row of a read-only sheet to the sheet's widest column (a sheet declaring
# A1:XFD20001 becomes 300 million cells) and loads all shared strings at once. This reader
# feeds the workbook's XML parts to expat as they are unpacked and keeps only the values: no
# element tree, and a refusal as soon as the file declares or holds more than the limits.

READ_CHUNK = 64 * 1024


class SpreadsheetRefused(ValueError):
    """A workbook the reader will not read: `code` says why, `params` hold the figures."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ReadLimits:
    rows: int  # rows including the header
    columns: int
    cells: int  # cells holding a value
    shared_strings: int
    characters: int  # characters in all texts together
    unpacked_bytes: int  # the archive's parts, uncompressed, together
    parts: int = 1000  # files inside the archive
    elements: int = 0  # XML elements of all parts; 0: derived from the cells and rows


def column_letters(number):
    """1 -> A, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def _reference(text):
    """ "C12" -> (12, 3); None when it is not a cell reference."""
    match = _REFERENCE.match(text or "")
    if not match:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def _local(name, cache={}):  # noqa: B006 - a deliberate memo of the few tag names a file uses
    """The tag or attribute name without its namespace prefix ("x:c" -> "c")."""
    local = cache.get(name)
    if local is None:
        local = cache[name] = name.rpartition(":")[2]
    return local


class _Budget:
    def __init__(self, limits):
        self.limits = limits
        self.unpacked = 0
        self.characters = 0
        self.elements = 0
        self.elements_limit = limits.elements or limits.cells * 4 + limits.rows * 2 + 100_000

    def element(self):
        self.elements += 1
        if self.elements > self.elements_limit:
            raise SpreadsheetRefused("elements", limit=self.elements_limit)

    def bytes_read(self, count):
        self.unpacked += count
        if self.unpacked > self.limits.unpacked_bytes:
            raise SpreadsheetRefused("unpacked", limit=self.limits.unpacked_bytes)

    def text(self, length):
        self.characters += length
        if self.characters > self.limits.characters:
            raise SpreadsheetRefused("characters", limit=self.limits.characters)


def _refuse_declarations(*args):
    raise SpreadsheetRefused("unreadable")  # no DTD, no entities: nothing to expand


def _parse(archive, name, budget, handler):
    """Feeds one part of the archive to expat as it is unpacked. `handler` has start(tag,
    attributes), end(tag) and text(data), tags without their namespace prefix. A handler that
    counts the elements itself (`counts_elements`, the hot parts: the sheet and its strings) gets
    expat's callbacks directly when the part uses the default namespace, as spreadsheet
    programs write it; otherwise each tag is mapped first and counted here."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    counted = getattr(handler, "counts_elements", False)

    def mapped_start(tag, attributes):
        if not counted:
            budget.element()
        handler.start(_local(tag), attributes)

    def mapped_end(tag):
        handler.end(_local(tag))

    def first(tag, attributes):
        direct = counted and ":" not in tag
        parser.StartElementHandler = handler.start if direct else mapped_start
        parser.EndElementHandler = handler.end if direct else mapped_end
        parser.StartElementHandler(tag, attributes)

    parser.StartElementHandler = first
    parser.EndElementHandler = mapped_end
    parser.CharacterDataHandler = handler.text
    with archive.open(name) as member:
        while chunk := member.read(READ_CHUNK):
            budget.bytes_read(len(chunk))
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _attribute(attributes, name):
    """An attribute in any namespace (r:id is namespaced, Strict OOXML changes the namespace)."""
    if name in attributes:
        return attributes[name]
    for key, value in attributes.items():
        if _local(key) == name:
            return value
    return None


class _Texts:
    """Collects the text of <t> elements, except inside phonetic readings (<rPh>, the furigana
    Japanese Excel keeps beside a value, which are not part of it)."""

    def __init__(self, budget):
        self.budget = budget
        self.pieces = None  # collecting when a list
        self.in_text = False
        self.in_phonetic = False

    def start_text(self, tag):
        if tag == "t" and self.pieces is not None and not self.in_phonetic:
            self.in_text = True
        elif tag == "rPh":
            self.in_phonetic = True

    def end_text(self, tag):
        if tag == "t":
            self.in_text = False
        elif tag == "rPh":
            self.in_phonetic = False

    def text(self, data):
        if self.in_text:
            self.budget.text(len(data))
            self.pieces.append(data)


class _WorkbookHandler:
    def __init__(self):
        self.sheets, self.active, self.date1904 = [], 0, False

    def start(self, tag, attributes):
        if tag == "sheet":
            self.sheets.append(_attribute(attributes, "id"))
        elif tag == "workbookView" and (attributes.get("activeTab") or "0").isdigit():
            self.active = int(attributes.get("activeTab") or 0)
        elif tag == "workbookPr":
            self.date1904 = (attributes.get("date1904") or "").lower() in ("1", "true")

    def end(self, tag):
        pass

    def text(self, data):
        pass


class _RelationsHandler(_WorkbookHandler):
    def __init__(self):
        self.targets = {}

    def start(self, tag, attributes):
        if tag == "Relationship":
            self.targets[attributes.get("Id")] = attributes.get("Target") or ""


class _StylesHandler(_WorkbookHandler):
    def __init__(self):
        from openpyxl.styles.numbers import BUILTIN_FORMATS  # Excel's own numbering of formats

        self.formats, self.styles, self.in_cell_styles = dict(BUILTIN_FORMATS), [], False

    def start(self, tag, attributes):
        number = attributes.get("numFmtId") or "0"
        if tag == "cellXfs":
            self.in_cell_styles = True
        elif tag == "numFmt" and number.isdigit():
            self.formats[int(number)] = attributes.get("formatCode") or ""
        elif tag == "xf" and self.in_cell_styles:
            self.styles.append(int(number) if number.isdigit() else 0)

    def end(self, tag):
        if tag == "cellXfs":
            self.in_cell_styles = False

    def dated(self):
        from openpyxl.styles.numbers import is_date_format  # the same rule as openpyxl's

        return {index for index, number in enumerate(self.styles) if is_date_format(self.formats.get(number, ""))}


class _SharedStringsHandler(_Texts):
    counts_elements = True

    def __init__(self, budget):
        super().__init__(budget)
        self.strings = []
        self.limit = budget.limits.shared_strings

    def start(self, tag, attributes):
        self.budget.element()
        if tag == "si":
            if len(self.strings) >= self.limit:
                raise SpreadsheetRefused("shared_strings", limit=self.limit)
            self.pieces = []
        else:
            self.start_text(tag)

    def end(self, tag):
        if tag == "si":
            self.strings.append("".join(self.pieces))
            self.pieces = None
        else:
            self.end_text(tag)


def _part_path(base, target):
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _number(text, dated, date1904):
    try:
        value = float(text) if any(ch in text for ch in ".eE") else int(text)
    except ValueError:
        return text
    if dated:
        # openpyxl is loaded when a workbook is read, not by every process
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            return from_excel(value, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
        except (ValueError, OverflowError):
            return value
    return value


class _SheetHandler(_Texts):
    """Rows of cell values; a row's list ends at its last value, gaps between rows are empty rows."""

    counts_elements = True

    def __init__(self, budget, strings, dates, date1904):
        super().__init__(budget)
        self.limits = budget.limits
        self.strings, self.dates, self.date1904 = strings, dates, date1904
        self.rows, self.values, self.cells = [], [], 0
        self.number, self.position, self.in_row = 0, 0, 0
        self.cell = None  # (reference, type, style) of the open cell
        self.raw = self.formula = None  # lists collecting <v> and <f>
        self.capture = None

    def start(self, tag, attributes):
        budget = self.budget
        budget.elements += 1
        if budget.elements > budget.elements_limit:
            raise SpreadsheetRefused("elements", limit=budget.elements_limit)
        if tag == "c":
            self.cell = (attributes.get("r"), attributes.get("t") or "n", attributes.get("s") or "0")
            self.raw = self.formula = self.capture = None
            self.pieces = None
        elif tag == "v" and self.cell:
            self.raw = self.capture = []
        elif tag == "f" and self.cell:
            self.formula = self.capture = []
        elif tag == "is" and self.cell:
            self.pieces = []
        elif tag == "row":
            given = attributes.get("r") or ""
            number = int(given) if given.isdigit() else len(self.rows) + 1
            if number <= len(self.rows):  # rows out of order: no spreadsheet program writes them
                raise SpreadsheetRefused("unreadable")
            if number > self.limits.rows:
                raise SpreadsheetRefused("rows", limit=self.limits.rows)
            self.number, self.values, self.position, self.in_row = number, [], 0, 0
        elif tag == "dimension":
            _check_dimension(attributes.get("ref") or "", self.limits)
        else:
            self.start_text(tag)

    def text(self, data):
        if self.capture is not None:
            self.budget.text(len(data))
            self.capture.append(data)
        elif self.in_text:
            super().text(data)

    def end(self, tag):
        if tag in ("v", "f"):
            self.capture = None
        elif tag == "c":
            self.end_cell()
        elif tag == "row":
            self.rows.extend([] for _gap in range(self.number - 1 - len(self.rows)))
            self.rows.append(self.values)
        else:
            self.end_text(tag)

    def end_cell(self):
        reference, kind, style = self.cell
        self.cell = None
        found = _reference(reference) if reference else None
        self.position = found[1] if found else self.position + 1
        self.in_row += 1
        if self.position > self.limits.columns or self.in_row > self.limits.columns:
            cell = reference or column_letters(self.position) + str(self.number)
            raise SpreadsheetRefused("column", limit=self.limits.columns, cell=cell)
        value = self.value(kind, style)
        if value is None or value == "":
            return
        self.cells += 1
        if self.cells > self.limits.cells:
            raise SpreadsheetRefused("cells", limit=self.limits.cells)
        values, position = self.values, self.position
        if position <= len(values):
            values[position - 1] = value
        else:
            values.extend([None] * (position - 1 - len(values)))
            values.append(value)

    def value(self, kind, style):
        if self.formula is not None:
            return "=" + "".join(self.formula)  # as openpyxl shows it: the import refuses formulas
        if kind == "inlineStr":
            return "".join(self.pieces) if self.pieces is not None else None
        if self.raw is None:
            return None
        raw = "".join(self.raw)
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                return ""
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":  # an ISO 8601 date cell
            try:
                return datetime.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        if kind in ("str", "e"):
            return raw
        return _number(raw.strip(), style.isdigit() and int(style) in self.dates, self.date1904)


def _check_dimension(ref, limits):
    """The sheet's own statement of its used range, e.g. A1:XFD20001."""
    last = _reference(ref.split(":")[-1])
    if last is None:
        return
    rows, columns = last
    if columns > limits.columns:
        raise SpreadsheetRefused("dimension_columns", limit=limits.columns, ref=ref, columns=columns)
    if rows > limits.rows:
        raise SpreadsheetRefused("dimension_rows", limit=limits.rows, ref=ref, rows=rows)


def xlsx_rows(data, limits):
    """The rows of an XLSX workbook's active sheet as lists of cell values (str, int, float,
    bool, datetime or None), gaps filled with empty rows so positions are spreadsheet lines.

    Raises SpreadsheetRefused("not_xlsx" | "unreadable" | "no_sheet" | "parts" | "unpacked" |
    "dimension_rows" | "dimension_columns" | "rows" | "column" | "cells" | "shared_strings" |
    "characters" | "elements") before more than `limits` is held."""
    budget = _Budget(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise SpreadsheetRefused("not_xlsx") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.parts:
            raise SpreadsheetRefused("parts", limit=limits.parts)
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise SpreadsheetRefused("not_xlsx")
        if sum(info.file_size for info in infos) > limits.unpacked_bytes:
            raise SpreadsheetRefused("unpacked", limit=limits.unpacked_bytes)
        try:
            return _read_workbook(archive, names, budget)
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, OSError):
            # damaged XML or compression, an encrypted part or an unknown compression method
            raise SpreadsheetRefused("unreadable") from None


def _read_workbook(archive, names, budget):
    book = _WorkbookHandler()
    _parse(archive, "xl/workbook.xml", budget, book)
    if not book.sheets:
        raise SpreadsheetRefused("no_sheet")
    relations = _RelationsHandler()
    if "xl/_rels/workbook.xml.rels" in names:
        _parse(archive, "xl/_rels/workbook.xml.rels", budget, relations)
    relation = book.sheets[book.active] if book.active < len(book.sheets) else book.sheets[0]
    sheet = _part_path("xl/workbook.xml", relations.targets.get(relation, ""))
    if sheet not in names:
        raise SpreadsheetRefused("no_sheet")
    shared = _SharedStringsHandler(budget)
    if "xl/sharedStrings.xml" in names:
        _parse(archive, "xl/sharedStrings.xml", budget, shared)
    styles = _StylesHandler()
    if "xl/styles.xml" in names:
        _parse(archive, "xl/styles.xml", budget, styles)
    rows = _SheetHandler(budget, shared.strings, styles.dated(), book.date1904)
    _parse(archive, sheet, budget, rows)
    return rows.rows
