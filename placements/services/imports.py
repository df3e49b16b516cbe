"""Imports of partners, students (with memberships) and placements from CSV or XLSX files.

The flow, for staff and admins of one tenant:

1. `import_upload()` reads the file once for file-level problems (size, format, encoding,
   header row) and keeps it under MEDIA_ROOT/imports/<tenant id>/<random token>, readable by
   the server only. The client never holds a copy that is trusted later.
2. `import_preview()` is the dry run: every row is validated, nothing is written. It returns
   counts of new / updated / unchanged rows and the errors, each with its spreadsheet row,
   column and a message in words (in the active language).
3. `import_confirm()` validates again and writes everything in one transaction; a single bad
   row (or a database error) rolls it all back. After a successful import the file is deleted.

Files are decoded as XLSX when they start with the ZIP signature, otherwise as text: UTF-8 with
or without BOM, UTF-16 with BOM (Excel's "Unicode text"), then CP932 (Shift_JIS as Japanese
Excel writes it, with its extensions ①, ㈱, ～). Anything else is a file-level error.

Settings (all optional): IMPORT_MAX_BYTES (5 MB), IMPORT_MAX_ROWS (20,000),
IMPORT_KEEP_SECONDS (how long an unconfirmed upload is kept, 1 day).
"""

import codecs
import csv
import datetime
import io
import json
import logging
import os
import re
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django_scopes import scope
from tablib import Dataset

from coop import rls
from coop.spreadsheets import csv_bytes

from ..resources import KINDS

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Formats people upload by mistake, recognised by their first bytes.
OTHER_FORMATS = [
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0", "XLS"),
    (b"PK\x05\x06", "ZIP"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7Z"),
    (b"\x1f\x8b", "GZIP"),
]


def max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def max_rows():
    return getattr(settings, "IMPORT_MAX_ROWS", 20_000)


def keep_seconds():
    return getattr(settings, "IMPORT_KEEP_SECONDS", 24 * 3600)


class ImportFileError(ValidationError):
    """A problem with the file as a whole: nothing in it can be imported."""


class ImportExpired(ImportFileError):
    def __init__(self):
        super().__init__(_("This import has expired or was already confirmed. Upload the file again."))


@dataclass
class RowError:
    row: int  # spreadsheet line: the header row is 1
    column: str  # the column as written in the file's header, "" for the whole row
    message: str
    value: str = ""


@dataclass
class ImportResult:
    kind: str
    token: str = ""
    filename: str = ""
    encoding: str = ""
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def label(self):
        return KINDS[self.kind].label

    @property
    def error_rows(self):
        return len({error.row for error in self.errors})

    @property
    def ok(self):
        return not self.file_errors and not self.errors

    @property
    def can_confirm(self):
        return self.ok and bool(self.new or self.updated)


class DecodedRows(list):
    """The rows of a file (the first non-empty one is the header), with how it was read."""

    encoding = ""


def import_kinds():
    """What can be imported: {code: ImportKind}, with each kind's columns."""
    return KINDS


# --- Reading files ------------------------------------------------------------------------


def _read_upload(upload):
    limit = max_bytes()
    too_large = ImportFileError(
        _("The file is larger than %(limit)s. Split it into smaller files.") % {"limit": filesizeformat(limit)}
    )
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise too_large
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


def _not_a_table():
    return ImportFileError(
        _("This file is neither a CSV file nor an Excel workbook (.xlsx). Save it as CSV or .xlsx and try again.")
    )


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = getattr(value, "text", None)  # array formulas
    return str(text if isinstance(text, str) else value)


def _decode_xlsx(data):
    import openpyxl  # loaded when a workbook is read, not by every process

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _not_a_table() from None
    if "xl/workbook.xml" not in names:
        raise _not_a_table()
    if unpacked > 20 * max_bytes():
        raise ImportFileError(_("This workbook unpacks to more data than an import may hold. Split it first."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any failure to parse is the same message to the person
        raise ImportFileError(_("This Excel workbook could not be read. Save it again as .xlsx or as CSV.")) from None
    rows = DecodedRows()
    rows.encoding = "xlsx"
    limit = max_rows() + 1
    try:
        sheet = workbook.active if workbook.active in workbook.worksheets else None
        sheet = sheet or (workbook.worksheets[0] if workbook.worksheets else None)
        if sheet is None:
            raise ImportFileError(_("The workbook has no sheet to import."))
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > limit:
                raise _too_many_rows()
    finally:
        workbook.close()
    return rows


def _too_many_rows():
    return ImportFileError(
        _("The file has more than %(count)s rows. Split it into smaller files.") % {"count": f"{max_rows():,}"}
    )


def _decode_text(data):
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("cp932", "Shift_JIS (CP932)")]
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        encoding = label
        break
    else:
        raise ImportFileError(
            _("This file is not text in UTF-8 or Shift_JIS. Save it as “CSV UTF-8” or as an Excel workbook (.xlsx).")
        )
    text = text.rstrip("\x1a")  # an old DOS end-of-file mark
    if CONTROL_CHARACTERS.search(text):
        raise _not_a_table()
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows = DecodedRows()
    rows.encoding = encoding
    limit = max_rows() + 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    record_line = last_line = 1
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limit:
                raise _too_many_rows()
            last_line, record_line = record_line, reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(_("This CSV file is damaged: %(error)s") % {"error": error}) from None
    if reader.line_num > last_line:  # the last record ran over line ends: was its quote closed?
        _check_quote_closed(text, delimiter, last_line)
    return rows


def _check_quote_closed(text, delimiter, line):
    """The lenient reader takes a quote that is never closed as one cell holding the rest of
    the file (one garbage row); the strict one notices the file ending inside it."""
    try:
        for _row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise ImportFileError(
                _(
                    'Line %(line)s opens a quotation mark (") that is never closed, so the rest of the file '
                    "was read as one cell. Close the quote or remove it, then upload the file again."
                )
                % {"line": line}
            ) from None


def import_decode(*, upload):
    """The rows of an uploaded CSV or XLSX file (bytes or a file object), header row included.

    Raises ImportFileError, with a message in words, for a file that is too large, empty, not
    a CSV or XLSX file, or not text in a known encoding.
    """
    data = _read_upload(upload)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        return _decode_xlsx(data)
    for magic, name in OTHER_FORMATS:
        if data.startswith(magic):
            if name == "XLS":
                raise ImportFileError(
                    _("This is an old Excel file (.xls). Save it as .xlsx or as “CSV UTF-8” and upload it again.")
                )
            raise _not_a_table()
    return _decode_text(data)


# --- From rows to a checked dataset -------------------------------------------------------


@dataclass
class _Table:
    dataset: Dataset
    line_numbers: list
    headers: dict  # column key -> header as written in the file
    ignored: list
    errors: list


def _table(kind, rows):
    spec = KINDS[kind]
    errors, ignored, positions, headers = [], [], {}, {}
    header_index = next((i for i, row in enumerate(rows) if any(str(cell).strip() for cell in row)), None)
    if header_index is None:
        return _Table(Dataset(), [], {}, [], [_("The file is empty.")])
    for index, cell in enumerate(rows[header_index]):
        text = str(cell).strip().lstrip("\ufeff").strip()
        if not text:
            continue
        key = spec.column_for(text)
        if key is None:
            ignored.append(text)
        elif key in positions:
            errors.append(_("The column “%(column)s” appears twice in the header row.") % {"column": text})
        else:
            positions[key] = index
            headers[key] = text
    missing = [key for key in spec.required if key not in positions]
    if missing:
        errors.append(
            _(
                "Required columns are missing: %(columns)s. The first row must be the header row; "
                "download the template to see the expected columns."
            )
            % {"columns": ", ".join(missing)}
        )
    dataset = Dataset(headers=list(positions))
    line_numbers = []
    indexes = list(positions.values())
    for line, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(str(cell).strip() for cell in row):
            continue  # blank lines, such as the ones Excel leaves at the end
        dataset.append([row[i] if i < len(row) else "" for i in indexes])
        line_numbers.append(line)
    if not line_numbers and not errors:
        errors.append(_("The file has a header row but no rows to import."))
    return _Table(dataset, line_numbers, headers, ignored, errors)


def _run(*, tenant, kind, rows, by, dry_run, result):
    """Imports (or in a dry run only checks) `rows` into `result`. Writes happen only when
    `dry_run` is false and the caller's transaction commits."""
    table = _table(kind, rows)
    result.ignored_columns = table.ignored
    result.file_errors = table.errors
    result.total = len(table.dataset)
    if table.errors:
        return result
    resource = KINDS[kind].resource_class(tenant=tenant, by=by)
    resource.line_numbers = table.line_numbers
    outcome = resource.import_data(
        table.dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    totals = outcome.totals
    result.new, result.updated, result.unchanged = totals["new"], totals["update"], totals["skip"]
    if resource.updates_count_as_new:
        result.new, result.updated = result.new + result.updated, 0
    for invalid in outcome.invalid_rows:
        values = dict(zip(table.dataset.headers, table.dataset[invalid.number - 1], strict=True))
        for attribute, messages in invalid.error_dict.items():
            column = "" if attribute == NON_FIELD_ERRORS else resource.column_of(attribute)
            for message in messages:
                result.errors.append(
                    RowError(
                        row=resource.line_number(invalid.number),
                        column=table.headers.get(column, column),
                        message=str(message),
                        value=str(values.get(column) or "")[:80],
                    )
                )
    for error_row in outcome.error_rows:
        for error in error_row.errors:
            logger.warning("import row failed", exc_info=error.error)
            result.errors.append(
                RowError(
                    row=resource.line_number(error_row.number),
                    column="",
                    message=_("This row could not be imported: %(error)s") % {"error": error.error},
                )
            )
    for error in outcome.base_errors:
        logger.warning("import failed", exc_info=error.error)
        result.file_errors.append(_("The database refused the import: %(error)s") % {"error": error.error})
    result.errors.sort(key=lambda error: error.row)
    return result


# --- Keeping the file between preview and confirm -----------------------------------------


def _directory(tenant):
    return Path(settings.MEDIA_ROOT) / "imports" / str(tenant.pk)


def _paths(tenant, token):
    if not TOKEN.fullmatch(token or ""):
        raise ImportExpired()
    directory = _directory(tenant)
    return directory / f"{token}.json", directory / f"{token}.upload"


def _write_private(path, data):
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _purge_stale(directory):
    cutoff = time.time() - keep_seconds()
    for path in directory.glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _store(*, tenant, kind, data, filename, by):
    directory = _directory(tenant)
    directory.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.mkdir(exist_ok=True, mode=0o700)
    _purge_stale(directory)
    token = secrets.token_urlsafe(32)
    meta_path, data_path = _paths(tenant, token)
    meta = {
        "tenant": tenant.pk,
        "user": by.pk,
        "kind": kind,
        "filename": os.path.basename(filename or "")[:200],
        "created": time.time(),
    }
    _write_private(data_path, data)
    _write_private(meta_path, json.dumps(meta).encode())
    return token


def _meta(*, tenant, token, by, kind=None):
    """The kept upload's description, if it exists, is recent, and belongs to `by` in `tenant`.
    Anything else is the same "expired" answer: a token reveals nothing about other uploads."""
    meta_path, _data_path = _paths(tenant, token)
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        raise ImportExpired() from None
    if meta.get("tenant") != tenant.pk or meta.get("user") != by.pk or meta.get("kind") not in KINDS:
        raise ImportExpired()
    if kind is not None and kind != meta["kind"]:
        raise ImportExpired()
    if time.time() - meta.get("created", 0) > keep_seconds():
        _discard(tenant, token)
        raise ImportExpired()
    return meta


def _read(path):
    try:
        return path.read_bytes()
    except OSError:
        raise ImportExpired() from None


def _discard(tenant, token):
    meta_path, data_path = _paths(tenant, token)
    for path in (meta_path, data_path, data_path.with_suffix(".confirming")):
        path.unlink(missing_ok=True)


# --- Services -----------------------------------------------------------------------------


def import_upload(*, tenant, kind, upload, by):
    """Checks the file as a whole and keeps it for the preview. Returns the token.

    Raises ImportFileError (nothing kept) when the file cannot be imported at all."""
    if kind not in KINDS:
        raise ImportFileError(_("Choose what the file contains."))
    data = _read_upload(upload)
    rows = import_decode(upload=data)
    table = _table(kind, rows)
    if table.errors:
        raise ImportFileError(table.errors)
    return _store(tenant=tenant, kind=kind, data=data, filename=getattr(upload, "name", ""), by=by)


def import_preview(*, tenant, by, kind=None, upload=None, token=None):
    """The dry run. Give either `upload` (kept for the confirmation; the result's token names it)
    or the `token` of an earlier upload. Nothing is written to the database."""
    started = time.perf_counter()
    result = ImportResult(kind=kind if kind in KINDS else "partners", token=token or "")
    if upload is not None:
        try:
            result.token = import_upload(tenant=tenant, kind=kind, upload=upload, by=by)
        except ImportFileError as error:
            result.file_errors = list(error.messages)
            result.filename = os.path.basename(getattr(upload, "name", "") or "")
            return result
    meta = _meta(tenant=tenant, token=result.token, by=by, kind=kind)
    data = _read(_paths(tenant, result.token)[1])
    result.kind, result.filename = meta["kind"], meta["filename"]
    with scope(tenant=tenant), rls.tenant(tenant):
        try:
            rows = import_decode(upload=data)
        except ImportFileError as error:
            result.file_errors = list(error.messages)
            return result
        result.encoding = rows.encoding
        with transaction.atomic():
            _run(tenant=tenant, kind=result.kind, rows=rows, by=by, dry_run=True, result=result)
            transaction.set_rollback(True)  # the dry run writes nothing; this makes sure of it
    result.seconds = time.perf_counter() - started
    return result


class _Rollback(Exception):
    pass


def import_confirm(*, tenant, token, by, kind=None):
    """Validates the kept file again and imports it in one transaction: all rows or none.

    Returns the result; `result.written` tells whether anything was imported. The kept file is
    deleted after a successful import; after a failed one it stays for the preview page."""
    started = time.perf_counter()
    meta = _meta(tenant=tenant, token=token, by=by, kind=kind)
    _meta_path, data_path = _paths(tenant, token)
    claimed = data_path.with_suffix(".confirming")
    try:
        data_path.rename(claimed)  # one confirmation per upload, even on a double click
    except OSError:
        raise ImportExpired() from None
    try:
        data = _read(claimed)
        result = ImportResult(kind=meta["kind"], token=token, filename=meta["filename"])
        with scope(tenant=tenant), rls.tenant(tenant):
            rows = import_decode(upload=data)
            result.encoding = rows.encoding
            try:
                with transaction.atomic():
                    _run(tenant=tenant, kind=result.kind, rows=rows, by=by, dry_run=False, result=result)
                    if not result.ok:
                        raise _Rollback
            except _Rollback:
                result.written = False
            else:
                result.written = True
    except BaseException:
        if claimed.exists():
            claimed.rename(data_path)
        raise
    if result.written:
        _discard(tenant, token)
        logger.info(
            "import confirmed: tenant=%s user=%s kind=%s new=%s updated=%s unchanged=%s",
            tenant.pk,
            by.pk,
            result.kind,
            result.new,
            result.updated,
            result.unchanged,
        )
    else:
        claimed.rename(data_path)
    result.seconds = time.perf_counter() - started
    return result


def import_template(*, kind):
    """An example CSV for `kind`: UTF-8 with BOM (Excel opens it correctly), header row and
    one example row."""
    spec = KINDS[kind]
    return csv_bytes([[column.key for column in spec.columns], [column.example for column in spec.columns]])
