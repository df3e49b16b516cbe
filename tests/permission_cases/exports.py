from coop.access import MANAGERS

from . import Case

TENANT_URLS = {
    "placements:export_list": Case("GET", MANAGERS),
    "placements:export_download": Case(
        "GET", MANAGERS, lambda tenant: {"table": "placements", "fmt": "csv"}, names_object=False
    ),
}
