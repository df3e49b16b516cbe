"""Imports of partners, partner contacts, students and placements from CSV or XLSX files.
People (students, partner contacts) are only ever invited: they join when they accept.

The flow, for staff and admins of one tenant:

1. `import_upload()` decodes the file, the only time it is read, checks it for file-level
   problems (size, format, encoding, limits, header row) and keeps its rows under
   MEDIA_ROOT/imports/<tenant id>/<random token>, readable by the server only. The client
   never holds a copy that is trusted later.
2. `import_preview()` is the dry run: every row is validated, nothing is written. It returns
   counts of new / updated / unchanged rows and the errors, each with its spreadsheet row,
   column and a message in words (in the active language).
3. `import_confirm()` validates again and writes everything in one transaction; a single bad
   row (or a database error) rolls it all back. After a successful import the rows are deleted.

Files are decoded as XLSX when they start with the ZIP signature, otherwise as text: UTF-8 with
or without BOM, UTF-16 with BOM (Excel's "Unicode text"), then CP932 (Shift_JIS as Japanese
Excel writes it, with its extensions ①, ㈱, ～). Anything else is a file-level error.

Settings (all optional): IMPORT_MAX_BYTES (5 MB), IMPORT_MAX_ROWS (20,000), IMPORT_MAX_COLUMNS
(100), IMPORT_MAX_CELLS (300,000 filled cells), IMPORT_MAX_CHARACTERS (10 million characters of
text), IMPORT_MAX_UNPACKED_BYTES (an XLSX's parts together, 10 x IMPORT_MAX_BYTES),
IMPORT_KEEP_SECONDS (how long an unconfirmed upload is kept, 1 day).

Every limit is enforced while the file is read (coop.spreadsheets.xlsx_rows streams the
workbook's XML; a CSV row is checked as it is read), never after the whole file is in memory:
any file up to IMPORT_MAX_BYTES is answered in seconds and a bounded amount of memory. The file
is decoded once, at upload; the preview and the confirmation reuse the rows kept then.
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
from coop.cache import tenant_version_bump
from coop.spreadsheets import ReadLimits, SpreadsheetRefused, column_letters, csv_bytes, xlsx_rows
from coop.tenant_tasks import memory_bound, queue_after_commit

from ..resources import KINDS
from ..tasks import import_confirm_task

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


def max_columns():
    return getattr(settings, "IMPORT_MAX_COLUMNS", 100)


def worker_rows():
    """Confirmations of files with more rows than this run in the worker."""
    return getattr(settings, "IMPORT_WORKER_ROWS", 2_000)


def worker_memory():
    """How much more memory than it holds the worker may take for one import."""
    return getattr(settings, "IMPORT_WORKER_MEMORY", 512 * 1024 * 1024)


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
    queued: bool = False  # handed to the worker: see import_status()
    seconds: float = 0.0

    @property
    def label(self):
        return KINDS[self.kind].label

    @property
    def new_label(self):
        return KINDS[self.kind].new_label

    @property
    def confirmed_message(self):
        return str(KINDS[self.kind].confirmed) % {
            "what": self.label,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

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


def read_limits():
    """What one import may hold; a workbook is refused as soon as it declares or holds more."""
    rows = max_rows() + 1  # and the header
    columns = max_columns()
    cells = getattr(settings, "IMPORT_MAX_CELLS", 300_000)
    return ReadLimits(
        rows=rows,
        columns=columns,
        cells=cells,
        shared_strings=cells,
        characters=getattr(settings, "IMPORT_MAX_CHARACTERS", 10_000_000),
        unpacked_bytes=getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", 10 * max_bytes()),
    )


def _refusal(refused):
    """The person's words for why a workbook is not read, naming the limit."""
    params = {key: f"{value:,}" if isinstance(value, int) else value for key, value in refused.params.items()}
    limit = refused.params.get("limit", 0)
    if refused.code in ("rows", "dimension_rows"):
        params["limit"] = f"{max_rows():,}"  # the person counts rows without the header
    if refused.code in ("dimension_columns", "column"):
        params["last"] = column_letters(limit)
    if refused.code == "dimension_columns":
        params["declared"] = column_letters(refused.params["columns"])
    messages = {
        "not_xlsx": _(
            "This file is neither a CSV file nor an Excel workbook (.xlsx). Save it as CSV or .xlsx and try again."
        ),
        "unreadable": _("This Excel workbook could not be read. Save it again as .xlsx or as CSV."),
        "no_sheet": _("The workbook has no sheet to import."),
        "parts": _("This workbook holds more than %(limit)s parts. Save only the table as .xlsx or as CSV."),
        "unpacked": lambda: (
            _(
                "This workbook unpacks to more than %(size)s, the most an import may hold. Delete unused sheets and "
                "columns, or save only the table as CSV."
            )
            % {"size": filesizeformat(limit)}
        ),
        "dimension_columns": _(
            "The sheet declares its table as %(ref)s, up to column %(declared)s; an import reads at most %(limit)s "
            "columns (up to column %(last)s). Delete the unused columns, or save only the table as CSV."
        ),
        "dimension_rows": _(
            "The sheet declares its table as %(ref)s, down to row %(rows)s: more than %(limit)s rows besides the "
            "header. Delete the empty rows below the table, or split it into smaller files."
        ),
        "column": _(
            "Cell %(cell)s is beyond column %(last)s: an import reads at most %(limit)s columns. Delete the cells "
            "to the right of the table, or save only the table as CSV."
        ),
        "rows": _too_many_rows().messages[0],
        "cells": _("The file has more than %(limit)s filled cells. Split it into smaller files."),
        "shared_strings": _(
            "The workbook holds more than %(limit)s different texts, more than an import may hold. "
            "Save only the table as .xlsx or as CSV."
        ),
        "characters": _(
            "The texts in the file are longer than %(limit)s characters together. Split it into smaller files."
        ),
        "elements": _("The sheet holds more than %(limit)s entries. Save only the table as .xlsx or as CSV."),
    }
    message = messages.get(refused.code, messages["unreadable"])
    return ImportFileError(message() if callable(message) else message % params)


def _decode_xlsx(data):
    try:
        values = xlsx_rows(data, read_limits())
    except SpreadsheetRefused as refused:
        raise _refusal(refused) from None
    rows = DecodedRows([_cell_text(value) for value in row] for row in values)
    rows.encoding = "xlsx"
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
    limits, cells = read_limits(), 0
    try:
        for row in reader:
            while row and not row[-1].strip():
                row.pop()  # the empty cells Excel leaves at the end of a line
            if len(row) > limits.columns:
                raise _refusal(
                    SpreadsheetRefused(
                        "column", limit=limits.columns, cell=f"{column_letters(len(row))}{reader.line_num}"
                    )
                )
            cells += sum(1 for cell in row if cell)
            if cells > limits.cells:
                raise _refusal(SpreadsheetRefused("cells", limit=limits.cells))
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
    return directory / f"{token}.json", directory / f"{token}.rows"


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


def _store(*, tenant, kind, rows, filename, by):
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
        "encoding": rows.encoding,
        "rows": len(rows),
        "created": time.time(),
    }
    # The decoded rows, not the file: it is read once, here, and never again.
    _write_private(data_path, json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode())
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


def _read(path, encoding=""):
    """The rows kept at upload."""
    try:
        rows = DecodedRows(json.loads(path.read_bytes()))
    except (OSError, ValueError):
        raise ImportExpired() from None
    rows.encoding = encoding
    return rows


def _discard(tenant, token):
    meta_path, data_path = _paths(tenant, token)
    for path in (meta_path, data_path, data_path.with_suffix(".confirming"), _status_path(tenant, token)):
        path.unlink(missing_ok=True)


# --- Services -----------------------------------------------------------------------------


def import_upload(*, tenant, kind, upload, by):
    """Checks the file as a whole and keeps it for the preview. Returns the token.

    Raises ImportFileError (nothing kept) when the file cannot be imported at all."""
    if kind not in KINDS:
        raise ImportFileError(_("Choose what the file contains."))
    rows = import_decode(upload=upload)
    table = _table(kind, rows)
    if table.errors:
        raise ImportFileError(table.errors)
    return _store(tenant=tenant, kind=kind, rows=rows, filename=getattr(upload, "name", ""), by=by)


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
    rows = _read(_paths(tenant, result.token)[1], meta.get("encoding", ""))
    result.kind, result.filename, result.encoding = meta["kind"], meta["filename"], rows.encoding
    with scope(tenant=tenant), rls.tenant(tenant), transaction.atomic():
        _run(tenant=tenant, kind=result.kind, rows=rows, by=by, dry_run=True, result=result)
        transaction.set_rollback(True)  # the dry run writes nothing; this makes sure of it
    result.seconds = time.perf_counter() - started
    return result


class _Rollback(Exception):
    pass


def import_confirm(*, tenant, token, by, kind=None):
    """Validates the kept rows again and imports them in one transaction: all rows or none.

    Returns the result; `result.written` tells whether anything was imported. The kept rows are
    deleted after a successful import; after a failed one they stay for the preview page. A file
    of more than IMPORT_WORKER_ROWS rows is imported by the worker instead (`result.queued`):
    `import_status()` follows it."""
    meta = _meta(tenant=tenant, token=token, by=by, kind=kind)
    _meta_path, data_path = _paths(tenant, token)
    claimed = data_path.with_suffix(".confirming")
    try:
        data_path.rename(claimed)  # one confirmation per upload, even on a double click
    except OSError:
        raise ImportExpired() from None
    _status_path(tenant, token).unlink(missing_ok=True)
    if meta.get("rows", 0) > worker_rows():
        _write_status(tenant, token, {"state": "queued"})
        queue_after_commit(import_confirm_task, tenant_id=tenant.pk, token=token, user_id=by.pk)
        return ImportResult(kind=meta["kind"], token=token, filename=meta["filename"], queued=True)
    return _confirm_claimed(tenant=tenant, token=token, by=by, meta=meta)


def import_confirm_queued(*, tenant, token, by, memory_bytes=None):
    """The worker's half of import_confirm(): imports the claimed rows within `memory_bytes`
    more memory than the worker holds (IMPORT_WORKER_MEMORY), and records the outcome for
    import_status()."""
    meta = _meta(tenant=tenant, token=token, by=by)
    _write_status(tenant, token, {"state": "running"})
    limit = memory_bytes if memory_bytes is not None else worker_memory()
    try:
        with memory_bound(limit):
            result = _confirm_claimed(tenant=tenant, token=token, by=by, meta=meta, keep_description=True)
    except MemoryError:
        logger.warning("import over its memory bound: tenant=%s user=%s", tenant.pk, by.pk)
        message = _("The import needed more than %(size)s of memory and was stopped; nothing was saved.") % {
            "size": filesizeformat(limit)
        }
        _write_status(tenant, token, {"state": "failed", "messages": [message]})
        return None
    if result.written:
        counts = {"new": result.new, "updated": result.updated, "unchanged": result.unchanged}
        _write_status(tenant, token, {"state": "done", "counts": counts})
    else:
        messages = [_("Nothing was imported: the file has problems now. See them below."), *result.file_errors]
        _write_status(tenant, token, {"state": "failed", "messages": messages})
    return result


def import_status(*, tenant, token, by):
    """The state of an import the worker has (queued, running, done or failed, with the
    messages to show), or None when the import is not (or no longer) the worker's."""
    meta = _meta(tenant=tenant, token=token, by=by)
    try:
        status = json.loads(_status_path(tenant, token).read_text())
    except (OSError, ValueError):
        return None
    if status.get("state") == "done":  # said in the reader's language
        status["message"] = ImportResult(kind=meta["kind"], **status.get("counts", {})).confirmed_message
    return status


def imports_stranded(*, tenant, queued_for, running_for):
    """(token, user id) of the imports handed to the worker whose status says unfinished for
    too long: "queued" for more than `queued_for` seconds (its message was lost: the broker was
    down when it was queued), or "running" untouched for more than `running_for` seconds (the
    worker died; its one transaction was rolled back). Their claimed rows are still kept, so
    queueing them again imports them (coop.sweeper)."""
    now = time.time()
    stranded = []
    for status_path in sorted(_directory(tenant).glob("*.status")):
        token = status_path.stem
        try:
            status = json.loads(status_path.read_text())
            state, age = status.get("state"), now - status.get("at", now)
            meta = json.loads(_paths(tenant, token)[0].read_text())
        except (OSError, ValueError, ImportExpired):
            continue
        waited = {"queued": queued_for, "running": running_for}.get(state)
        claimed = _paths(tenant, token)[1].with_suffix(".confirming")
        if waited is not None and age > waited and claimed.exists() and meta.get("tenant") == tenant.pk:
            stranded.append((token, meta.get("user")))
    return stranded


def _status_path(tenant, token):
    return _paths(tenant, token)[0].with_suffix(".status")


def _write_status(tenant, token, status):
    path = _status_path(tenant, token)
    temporary = path.with_suffix(".status-new")
    temporary.unlink(missing_ok=True)
    _write_private(temporary, json.dumps({**status, "at": time.time()}, ensure_ascii=False).encode())
    temporary.replace(path)


def _confirm_claimed(*, tenant, token, by, meta, keep_description=False):
    started = time.perf_counter()
    _meta_path, data_path = _paths(tenant, token)
    claimed = data_path.with_suffix(".confirming")
    try:
        rows = _read(claimed, meta.get("encoding", ""))
        result = ImportResult(kind=meta["kind"], token=token, filename=meta["filename"], encoding=rows.encoding)
        with scope(tenant=tenant), rls.tenant(tenant):
            try:
                with transaction.atomic():
                    _run(tenant=tenant, kind=result.kind, rows=rows, by=by, dry_run=False, result=result)
                    if not result.ok:
                        raise _Rollback
            except _Rollback:
                result.written = False
            else:
                result.written = True
                tenant_version_bump("records", tenant.pk)  # bulk writes send no save signals
    except BaseException:
        if claimed.exists():
            claimed.rename(data_path)
        raise
    if result.written and keep_description:  # for import_status(); purged with the stale uploads
        for path in (data_path, claimed):
            path.unlink(missing_ok=True)
    elif result.written:
        _discard(tenant, token)
    if result.written:
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
