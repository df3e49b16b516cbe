"""Imports of partners, students and placements: upload, dry-run preview, confirm.

Staff and admins only. The uploaded file stays on the server between the preview and the
confirmation (placements.services.imports); the pages pass only its random token around.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coop.access import MANAGERS, require_role

from ..forms.imports import ImportConfirmForm, ImportUploadForm
from ..services import imports

# The preview lists this many row errors; the counts above it cover all of them.
ERRORS_SHOWN = 200


def _preview_url(tenant_slug, token):
    url = reverse("placements:import_preview", kwargs={"tenant_slug": tenant_slug})
    return f"{url}?{urlencode({'token': token})}"


@require_role(MANAGERS)
def import_start(request, tenant_slug):
    kinds = imports.import_kinds()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                token = imports.import_upload(
                    tenant=request.tenant,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                )
            except imports.ImportFileError as error:
                form.add_error("file", error)
            else:
                return redirect(_preview_url(tenant_slug, token))
    else:
        kind = request.GET.get("kind")
        form = ImportUploadForm(initial={"kind": kind if kind in kinds else "partners"})
    return render(request, "placements/imports/start.html", {"form": form, "kinds": kinds.values()})


@require_GET
@require_role(MANAGERS)
def import_preview(request, tenant_slug):
    token = request.GET.get("token", "")
    if not token:
        return redirect("placements:import_start", tenant_slug=tenant_slug)
    try:
        status = imports.import_status(tenant=request.tenant, token=token, by=request.user)
        if status is not None and status["state"] != "failed":  # the worker has it
            template = "placements/imports/_progress.html" if request.htmx else "placements/imports/progress.html"
            return render(request, template, {"status": status, "poll_url": _preview_url(tenant_slug, token)})
        result = imports.import_preview(tenant=request.tenant, token=token, by=request.user)
    except imports.ImportExpired as error:
        messages.error(request, " ".join(error.messages))
        return redirect("placements:import_start", tenant_slug=tenant_slug)
    return render(
        request,
        "placements/imports/preview.html",
        {
            "result": result,
            "worker_messages": status["messages"] if status else [],
            "errors_shown": result.errors[:ERRORS_SHOWN],
            "errors_hidden": max(0, len(result.errors) - ERRORS_SHOWN),
            "confirm_form": ImportConfirmForm(initial={"token": token}),
        },
    )


@require_POST
@require_role(MANAGERS)
def import_confirm(request, tenant_slug):
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a file to import first."))
        return redirect("placements:import_start", tenant_slug=tenant_slug)
    token = form.cleaned_data["token"]
    try:
        result = imports.import_confirm(tenant=request.tenant, token=token, by=request.user)
    except imports.ImportExpired as error:
        messages.error(request, " ".join(error.messages))
        return redirect("placements:import_start", tenant_slug=tenant_slug)
    if result.queued:  # a large file: the worker imports it while the preview page shows progress
        return redirect(_preview_url(tenant_slug, token))
    if not result.written:
        messages.error(request, _("Nothing was imported: the file has problems now. See them below."))
        for message in result.file_errors:
            messages.error(request, message)
        return redirect(_preview_url(tenant_slug, token))
    messages.success(request, result.confirmed_message)
    return redirect("placements:import_start", tenant_slug=tenant_slug)


@require_GET
@require_role(MANAGERS)
def import_template(request, tenant_slug):
    kind = request.GET.get("kind") or "partners"
    if kind not in imports.import_kinds():
        raise Http404
    response = HttpResponse(imports.import_template(kind=kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


urlpatterns = [
    path("imports/", import_start, name="import_start"),
    path("imports/preview/", import_preview, name="import_preview"),
    path("imports/confirm/", import_confirm, name="import_confirm"),
    path("imports/template/", import_template, name="import_template"),
]
