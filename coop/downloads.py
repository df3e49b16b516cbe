"""Every document download goes through here: access is checked by the caller, the download
is logged in the database (who, what, how many rows), and the file is served by Django,
never from a public media URL."""

from django.http import FileResponse, Http404

from .models import DownloadLog


def download_log(*, tenant, user, what, filename="", rows=None):
    return DownloadLog.objects.create(
        tenant=tenant, user=user if user.is_authenticated else None, what=what, filename=filename, rows=rows
    )


def file_download(request, file, *, filename, what, as_attachment=False, rows=None):
    if not file:
        raise Http404
    download_log(tenant=request.tenant, user=request.user, what=what, filename=filename, rows=rows)
    response = FileResponse(file.open("rb"), filename=filename, as_attachment=as_attachment)
    # A downloaded document never runs scripts in the portal's origin.
    response["Content-Security-Policy"] = "sandbox"
    return response
