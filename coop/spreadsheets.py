"""The one spreadsheet writer: CSV (UTF-8 with BOM, so Japanese Excel opens it) and XLSX.

Every export, the term summary and the import templates write through here, so every cell a
spreadsheet would run as a formula is escaped the same way: a leading `= + - @`, their
full-width forms (Japanese input methods type ＝ and Excel still runs it), tab or CR gets a
leading apostrophe. Numbers stay numbers. Rows are read lazily: CSV is yielded in chunks and
XLSX is written in openpyxl's write-only mode, so memory does not grow with the rows.
"""

import csv
import io

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
