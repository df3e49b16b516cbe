"""The one spreadsheet writer (CSV, UTF-8 with BOM, so Japanese Excel opens it, and XLSX) and
the one XLSX reader (`xlsx_rows`, streamed and bounded: see below).

Every export, the term summary and the import templates write through here, so every cell a
spreadsheet would run as a formula is escaped the same way: a leading `= + - @`, their
full-width forms (Japanese input methods type ＝ and Excel still runs it), tab or CR gets a
leading apostrophe. Numbers stay numbers. Rows are read lazily: CSV is yielded in chunks and
XLSX is written in openpyxl's write-only mode, so memory does not grow with the rows.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

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


def _escaped(row):
    return [escape_cell(value) for value in row]


def csv_chunks(header, rows, counter=None):
    """Yields a CSV file's bytes in chunks; `counter[0]` holds the number of rows written."""
    counter = counter if counter is not None else [0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield CSV_BOM.encode()
    if header is not None:
        writer.writerow(_escaped(header))
    for n, row in enumerate(rows, 1):
        writer.writerow(_escaped(row))
        counter[0] = n
        if n % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_bytes(rows):
    """A whole small CSV file (term summary, import template) as bytes."""
    return b"".join(csv_chunks(None, rows))


def xlsx_write(file, sheets):
    """Writes a workbook of `sheets` ([(title, rows)], rows including any header) into `file`;
    returns the number of rows written to the last sheet."""
    from openpyxl import Workbook  # loaded when a workbook is written, not by every process

    workbook = Workbook(write_only=True)
    count = 0
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        count = 0
        for row in rows:
            sheet.append(_escaped(row))
            count += 1
    workbook.save(file)
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
