"""Every document download goes through here: access is checked by the caller (its object
getter), the download is logged in the database (who, what, how many rows), and the file is
served by Django as an attachment-safe response, never from a public media URL."""

from django.http import FileResponse, Http404, HttpResponse

from .models import DownloadLog


def download_log(*, tenant, user, what, filename="", rows=None):
    return DownloadLog.objects.create(
        tenant=tenant, user=user if user.is_authenticated else None, what=what, filename=filename, rows=rows
    )


def file_download(request, file, *, filename, what, as_attachment=True, rows=None, tenant=None):
    """Uploaded files are always attachments; only a document the portal rendered itself (an
    agreement PDF) may be shown inline, still sandboxed. `tenant`: the institution whose log
    records it, when the page is outside it (a consortium's library: the author's)."""
    if not file:
        raise Http404
    download_log(tenant=tenant or request.tenant, user=request.user, what=what, filename=filename, rows=rows)
    return _safe(FileResponse(file.open("rb"), filename=filename, as_attachment=as_attachment))


def content_download(request, content, *, filename, content_type, what, rows=None):
    """A document made for this request (a term summary), served and logged like a stored file."""
    download_log(tenant=request.tenant, user=request.user, what=what, filename=filename, rows=rows)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _safe(response)


def _safe(response):
    # A downloaded document never runs scripts in the portal's origin, nor is sniffed as HTML.
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
