"""Streamed exports: CSV (UTF-8 with BOM, so Japanese Excel opens it) and XLSX, with flat memory.

Rows come from a queryset's `values_list(...).iterator()`, never a list; CSV is written to
the response as it is read, XLSX through openpyxl's write-only mode into a temporary file,
both by the one writer in `coop.spreadsheets` (which escapes formula-like cells). Each export
is logged (who, what, how many rows) once it has been read to the end.
"""

import itertools
import tempfile

from django.core.files import File
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django_scopes import scope

from . import rls
from .clock import tenant_zone
from .downloads import download_log
from .models import ExportJob
from .registry import EXPORT_TABLES
from .spreadsheets import csv_chunks, xlsx_write
from .tenant_tasks import queue_after_commit

PROGRESS_EVERY = 1000


def csv_export(request, *, name, header, rows, what):
    """A streamed CSV response. `rows` is an iterable evaluated while streaming, inside the
    request's tenant scope (the response is read after the middleware has returned)."""
    tenant, user = request.tenant, request.user

    def stream():
        counter = [0]
        # Times in the tenant's zone, rows of the tenant only (coop.rls): the middleware's zone
        # and database setting are gone by the time this streams.
        with scope(tenant=tenant), rls.tenant(tenant), timezone.override(tenant_zone(tenant)):
            yield from csv_chunks(header, rows, counter)
            download_log(tenant=tenant, user=user, what=what, filename=f"{name}.csv", rows=counter[0])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def xlsx_table(file, *, title, header, rows):
    """One sheet: a header and the rows; returns how many rows (without the header)."""
    return xlsx_write(file, [(title, itertools.chain([header], rows))]) - 1


def xlsx_export(request, *, name, header, rows, what):
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    count = xlsx_table(spool, title=name, header=header, rows=rows)
    download_log(tenant=request.tenant, user=request.user, what=what, filename=f"{name}.xlsx", rows=count)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- Background exports ------------------------------------------------------------------------


def export_job_start(*, tenant, user, table, fmt):
    if table not in EXPORT_TABLES or fmt not in ("csv", "xlsx"):
        raise ValueError("unknown export")
    job = ExportJob.objects.create(tenant=tenant, user=user, table=table, fmt=fmt)
    from .tasks import export_job_run  # coop.tasks imports this module for the worker's side

    queue_after_commit(export_job_run, tenant_id=tenant.pk, job_id=job.pk)
    return job


def _counting(rows, job):
    for n, row in enumerate(rows, 1):
        if n % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=n)
        yield row


def export_job_run(*, job):
    """Writes the export file, reporting progress every 1,000 rows."""
    table = EXPORT_TABLES[job.table]
    queryset = table.model.objects.filter(tenant=job.tenant).order_by("pk")
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, rows_total=queryset.count())
    rows = _counting(table.rows(queryset), job)
    name = f"{job.table}-{job.tenant.slug}.{job.fmt}"
    try:
        with tempfile.TemporaryFile() as spool:
            if job.fmt == "csv":
                counter = [0]
                for chunk in csv_chunks(table.header(), rows, counter):
                    spool.write(chunk)
                count = counter[0]
            else:
                count = xlsx_table(spool, title=job.table, header=table.header(), rows=rows)
            spool.seek(0)
            job.file.save(name, File(spool), save=False)
    except Exception as error:  # noqa: BLE001 - shown to the person on the job's page
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error=str(error)[:2000])
        raise
    job.rows_done = job.rows_total = count
    job.state = ExportJob.State.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "rows_done", "rows_total", "state", "finished_at"])
    return job
