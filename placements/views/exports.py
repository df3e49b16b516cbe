from django.http import Http404
from django.shortcuts import render
from django.urls import path

from coop.access import MANAGERS, require_role
from coop.exports import csv_export, xlsx_export

from ..exports import TABLES


@require_role(MANAGERS)
def export_list(request, tenant_slug):
    return render(request, "placements/exports/list.html", {"tables": TABLES.values()})


@require_role(MANAGERS)
def export_download(request, tenant_slug, table, fmt):
    found = TABLES.get(table)
    if found is None or fmt not in ("csv", "xlsx"):
        raise Http404
    rows = found.rows(found.model.objects.filter(tenant=request.tenant).order_by("pk"))
    name = f"{table}-{request.tenant.slug}"
    export = csv_export if fmt == "csv" else xlsx_export
    return export(request, name=name, header=found.header(), rows=rows, what=f"export:{table}")


urlpatterns = [
    path("exports/", export_list, name="export_list"),
    path("exports/<str:table>.<str:fmt>", export_download, name="export_download"),
]
